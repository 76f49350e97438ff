"""Scaleway's official Python SDK (PyPI `scaleway`), pointed at scw-emulator, must not notice it
is not talking to Scaleway: namespaces and functions with every filter and order, tokens,
IAM applications, policies and keys, and the status and body of each error."""

import datetime
import time
import uuid

import pytest
import requests
from scaleway import ScalewayException, WaitForOptions
from scaleway.function.v1beta1 import (
    FunctionHttpOption,
    FunctionPrivacy,
    FunctionSandbox,
    FunctionStatus,
    ListFunctionsRequestOrderBy,
    ListNamespacesRequestOrderBy,
    ListTokensRequestOrderBy,
    NamespaceStatus,
    Secret,
    TokenStatus,
)
from scaleway.iam.v1alpha1 import BearerType, ListAPIKeysRequestOrderBy, ListPoliciesRequestOrderBy, RuleSpecs

FAST = WaitForOptions(timeout=30, min_delay=1, max_delay=1)


def names(items):
    return [item.name for item in items]


def error_of(call):
    with pytest.raises(ScalewayException) as raised:
        call()
    return raised.value.status_code, raised.value.response.json()


def test_namespaces_are_created_waited_for_and_listed_with_every_filter_and_order(emulator):
    api = emulator.functions()
    suffix = uuid.uuid4().hex[:6]
    made = [
        api.create_namespace(name=f"py-beta-{suffix}", description="beta", tags=["team:py"],
                             environment_variables={"MODE": "test"},
                             secret_environment_variables=[Secret(key="API_TOKEN", value="s3cr3t")]),
        api.create_namespace(name=f"py-alpha-{suffix}"),
    ]
    assert made[0].status == NamespaceStatus.PENDING
    assert made[0].registry_endpoint == ""
    ready = api.wait_for_namespace(namespace_id=made[0].id, options=FAST)
    assert ready.status == NamespaceStatus.READY
    assert ready.registry_endpoint.startswith(f"rg.fr-par.scw.cloud/funcscwpybeta{suffix}")
    assert (ready.description, ready.tags, ready.environment_variables) == ("beta", ["team:py"], {"MODE": "test"})
    assert [s.key for s in ready.secret_environment_variables] == ["API_TOKEN"]

    filtered = api.list_namespaces(name=suffix, order_by=ListNamespacesRequestOrderBy.NAME_ASC)
    assert (filtered.total_count, names(filtered.namespaces)) == (2, [f"py-alpha-{suffix}", f"py-beta-{suffix}"])
    descending = api.list_namespaces(name=suffix, order_by=ListNamespacesRequestOrderBy.NAME_DESC)
    assert names(descending.namespaces) == [f"py-beta-{suffix}", f"py-alpha-{suffix}"]
    newest = api.list_namespaces(name=suffix, order_by=ListNamespacesRequestOrderBy.CREATED_AT_DESC, page_size=1)
    assert (newest.total_count, names(newest.namespaces)) == (2, [f"py-alpha-{suffix}"])
    oldest = api.list_namespaces(name=suffix, order_by=ListNamespacesRequestOrderBy.CREATED_AT_ASC, page=2, page_size=1)
    assert names(oldest.namespaces) == [f"py-alpha-{suffix}"]
    elsewhere = str(uuid.uuid4())
    assert api.list_namespaces(name=suffix, project_id=elsewhere).total_count == 0
    assert api.list_namespaces(name=suffix, organization_id=str(uuid.uuid4())).total_count == 0
    assert len(api.list_namespaces_all(name=suffix)) == 2


def test_functions_stay_created_until_deployed_and_are_listed_with_every_filter_and_order(emulator):
    api = emulator.functions()
    namespace = emulator.info["namespace_id"]
    suffix = uuid.uuid4().hex[:6]
    zeta = api.create_function(namespace_id=namespace, name=f"zeta-{suffix}", privacy=FunctionPrivacy.PRIVATE,
                               description="z", tags=["a", "b"], environment_variables={"K": "V"},
                               secret_environment_variables=[Secret(key="S", value="hidden")])
    api.create_function(namespace_id=namespace, name=f"eta-{suffix}", privacy=FunctionPrivacy.PUBLIC)
    assert zeta.status == FunctionStatus.CREATED
    assert (zeta.description, zeta.tags, zeta.environment_variables) == ("z", ["a", "b"], {"K": "V"})
    assert [s.key for s in zeta.secret_environment_variables] == ["S"]
    assert zeta.build_message is None and zeta.error_message is None and zeta.ready_at is None
    assert zeta.domain_name.endswith(f"-zeta-{suffix}.functions.fnc.fr-par.scw.cloud")
    assert api.get_function(function_id=zeta.id).status == FunctionStatus.CREATED

    deployed = api.deploy_function(function_id=zeta.id)
    assert deployed.status == FunctionStatus.PENDING
    ready = api.wait_for_function(function_id=zeta.id, options=FAST)
    assert ready.status == FunctionStatus.READY and ready.ready_at is not None

    listed = api.list_functions(namespace_id=namespace, name=suffix, order_by=ListFunctionsRequestOrderBy.NAME_ASC)
    assert (listed.total_count, names(listed.functions)) == (2, [f"eta-{suffix}", f"zeta-{suffix}"])
    assert names(api.list_functions(namespace_id=namespace, name=suffix,
                                    order_by=ListFunctionsRequestOrderBy.NAME_DESC).functions) == [f"zeta-{suffix}", f"eta-{suffix}"]
    assert names(api.list_functions(namespace_id=namespace, name=suffix,
                                    order_by=ListFunctionsRequestOrderBy.CREATED_AT_DESC).functions) == [f"eta-{suffix}", f"zeta-{suffix}"]
    assert names(api.list_functions(namespace_id=namespace, name=suffix,
                                    order_by=ListFunctionsRequestOrderBy.CREATED_AT_ASC).functions) == [f"zeta-{suffix}", f"eta-{suffix}"]
    assert api.list_functions(namespace_id=namespace, name=suffix, project_id=str(uuid.uuid4())).total_count == 0
    assert api.list_functions(namespace_id=namespace, name=suffix, organization_id=str(uuid.uuid4())).total_count == 0
    assert api.list_functions(namespace_id=namespace, name=f"zeta-{suffix}").total_count == 1, "names containing the filter"


def test_a_token_is_created_waited_for_read_listed_with_filters_and_deleted(emulator):
    api = emulator.functions()
    function_id = emulator.info["function_id"]
    namespace_id = emulator.info["namespace_id"]
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    created = api.create_token(function_id=function_id, description="py", expires_at=expires)
    assert created.status == TokenStatus.CREATING
    assert created.token.count(".") == 2 and created.public_key.startswith("-----BEGIN RSA PUBLIC KEY-----")
    assert emulator.call(emulator.info["function_url"], created.token).status_code == 200

    ready = api.wait_for_token(token_id=created.id, options=FAST)
    assert (ready.status, ready.token, ready.description) == (TokenStatus.READY, "<hidden>", "py")
    assert ready.expires_at == expires.replace(microsecond=expires.microsecond)

    scoped = api.create_token(namespace_id=namespace_id)
    by_function = api.list_tokens(function_id=function_id, order_by=ListTokensRequestOrderBy.CREATED_AT_DESC)
    assert by_function.tokens[0].id == created.id
    assert all(t.function_id == function_id for t in by_function.tokens)
    by_namespace = api.list_tokens(namespace_id=namespace_id, order_by=ListTokensRequestOrderBy.CREATED_AT_ASC)
    assert scoped.id in [t.id for t in by_namespace.tokens]
    assert all(t.namespace_id == namespace_id for t in by_namespace.tokens)
    assert by_namespace.total_count == len(by_namespace.tokens)

    deleted = api.delete_token(token_id=created.id)
    assert deleted.status == TokenStatus.DELETING
    assert emulator.call(emulator.info["function_url"], created.token).status_code == 403
    status, body = error_of(lambda: api.wait_for_token(token_id=created.id, options=FAST))
    assert (status, body) == (404, {"message": "Token was not found"})


def test_an_iam_application_policy_and_key_open_the_private_function(emulator):
    iam = emulator.iam()
    application = iam.create_application(name="py-caller", description="calls functions")
    rule = RuleSpecs(condition="", permission_set_names=["FunctionsPrivateAccess"],
                     project_ids=[emulator.info["project_id"]])
    policy = iam.create_policy(description="", name="py-call", application_id=application.id, rules=[rule])
    assert policy.application_id == application.id
    key = iam.create_api_key(description="py", application_id=application.id)
    assert key.access_key.startswith("SCW") and len(key.access_key) == 20
    assert [k.access_key for k in iam.list_api_keys(application_id=application.id).api_keys] == [key.access_key]
    assert iam.get_api_key(access_key=key.access_key).secret_key is None

    url = emulator.info["function_url"]
    assert emulator.call(url).status_code == 403
    answer = emulator.call(url + "/hello?x=1", key.secret_key)
    assert answer.status_code == 200
    assert (answer.json()["path"], answer.json()["query"]) == ("/hello", "x=1")

    iam.delete_api_key(access_key=key.access_key)
    assert emulator.call(url, key.secret_key).status_code == 403
    iam.delete_policy(policy_id=policy.id)
    iam.delete_application(application_id=application.id)
    status, body = error_of(lambda: iam.get_application(application_id=application.id))
    assert (status, body["type"], body["resource"]) == (404, "not_found", "application")


def test_each_error_has_scaleways_status_and_body(emulator):
    api = emulator.functions()
    missing = str(uuid.uuid4())
    assert error_of(lambda: api.get_token(token_id=missing)) == (404, {"message": "Token was not found"})
    assert error_of(lambda: api.get_function(function_id=missing)) == (404, {"message": "Function was not found"})
    assert error_of(lambda: api.get_namespace(namespace_id=missing)) == (404, {"message": "Namespace was not found"})

    past = datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)
    status, body = error_of(lambda: api.create_token(function_id=emulator.info["function_id"], expires_at=past))
    assert (status, body["type"], body["message"]) == (400, "invalid_arguments", "invalid argument(s)")
    assert [(d["argument_name"], d["reason"]) for d in body["details"]] == [("expires_at", "constraint")]

    stranger = emulator.functions(str(uuid.uuid4()))
    assert error_of(lambda: stranger.list_namespaces()) == (401, {
        "message": "authentication is denied", "method": "api_key", "reason": "not_found", "type": "denied_authentication"})

    iam = emulator.iam()
    application = iam.create_application(name="py-powerless", description="")
    powerless = iam.create_api_key(description="", application_id=application.id)
    status, body = error_of(lambda: emulator.functions(powerless.secret_key).list_namespaces())
    assert (status, body) == (403, {"details": [{"action": "read", "resource": "namespace"}],
                                    "message": "insufficient permissions", "type": "permissions_denied"})
    status, body = error_of(lambda: emulator.iam(powerless.secret_key).list_applications())
    assert (status, body["type"]) == (403, "permissions_denied")


def test_scaleways_2026_rules_refuse_token_creation_and_keys_without_expiry(strict):
    api = strict.functions()
    status, body = error_of(lambda: api.create_token(function_id=strict.info["function_id"]))
    assert (status, body["type"], body["precondition"]) == (412, "precondition_failed", "token_creation_disabled")
    assert api.list_tokens().total_count == 0, "listing still works"

    iam = strict.iam()
    application = iam.create_application(name="py-strict", description="")
    assert error_of(lambda: iam.create_api_key(description="", application_id=application.id)) == (400, {
        "details": [{"argument_name": "expires_at", "help_message": "organization security settings require an expiration date for API keys",
                     "reason": "constraint"}],
        "message": "invalid argument(s)", "type": "invalid_arguments"})
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
    key = iam.create_api_key(description="", application_id=application.id, expires_at=expires)
    assert key.expires_at is not None


def test_a_function_keeps_every_setting_through_update_and_redeploy(emulator):
    api = emulator.functions()
    suffix = uuid.uuid4().hex[:6]
    created = api.create_function(namespace_id=emulator.info["namespace_id"], name=f"py-tuned-{suffix}",
                                  privacy=FunctionPrivacy.PRIVATE, runtime="python313", handler="handler.main",
                                  memory_limit=1024, min_scale=1, max_scale=3, timeout="60s",
                                  http_option=FunctionHttpOption.REDIRECTED, sandbox=FunctionSandbox.UNKNOWN_SANDBOX,
                                  tags=None)
    assert (created.runtime, created.handler, created.memory_limit, created.cpu_limit) == ("python313", "handler.main", 1024, 560)
    assert (created.min_scale, created.max_scale, created.timeout) == (1, 3, "60s")
    assert (created.http_option, created.sandbox, created.tags) == (FunctionHttpOption.REDIRECTED, FunctionSandbox.V2, [])

    updated = api.update_function(function_id=created.id, max_scale=6, memory_limit=2048,
                                  secret_environment_variables=[Secret(key="ADDED", value="v")])
    assert (updated.max_scale, updated.memory_limit, updated.cpu_limit, updated.handler) == (6, 2048, 1120, "handler.main")
    assert [s.key for s in updated.secret_environment_variables] == ["ADDED"]
    status, body = error_of(lambda: api.update_function(function_id=created.id, min_scale=9))
    assert (status, body["details"][0]["argument_name"]) == (400, "min_scale")

    api.deploy_function(function_id=created.id)
    ready = api.wait_for_function(function_id=created.id, options=FAST)
    redeployed = api.update_function(function_id=created.id, redeploy=True)
    assert (redeployed.status, redeployed.ready_at) == (FunctionStatus.PENDING, ready.ready_at)

    namespace = api.update_namespace(namespace_id=emulator.info["namespace_id"], description="updated by py")
    assert namespace.description == "updated by py"


def test_an_upload_url_takes_the_archive_of_its_announced_size(emulator):
    api = emulator.functions()
    upload = api.get_function_upload_url(function_id=emulator.info["function_id"], content_length=780)
    assert upload.headers == {"content-length": ["780"], "content-type": ["application/octet-stream"]}
    refused = requests.put(upload.url, data=b"x" * 781, timeout=10)
    assert refused.status_code == 400 and "<Code>EntityTooLarge</Code>" in refused.text
    assert requests.put(upload.url, data=b"x" * 780, timeout=10).status_code == 200


def test_policies_are_updated_their_rules_set_and_listed_with_every_filter_and_order(emulator):
    iam = emulator.iam()
    suffix = uuid.uuid4().hex[:6]
    application = iam.create_application(name=f"py-policies-{suffix}", description="")
    # RuleSpecs' project_ids defaults to [], which the SDK would send instead of organization_id.
    rule = RuleSpecs(condition="", permission_set_names=["FunctionsReadOnly"], project_ids=None,
                     organization_id=emulator.organization_id)
    beta = iam.create_policy(description="", name=f"py-beta-{suffix}", application_id=application.id, rules=[rule],
                             tags=["py"])
    assert (beta.nb_rules, beta.nb_scopes, beta.nb_permission_sets) == (0, 0, 0)
    assert iam.get_policy(policy_id=beta.id).nb_rules == 1
    alpha = iam.create_policy(description="", name=f"py-alpha-{suffix}", no_principal=True, rules=[rule])
    assert alpha.no_principal is True and alpha.application_id is None

    def listed(**filters):
        return names(iam.list_policies(policy_name=suffix, **filters).policies)

    assert listed(order_by=ListPoliciesRequestOrderBy.POLICY_NAME_ASC) == [f"py-alpha-{suffix}", f"py-beta-{suffix}"]
    assert listed(order_by=ListPoliciesRequestOrderBy.POLICY_NAME_DESC) == [f"py-beta-{suffix}", f"py-alpha-{suffix}"]
    assert listed(order_by=ListPoliciesRequestOrderBy.CREATED_AT_DESC) == [f"py-alpha-{suffix}", f"py-beta-{suffix}"]
    assert listed(application_ids=[application.id]) == [f"py-beta-{suffix}"]
    assert listed(no_principal=True) == [f"py-alpha-{suffix}"]
    assert listed(tag="py", editable=True) == [f"py-beta-{suffix}"]
    assert listed(policy_ids=[alpha.id]) == [f"py-alpha-{suffix}"]
    assert listed(organization_id=emulator.organization_id, user_ids=[str(uuid.uuid4())]) == []

    updated = iam.update_policy(policy_id=alpha.id, name=f"py-gamma-{suffix}", application_id=application.id)
    assert (updated.name, updated.application_id) == (f"py-gamma-{suffix}", application.id)
    project_rule = RuleSpecs(condition="", permission_set_names=["FunctionsPrivateAccess"], project_ids=[emulator.info["project_id"]])
    rules = iam.set_rules(policy_id=alpha.id, rules=[rule, project_rule]).rules
    assert [r.permission_sets_scope_type for r in rules] == ["organization", "projects"]
    assert iam.list_rules(policy_id=alpha.id).total_count == 2
    iam.delete_application(application_id=application.id)


def test_api_keys_are_listed_with_every_filter_and_order(emulator):
    iam = emulator.iam()
    application = iam.create_application(name="py-keys", description="")
    later = datetime.datetime(2035, 7, 6, 11, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    first = iam.create_api_key(description="py first", application_id=application.id, expires_at=later)
    second = iam.create_api_key(description="py second", application_id=application.id)
    assert iam.get_api_key(access_key=first.access_key).expires_at == later

    def listed(**filters):
        return [k.access_key for k in iam.list_api_keys(application_id=application.id, **filters).api_keys]

    assert listed(order_by=ListAPIKeysRequestOrderBy.CREATED_AT_DESC) == [second.access_key, first.access_key]
    assert listed(order_by=ListAPIKeysRequestOrderBy.EXPIRES_AT_ASC) == [second.access_key, first.access_key]
    assert listed(order_by=ListAPIKeysRequestOrderBy.ACCESS_KEY_ASC) == sorted([first.access_key, second.access_key])
    assert listed(description="second") == [second.access_key]
    assert listed(access_key=first.access_key) == [first.access_key]
    assert listed(bearer_id=application.id, bearer_type=BearerType.APPLICATION) == [first.access_key, second.access_key]
    assert listed(bearer_type=BearerType.USER) == []
    assert listed(expired=False, editable=True) == [first.access_key, second.access_key]
    assert listed(expired=True) == []
    iam.delete_application(application_id=application.id)
    status, body = error_of(lambda: iam.get_api_key(access_key=first.access_key))
    assert (status, body["resource"], body["resource_id"]) == (404, "access_key", first.access_key)


def test_a_new_key_is_refused_now_and_then_until_iam_has_propagated(propagating):
    iam = propagating.iam()
    application = iam.create_application(name="py-propagating", description="")
    rule = RuleSpecs(condition="", permission_set_names=["FunctionsPrivateAccess"], project_ids=[propagating.info["project_id"]])
    iam.create_policy(description="", name="py-call", application_id=application.id, rules=[rule])
    key = iam.create_api_key(description="", application_id=application.id)
    started = time.monotonic()
    statuses = []
    while time.monotonic() - started < 2.5:
        statuses.append(propagating.call(propagating.info["function_url"], key.secret_key).status_code)
    assert set(statuses) == {200, 403}
    assert statuses[-1] == 200
    assert all(propagating.call(propagating.info["function_url"], key.secret_key).status_code == 200 for _ in range(8))
