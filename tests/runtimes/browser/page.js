// The scenario in a page without bundler and without an init call: each package entry
// instantiates its wasm itself (top-level await). Loaded by index.html and hinted.html.
import * as lib from "./node_modules/scw-functions-auth/index.js";
import * as invoke from "./node_modules/scw-functions-auth/invoke/index.js";
import { scenario } from "../shared/scenario.js";

window.outcome = fetch("/emulator/info")
  .then((res) => res.json())
  .then((env) => scenario(lib, invoke, { ...env, runtime: "browser-module" }));
