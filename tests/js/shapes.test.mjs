// What the library hands out matches what index.d.ts declares: every key an object carries is
// declared, every required key is there, and every Date-typed one is a Date. The declarations are
// read with the TypeScript compiler, the objects come from the built package and the emulator.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { lib, useEmulator, UNKNOWN } from "./support.mjs";

const { FunctionsClient, PrivateFunction, decodeToken } = lib;
const emu = useEmulator();
const client = () => new FunctionsClient({ secretKey: emu.secret_key, apiUrl: emu.api_url });

const declarations = fileURLToPath(new URL("../../pkg/index.d.ts", import.meta.url));
const program = ts.createProgram([declarations], { strict: true, noEmit: true });
const checker = program.getTypeChecker();
const source = program.getSourceFile(declarations);
const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(source));

/** The properties index.d.ts declares for `name`: optional or not, Date or not; `open` with an index signature. */
function declared(name) {
  const symbol = exported.find((s) => s.name === name);
  assert.ok(symbol, `index.d.ts exports ${name}`);
  const type = checker.getDeclaredTypeOfSymbol(symbol);
  const props = new Map();
  for (const p of checker.getPropertiesOfType(type)) {
    const t = checker.typeToString(checker.getTypeOfSymbolAtLocation(p, source));
    if (t.includes("=>")) continue; // methods
    props.set(p.name, { optional: (p.flags & ts.SymbolFlags.Optional) !== 0, date: /\bDate\b/.test(t) });
  }
  return { props, open: checker.getIndexInfosOfType(type).length > 0 };
}

/** Asserts that `value` is what index.d.ts calls `name`. */
function conforms(value, name) {
  const { props, open } = declared(name);
  for (const key of Object.keys(value)) {
    assert.ok(open || props.has(key), `${name}.${key} is not declared in index.d.ts`);
    if (props.get(key)?.date) assert.ok(value[key] instanceof Date, `${name}.${key} is a Date`);
  }
  for (const [key, p] of props) {
    if (!p.optional && !["message", "name", "stack"].includes(key)) {
      assert.ok(key in value, `${name}.${key} is declared required but missing`);
    }
  }
}

test("tokens, pages, keys and decoded tokens are shaped as declared", async () => {
  const c = client();
  const expiresAt = new Date(Date.now() + 3_600_000);
  const created = await c.createToken({ functionId: emu.function_id, description: "shapes", expiresAt });
  conforms(created, "Token");
  assert.ok(created.token && created.expiresAt, "the fields under test are present");
  conforms(await c.getToken(created.id), "Token");
  conforms(await c.waitForToken(created.id), "Token");
  const page = await c.listTokens({ functionId: emu.function_id });
  conforms(page, "TokenPage");
  page.tokens.forEach((t) => conforms(t, "Token"));
  (await c.listAllTokens()).forEach((t) => conforms(t, "Token"));
  conforms(decodeToken(created.token), "DecodedToken");
  conforms(await c.deleteToken(created.id), "Token");

  const key = await c.createFunctionAccessKey({ projectId: emu.project_id, expiresAt });
  conforms(key, "FunctionAccessKey");
  await c.deleteFunctionAccessKey(key.accessKey);
});

test("namespaces and functions carry their declared fields", async () => {
  const c = client();
  for (const n of [await c.getNamespace(emu.namespace_id), ...(await c.listNamespaces())]) conforms(n, "Namespace");
  for (const f of [await c.getFunction(emu.function_id), ...(await c.listFunctions())]) conforms(f, "Function");
});

test("errors carry the fields ScwError declares", async () => {
  const notFound = await client().getToken(UNKNOWN).catch((e) => e);
  conforms(notFound, "NotFoundError");
  assert.equal(notFound.resourceId, UNKNOWN);
  const denied = await new FunctionsClient({ secretKey: UNKNOWN, apiUrl: emu.api_url }).listNamespaces().catch((e) => e);
  conforms(denied, "DeniedAuthenticationError");
  assert.equal(denied.method, "api_key");
  let invalid;
  try {
    new PrivateFunction({ url: emu.function_url });
  } catch (e) {
    invalid = e;
  }
  conforms(invalid, "ValidationError");
});

test("an invalid_arguments answer's details are shaped as ErrorDetail", async (t) => {
  // The 400 body Scaleway was recorded sending (shared/scaleway-api.md), replayed by a local server.
  const recorded = {
    details: [{ argument_name: "function_id", help_message: "must be a UUID", reason: "constraint" }],
    message: "invalid argument(s)",
    type: "invalid_arguments",
  };
  const server = createServer((_, res) => res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify(recorded)));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => server.close());
  const apiUrl = `http://127.0.0.1:${server.address().port}`;
  const error = await new FunctionsClient({ secretKey: UNKNOWN, apiUrl }).listNamespaces().catch((e) => e);
  conforms(error, "InvalidArgumentsError");
  assert.equal(error.details.length, 1);
  conforms(error.details[0], "ErrorDetail");
  assert.deepEqual(error.details[0], { argumentName: "function_id", helpMessage: "must be a UUID", reason: "constraint" });
});
