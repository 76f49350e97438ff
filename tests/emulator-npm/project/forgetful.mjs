// Starts an emulator, prints its ready line and ends without calling stop().
import { startEmulator } from "scw-emulator";

const emulator = await startEmulator();
console.log(JSON.stringify({ apiUrl: emulator.apiUrl }));
