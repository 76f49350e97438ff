// Bundled by webpack 5: the package's default (browser) entry; webpack emits the wasm it points at
// (`new URL(..., import.meta.url)`) and runs the entry's top-level await as an async module.
import * as lib from "scw-functions-auth";
import { scenario } from "../shared/scenario.js";

window.outcome = fetch("/emulator/info")
  .then((res) => res.json())
  .then((env) => scenario(lib, { ...env, runtime: "webpack" }));
