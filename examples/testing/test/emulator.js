// Starts scw-emulator once for the test run and hands its ready line to the tests (`inject`).
import { startEmulator } from "scw-emulator";

export default async function setup({ provide }) {
  const emulator = await startEmulator();
  const { apiUrl, secretKey, region, projectId, functionUrl } = emulator;
  provide("emulator", { apiUrl, secretKey, region, projectId, functionUrl });
  return () => emulator.stop();
}
