// Preloaded into the demo's edge proxy (`node --import`): the proxy ends when its standard input
// does. The launcher holds the other end of that pipe, so even a launcher killed with SIGKILL
// leaves no proxy behind, as `--exit-on-stdin-close` does for the emulator.
process.stdin.once("end", () => process.exit(0)).resume();
