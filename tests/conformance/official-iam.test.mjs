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
  assert.equal(policy.nbRules, 0, "IAM counts the rules after the creation answer");
  assert.equal((await iam.getPolicy({ policyId: policy.id })).nbRules, 1);
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
    assert.equal(error.resource, "access_key");
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

test("policies are updated, their rules set, and listed with every order and filter", async () => {
  const application = await iam.createApplication({ name: "conformance-policies" });
  const rules = [{ permissionSetNames: ["FunctionsReadOnly"], organizationId }];
  const beta = await iam.createPolicy({ name: "cf-beta", applicationId: application.id, rules, tags: ["cf"] });
  assert.deepEqual([beta.nbRules, beta.nbScopes, beta.nbPermissionSets], [0, 0, 0], "counted later, as recorded");
  assert.deepEqual([(await iam.getPolicy({ policyId: beta.id })).nbRules], [1]);
  const alpha = await iam.createPolicy({ name: "cf-alpha", noPrincipal: true, rules });
  assert.equal(alpha.noPrincipal, true);
  assert.equal(alpha.applicationId, undefined);

  const names = async (request) => (await iam.listPolicies({ policyName: "cf-", ...request })).policies.map((p) => p.name);
  assert.deepEqual(await names({ orderBy: "policy_name_asc" }), ["cf-alpha", "cf-beta"]);
  assert.deepEqual(await names({ orderBy: "policy_name_desc" }), ["cf-beta", "cf-alpha"]);
  assert.deepEqual(await names({ orderBy: "created_at_asc" }), ["cf-beta", "cf-alpha"]);
  assert.deepEqual(await names({ orderBy: "created_at_desc" }), ["cf-alpha", "cf-beta"]);
  assert.deepEqual(await names({ applicationIds: [application.id] }), ["cf-beta"]);
  assert.deepEqual(await names({ noPrincipal: true }), ["cf-alpha"]);
  assert.deepEqual(await names({ tag: "cf" }), ["cf-beta"]);
  assert.deepEqual(await names({ policyIds: [alpha.id, beta.id], editable: true }), ["cf-alpha", "cf-beta"]);
  assert.deepEqual(await names({ userIds: ["11111111-1111-4111-8111-111111111111"] }), []);

  const renamed = await iam.updatePolicy({ policyId: alpha.id, name: "cf-gamma", applicationId: application.id });
  assert.equal(renamed.name, "cf-gamma");
  assert.equal(renamed.applicationId, application.id);
  const { rules: set } = await iam.setRules({
    policyId: alpha.id,
    rules: [
      { permissionSetNames: ["FunctionsPrivateAccess"], projectIds: [emulator.project_id] },
      { permissionSetNames: ["FunctionsReadOnly"], organizationId },
    ],
  });
  assert.deepEqual(set.map((r) => r.permissionSetsScopeType), ["projects", "organization"]);
  assert.equal((await iam.listRules({ policyId: alpha.id })).totalCount, 2);
  await assert.rejects(iam.updatePolicy({ policyId: "11111111-1111-4111-8111-111111111111", name: "x" }), (error) => {
    assert.ok(error instanceof Errors.ResourceNotFoundError);
    assert.equal(error.resource, "policy");
    return true;
  });
  await iam.deleteApplication({ applicationId: application.id });
  await iam.deletePolicy({ policyId: alpha.id }).catch(() => {});
});

test("API keys are listed with every filter and order", async () => {
  const application = await iam.createApplication({ name: "conformance-keys" });
  const later = new Date(Date.now() + 86_400_000);
  const keys = [
    await iam.createAPIKey({ applicationId: application.id, description: "cf one", expiresAt: later }),
    await iam.createAPIKey({ applicationId: application.id, description: "cf two" }),
  ];
  const accessKeys = async (request) =>
    (await iam.listAPIKeys({ applicationId: application.id, ...request })).apiKeys.map((k) => k.accessKey);
  const [one, two] = keys.map((k) => k.accessKey);
  assert.deepEqual(await accessKeys({ orderBy: "created_at_desc" }), [two, one]);
  assert.deepEqual(await accessKeys({ orderBy: "expires_at_asc" }), [two, one]);
  assert.deepEqual(await accessKeys({ orderBy: "access_key_asc" }), [one, two].sort());
  assert.deepEqual(await accessKeys({ description: "two" }), [two]);
  assert.deepEqual(await accessKeys({ accessKey: one }), [one]);
  assert.deepEqual(await accessKeys({ bearerId: application.id, bearerType: "application", applicationId: undefined }), [one, two]);
  assert.deepEqual(await accessKeys({ editable: true, expired: false }), [one, two]);
  assert.deepEqual(await accessKeys({ expired: true }), []);
  await iam.deleteApplication({ applicationId: application.id });
});

test("with IAM propagation a new key is PermissionsDeniedError now and then until it has propagated", async () => {
  const propagating = await startEmulator(["--iam-propagation", "2s"]);
  try {
    const admin = new Iamv1alpha1.API(
      createClient({
        apiURL: propagating.api_url,
        accessKey: "SCWXXXXXXXXXXXXXXXXX",
        secretKey: propagating.secret_key,
        defaultOrganizationId: organizationId,
      }),
    );
    const org = (
      await (
        await fetch(`${propagating.api_url}/functions/v1beta1/regions/fr-par/namespaces/${propagating.namespace_id}`, {
          headers: { "X-Auth-Token": propagating.secret_key },
        })
      ).json()
    ).organization_id;
    const application = await admin.createApplication({ name: "propagating", organizationId: org });
    await admin.createPolicy({
      name: "read",
      organizationId: org,
      applicationId: application.id,
      rules: [{ permissionSetNames: ["IAMReadOnly"], organizationId: org }],
    });
    const key = await admin.createAPIKey({ applicationId: application.id });
    const fresh = new Iamv1alpha1.API(
      createClient({ apiURL: propagating.api_url, accessKey: key.accessKey, secretKey: key.secretKey, defaultOrganizationId: org }),
    );
    const outcomes = [];
    const started = Date.now();
    while (Date.now() - started < 2_500) {
      outcomes.push(
        await fresh.listApplications({}).then(
          () => "admitted",
          (error) => (error instanceof Errors.PermissionsDeniedError ? "denied" : String(error)),
        ),
      );
    }
    assert.deepEqual([...new Set(outcomes)].sort(), ["admitted", "denied"]);
    assert.equal(outcomes.at(-1), "admitted");
    assert.equal(await fresh.listApplications({}).then(() => "admitted"), "admitted");
  } finally {
    await propagating.stop();
  }
});
