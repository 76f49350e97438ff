// Starts an emulator, prints its ready line and lives until it is killed: the parent that
// package.test.mjs kills with SIGKILL, never calling stop().
import { startEmulator } from "scw-emulator";

const emulator = await startEmulator();
console.log(JSON.stringify({ apiUrl: emulator.apiUrl }));
setInterval(() => {}, 60_000);
