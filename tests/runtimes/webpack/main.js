// Bundled by webpack 5: the package's default (browser) entries; webpack emits the wasm each points
// at (`new URL(..., import.meta.url)`) and runs the entries' top-level await as async modules.
import * as lib from "scw-functions-auth";
import * as invoke from "scw-functions-auth/invoke";
import { scenario } from "../shared/scenario.js";

window.outcome = fetch("/emulator/info")
  .then((res) => res.json())
  .then((env) => scenario(lib, invoke, { ...env, runtime: "webpack" }));
