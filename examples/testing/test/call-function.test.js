import { describe, expect, inject, test } from "vitest";
import { FunctionsClient } from "scw-functions-auth";
import { callWithFreshKey } from "../src/call-function.js";

const emulator = inject("emulator");

describe("callWithFreshKey", () => {
  test("calls the private function with a key of its own", async () => {
    const { status, body } = await callWithFreshKey(emulator, "/hello?name=vitest");
    // The emulator's function echoes the request it got; the key itself is not echoed.
    expect(status).toBe(200);
    expect(body).toMatchObject({ method: "GET", path: "/hello", query: "name=vitest" });
    expect(body.headers).not.toHaveProperty("x-auth-token");
  });

  test("leaves no key behind", async () => {
    await callWithFreshKey(emulator, "/");
    const { secretKey, region, apiUrl } = emulator;
    const client = new FunctionsClient({ secretKey, region, apiUrl });
    expect(await client.listFunctionAccessKeys({ projectId: emulator.projectId })).toEqual([]);
  });

  test("the function refuses a call without a key, as Scaleway's gateway does", async () => {
    const response = await fetch(emulator.functionUrl);
    expect(response.status).toBe(403);
  });
});
