import { FunctionProxy as WasmFunctionProxy } from "./scw_functions_auth.js";

/** FunctionProxy with `handle` bound to its proxy, so that it can be handed over alone: `Deno.serve(proxy.handle)`. */
export class FunctionProxy extends WasmFunctionProxy {
  constructor(options) {
    super(options);
    this.handle = this.handle.bind(this);
  }
}
// Its name in minified bundles too.
Object.defineProperty(FunctionProxy, "name", { value: "FunctionProxy" });
