// The scenario in a page without bundler and without an init call: the package entry
// instantiates the wasm itself (top-level await). Loaded by index.html and hinted.html.
import * as lib from "./node_modules/scw-functions-auth/index.js";
import { scenario } from "../shared/scenario.js";

window.outcome = fetch("/emulator/info")
  .then((res) => res.json())
  .then((env) => scenario(lib, { ...env, runtime: "browser-module" }));
