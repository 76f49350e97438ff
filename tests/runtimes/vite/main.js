// Bundled by Vite: the package's default (browser) entries; Vite emits the wasm each points at.
import * as lib from "scw-functions-auth";
import * as invoke from "scw-functions-auth/invoke";
import { scenario } from "../shared/scenario.js";

window.outcome = fetch("/emulator/info")
  .then((res) => res.json())
  .then((env) => scenario(lib, invoke, { ...env, runtime: "vite" }));
