// Bundled by Vite: the package's default (browser) entry; Vite emits the wasm it points at.
import * as lib from "scw-functions-auth";
import { scenario } from "../shared/scenario.js";

window.outcome = fetch("/emulator/info")
  .then((res) => res.json())
  .then((env) => scenario(lib, { ...env, runtime: "vite" }));
