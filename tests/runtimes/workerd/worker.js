// workerd module worker: imports the package's entries by their bare names (their `workerd` entries
// import the wasm as a module) and answers the scenario's outcome as JSON on any request but /__ready.
import * as lib from "scw-functions-auth";
import * as invoke from "scw-functions-auth/invoke";
import { scenario } from "../shared/scenario.js";

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/__ready") return new Response("ready");
    const outcome = await scenario(lib, invoke, { ...JSON.parse(env.EMULATOR), runtime: "workerd" });
    return Response.json(outcome);
  },
};
