// The official @scaleway/sdk-iam, pointed at the emulator, manages applications, policies and
// API keys without noticing it is not talking to Scaleway; the key it makes opens the function.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createClient, Errors } from "@scaleway/sdk-client";
import { Iamv1alpha1 } from "@scaleway/sdk-iam";
import { startEmulator } from "../support/emulator.mjs";

let emulator;
let iam;
let organizationId;

before(async () => {
  emulator = await startEmulator();
  const res = await fetch(`${emulator.api_url}/functions/v1beta1/regions/fr-par/namespaces/${emulator.namespace_id}`, {
    headers: { "X-Auth-Token": emulator.secret_key },
  });
  organizationId = (await res.json()).organization_id;
  iam = new Iamv1alpha1.API(
    createClient({
      apiURL: emulator.api_url,
      accessKey: "SCWXXXXXXXXXXXXXXXXX",
      secretKey: emulator.secret_key,
      defaultOrganizationId: organizationId,
      defaultProjectId: emulator.project_id,
    }),
  );
});

after(async () => {
  await emulator?.stop();
});

const callFunction = (secret) => fetch(emulator.function_url, { headers: { "X-Auth-Token": secret } });

test("an application, its policy and its API key are created, read, used and deleted", async () => {
  const application = await iam.createApplication({ name: "conformance", description: "sdk-iam" });
  assert.equal(application.organizationId, organizationId);
  assert.equal(application.nbApiKeys, 0);
  assert.ok(application.createdAt instanceof Date);

  const policy = await iam.createPolicy({
    name: "call-functions",
    applicationId: application.id,
    rules: [{ permissionSetNames: ["FunctionsPrivateAccess"], projectIds: [emulator.project_id] }],
  });
  assert.equal(policy.applicationId, application.id);
  assert.equal(policy.nbRules, 1);
  const { rules } = await iam.listRules({ policyId: policy.id });
  assert.deepEqual(rules[0].permissionSetNames, ["FunctionsPrivateAccess"]);
  assert.deepEqual(rules[0].projectIds, [emulator.project_id]);

  const expiresAt = new Date(Date.now() + 3_600_000);
  const key = await iam.createAPIKey({ applicationId: application.id, description: "conformance", expiresAt });
  assert.match(key.accessKey, /^SCW[A-Z0-9]{17}$/);
  assert.match(key.secretKey, /^[0-9a-f-]{36}$/);
  assert.equal(key.expiresAt.getTime(), expiresAt.getTime());
  assert.equal((await callFunction(key.secretKey)).status, 200);

  const read = await iam.getAPIKey({ accessKey: key.accessKey });
  assert.equal(read.secretKey, null, "the secret is shown once");
  const listed = await iam.listAPIKeys({ applicationId: application.id });
  assert.deepEqual(listed.apiKeys.map((k) => k.accessKey), [key.accessKey]);

  await iam.deleteAPIKey({ accessKey: key.accessKey });
  assert.equal((await callFunction(key.secretKey)).status, 403);
  await iam.deletePolicy({ policyId: policy.id });
  await iam.deleteApplication({ applicationId: application.id });
  assert.equal((await iam.listApplications({})).totalCount, 0);
  assert.equal((await iam.listPolicies({})).totalCount, 0);
});

test("unknown ids are ResourceNotFoundError with the resource and its id", async () => {
  const missing = "SCW00000000000000000";
  await assert.rejects(iam.getAPIKey({ accessKey: missing }), (error) => {
    assert.ok(error instanceof Errors.ResourceNotFoundError);
    assert.equal(error.resource, "api_key");
    assert.equal(error.resourceId, missing);
    return true;
  });
  const id = "11111111-1111-4111-8111-111111111111";
  await assert.rejects(iam.deleteApplication({ applicationId: id }), Errors.ResourceNotFoundError);
  await assert.rejects(iam.getPolicy({ policyId: id }), Errors.ResourceNotFoundError);
});

test("a key in the past is refused as InvalidArgumentsError", async () => {
  const application = await iam.createApplication({ name: "refused" });
  await assert.rejects(
    iam.createAPIKey({ applicationId: application.id, expiresAt: new Date(Date.now() - 60_000) }),
    (error) => error instanceof Errors.InvalidArgumentsError && error.details[0].argumentName === "expires_at",
  );
  await iam.deleteApplication({ applicationId: application.id });
});
