//! Scaleway's 2026 behaviours behind switches: token creation refused, key expiry required or
//! capped; and what holds whatever the switches: expired keys stay listed, a valid key without
//! the permission gets 403 `permissions_denied`.

mod common;

use common::{Answer, Emulator, TempDir};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn admin(emulator: &Emulator, method: &str, path: &str, body: Option<Value>) -> Answer {
    emulator.iam_as(&emulator.field("secret_key"), method, path, body)
}

fn application(emulator: &Emulator) -> Value {
    let body = json!({ "name": "caller", "organization_id": emulator.organization_id() });
    admin(emulator, "POST", "/applications", Some(body)).body["id"].clone()
}

fn in_days(days: i64) -> String {
    (OffsetDateTime::now_utc() + time::Duration::days(days))
        .format(&Rfc3339)
        .unwrap()
}

#[test]
fn with_token_creation_refused_existing_tokens_still_read_list_delete_and_call() {
    let dir = TempDir::new("legacy");
    let state = dir.file("state.json");
    let before = Emulator::start(&["--state", &state]);
    let token = before.function_token();
    let id = token["id"].as_str().unwrap().to_owned();
    let jwt = token["token"].as_str().unwrap().to_owned();
    assert!(before.terminate());

    let emulator = Emulator::start(&["--state", &state, "--legacy-token-creation", "refuse"]);
    let refused = emulator.api(
        "POST",
        "/tokens",
        Some(json!({ "function_id": emulator.field("function_id") })),
    );
    assert_eq!(
        (refused.status, refused.body),
        (
            412,
            json!({
                "help_message": "creating function tokens is disabled: call private functions with IAM API keys",
                "message": "precondition failed",
                "precondition": "token_creation_disabled",
                "type": "precondition_failed"
            })
        )
    );
    assert_eq!(
        emulator.api("GET", &format!("/tokens/{id}"), None).status,
        200
    );
    assert_eq!(emulator.api("GET", "/tokens", None).body["total_count"], 1);
    assert_eq!(emulator.call_seeded(Some(&jwt)), 200);
    assert_eq!(
        emulator
            .api("DELETE", &format!("/tokens/{id}"), None)
            .status,
        200
    );
    assert_eq!(emulator.call_seeded(Some(&jwt)), 403);
}

#[test]
fn require_key_expiry_refuses_a_key_without_expires_at_exactly_like_scaleway() {
    let emulator = Emulator::start(&["--require-key-expiry"]);
    let app = application(&emulator);
    let refused = admin(
        &emulator,
        "POST",
        "/api-keys",
        Some(json!({ "application_id": app })),
    );
    assert_eq!(
        (refused.status, refused.body),
        (
            400,
            json!({
                "details": [{
                    "argument_name": "expires_at",
                    "help_message": "organization security settings require an expiration date for API keys",
                    "reason": "constraint"
                }],
                "message": "invalid argument(s)",
                "type": "invalid_arguments"
            })
        )
    );
    let made = admin(
        &emulator,
        "POST",
        "/api-keys",
        Some(json!({ "application_id": app, "expires_at": in_days(30) })),
    );
    assert_eq!(made.status, 200, "{:?}", made.body);
}

#[test]
fn max_key_validity_caps_how_long_a_key_may_live() {
    let emulator = Emulator::start(&["--max-key-validity", "90d"]);
    let app = application(&emulator);
    let long = admin(
        &emulator,
        "POST",
        "/api-keys",
        Some(json!({ "application_id": app, "expires_at": in_days(91) })),
    );
    assert_eq!(long.status, 400);
    assert_eq!(long.body["details"][0]["argument_name"], "expires_at");
    assert_eq!(
        long.body["details"][0]["help_message"],
        "organization security settings limit the validity of API keys to 90 days"
    );
    let endless = admin(
        &emulator,
        "POST",
        "/api-keys",
        Some(json!({ "application_id": app })),
    );
    assert_eq!(
        endless.status, 400,
        "a key without expiry would outlive the cap"
    );
    let short = admin(
        &emulator,
        "POST",
        "/api-keys",
        Some(json!({ "application_id": app, "expires_at": in_days(89) })),
    );
    assert_eq!(short.status, 200);
}

#[test]
fn an_expired_key_stays_listed_with_its_expiry_in_the_past() {
    let emulator = Emulator::start(&[]);
    let app = application(&emulator);
    let soon = (OffsetDateTime::now_utc() + time::Duration::milliseconds(600))
        .format(&Rfc3339)
        .unwrap();
    let key = admin(
        &emulator,
        "POST",
        "/api-keys",
        Some(json!({ "application_id": app, "expires_at": soon })),
    );
    assert_eq!(key.status, 200);
    std::thread::sleep(std::time::Duration::from_millis(800));
    let listed = admin(&emulator, "GET", "/api-keys", None);
    assert_eq!(listed.body["total_count"], 1);
    assert_eq!(
        listed.body["api_keys"][0]["access_key"],
        key.body["access_key"]
    );
    assert_eq!(
        admin(&emulator, "GET", "/api-keys?expired=true", None).body["total_count"],
        1
    );
    let secret = key.body["secret_key"].as_str().unwrap();
    let answer = emulator.iam_as(secret, "GET", "/applications", None);
    assert_eq!(
        (answer.status, &answer.body["reason"]),
        (401, &json!("expired"))
    );
}

#[test]
fn a_valid_key_without_the_permission_gets_403_permissions_denied_on_every_route() {
    let emulator = Emulator::start(&[]);
    let app = application(&emulator);
    let key = admin(
        &emulator,
        "POST",
        "/api-keys",
        Some(json!({ "application_id": app })),
    );
    let secret = key.body["secret_key"].as_str().unwrap().to_owned();
    let id = uuid::Uuid::new_v4();
    let base = "/functions/v1beta1/regions/fr-par";
    let routes = [
        ("GET", format!("{base}/namespaces"), "namespace", "read"),
        ("POST", format!("{base}/namespaces"), "namespace", "write"),
        (
            "GET",
            format!("{base}/namespaces/{id}"),
            "namespace",
            "read",
        ),
        (
            "DELETE",
            format!("{base}/namespaces/{id}"),
            "namespace",
            "write",
        ),
        ("GET", format!("{base}/functions"), "function", "read"),
        ("POST", format!("{base}/functions"), "function", "write"),
        ("GET", format!("{base}/functions/{id}"), "function", "read"),
        (
            "DELETE",
            format!("{base}/functions/{id}"),
            "function",
            "write",
        ),
        (
            "POST",
            format!("{base}/functions/{id}/deploy"),
            "function",
            "write",
        ),
        ("GET", format!("{base}/tokens"), "token", "read"),
        ("POST", format!("{base}/tokens"), "token", "write"),
        ("GET", format!("{base}/tokens/{id}"), "token", "read"),
        ("DELETE", format!("{base}/tokens/{id}"), "token", "write"),
        (
            "GET",
            "/iam/v1alpha1/applications".into(),
            "application",
            "read",
        ),
        (
            "POST",
            "/iam/v1alpha1/applications".into(),
            "application",
            "write",
        ),
        (
            "GET",
            format!("/iam/v1alpha1/applications/{id}"),
            "application",
            "read",
        ),
        (
            "DELETE",
            format!("/iam/v1alpha1/applications/{id}"),
            "application",
            "write",
        ),
        ("GET", "/iam/v1alpha1/policies".into(), "policy", "read"),
        ("POST", "/iam/v1alpha1/policies".into(), "policy", "write"),
        (
            "GET",
            format!("/iam/v1alpha1/policies/{id}"),
            "policy",
            "read",
        ),
        (
            "DELETE",
            format!("/iam/v1alpha1/policies/{id}"),
            "policy",
            "write",
        ),
        (
            "GET",
            format!("/iam/v1alpha1/rules?policy_id={id}"),
            "rule",
            "read",
        ),
        ("GET", "/iam/v1alpha1/api-keys".into(), "api_key", "read"),
        ("POST", "/iam/v1alpha1/api-keys".into(), "api_key", "write"),
        (
            "GET",
            "/iam/v1alpha1/api-keys/SCWAAAAAAAAAAAAAAAAA".into(),
            "api_key",
            "read",
        ),
        (
            "DELETE",
            "/iam/v1alpha1/api-keys/SCWAAAAAAAAAAAAAAAAA".into(),
            "api_key",
            "write",
        ),
    ];
    for (method, path, resource, action) in routes {
        let answer = emulator.send(
            method,
            &emulator.url(&path),
            &[("X-Auth-Token", &secret)],
            Some("{}"),
        );
        assert_eq!(
            (answer.status, answer.body),
            (
                403,
                json!({"details": [{"action": action, "resource": resource}], "message": "insufficient permissions", "type": "permissions_denied"})
            ),
            "{method} {path}"
        );
    }
}

#[test]
fn a_key_with_functions_full_access_manages_functions_but_not_iam() {
    let emulator = Emulator::start(&[]);
    let app = application(&emulator);
    let rules = json!([{ "permission_set_names": ["FunctionsFullAccess"], "project_ids": [emulator.field("project_id")] }]);
    let policy = json!({ "name": "functions", "organization_id": emulator.organization_id(), "application_id": app, "rules": rules });
    assert_eq!(
        admin(&emulator, "POST", "/policies", Some(policy)).status,
        200
    );
    let key = admin(
        &emulator,
        "POST",
        "/api-keys",
        Some(json!({ "application_id": app })),
    );
    let secret = key.body["secret_key"].as_str().unwrap().to_owned();
    let url = emulator.url("/functions/v1beta1/regions/fr-par/namespaces");
    assert_eq!(
        emulator
            .send("GET", &url, &[("X-Auth-Token", &secret)], None)
            .status,
        200
    );
    assert_eq!(
        emulator
            .iam_as(&secret, "GET", "/applications", None)
            .status,
        403
    );
}
