// The package's types as a TypeScript user meets them (tsc --strict, resolutions nodenext and bundler).
import { startEmulator, EmulatorError, type Emulator, type EmulatorRequest, type Seed } from "scw-emulator";

const seed: Seed = {
  namespaces: [{ name: "shop", region: "nl-ams", functions: [{ name: "cart", privacy: "private", upstream: "http://127.0.0.1:8081" }] }],
  api_keys: [{ secret_key: "11111111-2222-4333-8444-555555555555", application_id: "a", expires_at: null }],
};

try {
  const emulator: Emulator = await startEmulator({
    seed,
    corsOrigin: ["http://localhost:5173"],
    gatewayPreflight: "allow",
    profile: "production",
    requireKeyExpiry: "false",
    iamPropagation: "2m",
    // A flag the types do not list yet is still an option.
    someLaterFlag: "value",
  });
  const apiUrl: string = emulator.apiUrl;
  const functionUrl: string | null = emulator.functionUrl;
  const log: EmulatorRequest[] = await emulator.requests();
  const at: Date | undefined = log[0]?.at;
  await emulator.reset();
  await emulator.stop();
  console.log(apiUrl, functionUrl, at);
} catch (error) {
  if (error instanceof EmulatorError) {
    const option: string | undefined = error.option;
    const exitCode: number | null | undefined = error.exitCode;
    console.log(option, exitCode);
  }
}

// @ts-expect-error gatewayPreflight is "refuse" or "allow"
void startEmulator({ gatewayPreflight: "sometimes" });
// @ts-expect-error profile is "local" or "production"
void startEmulator({ profile: "staging" });
// @ts-expect-error port is a number
void startEmulator({ port: "8080" });
// @ts-expect-error a seed namespace needs a name
void startEmulator({ seed: { namespaces: [{ region: "fr-par" }] } });
