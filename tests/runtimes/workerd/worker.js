// workerd module worker: imports the package by its bare name (its `workerd` entry imports the wasm
// as a module) and answers the scenario's outcome as JSON on any request but /__ready.
import * as lib from "scw-functions-auth";
import { scenario } from "../shared/scenario.js";

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/__ready") return new Response("ready");
    const outcome = await scenario(lib, { ...JSON.parse(env.EMULATOR), runtime: "workerd" });
    return Response.json(outcome);
  },
};
