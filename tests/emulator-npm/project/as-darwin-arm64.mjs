// Preloaded with `node --import`: this process believes it runs on macOS arm64, a platform that
// scw-emulator has no prebuilt binary for.
Object.defineProperty(process, "platform", { value: "darwin" });
Object.defineProperty(process, "arch", { value: "arm64" });
