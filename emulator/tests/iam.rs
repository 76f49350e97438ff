//! The IAM subset answers like Scaleway's IAM API, and its API keys open private functions.

mod common;

use common::{Answer, Emulator, TempDir};
use serde_json::{json, Value};

/// Calls the IAM API with the emulator's secret key.
fn iam(emulator: &Emulator, method: &str, path: &str, body: Option<Value>) -> Answer {
    let key = emulator.field("secret_key");
    let url = emulator.url(&format!("/iam/v1alpha1{path}"));
    let body = body.map(|b| b.to_string());
    let mut headers = vec![("X-Auth-Token", key.as_str())];
    if body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    emulator.send(method, &url, &headers, body.as_deref())
}

fn created(answer: Answer) -> Value {
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.body
}

fn organization(emulator: &Emulator) -> String {
    let namespaces = emulator.api("GET", "/namespaces", None);
    namespaces.body["namespaces"][0]["organization_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn application(emulator: &Emulator) -> Value {
    let body = json!({ "name": "caller", "organization_id": organization(emulator) });
    created(iam(emulator, "POST", "/applications", Some(body)))
}

fn policy(emulator: &Emulator, application_id: &Value, set: &str) -> Value {
    let body = json!({
        "name": "call-functions",
        "organization_id": organization(emulator),
        "application_id": application_id,
        "rules": [{ "permission_set_names": [set], "project_ids": [emulator.field("project_id")] }],
    });
    created(iam(emulator, "POST", "/policies", Some(body)))
}

fn api_key(emulator: &Emulator, application_id: &Value, extra: Value) -> Value {
    let mut body = json!({ "application_id": application_id, "description": "gateway" });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    created(iam(emulator, "POST", "/api-keys", Some(body)))
}

/// An application with a `FunctionsPrivateAccess` policy on the seeded project, and its key.
fn allowed_key(emulator: &Emulator, extra: Value) -> Value {
    let app = application(emulator);
    policy(emulator, &app["id"], "FunctionsPrivateAccess");
    api_key(emulator, &app["id"], extra)
}

fn secret(key: &Value) -> String {
    key["secret_key"].as_str().unwrap().to_owned()
}

#[test]
fn an_api_key_shows_its_secret_once_and_looks_like_scaleways() {
    let emulator = Emulator::start(&[]);
    let app = application(&emulator);
    assert_eq!(app["nb_api_keys"], 0);
    let key = api_key(&emulator, &app["id"], json!({}));
    let access = key["access_key"].as_str().unwrap();
    assert_eq!(access.len(), 20);
    assert!(access.starts_with("SCW"));
    assert!(access[3..]
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
    assert!(uuid::Uuid::try_parse(&secret(&key)).is_ok());
    assert_eq!(key["application_id"], app["id"]);
    assert_eq!(key["expires_at"], Value::Null);
    assert_eq!(key["default_project_id"], emulator.field("project_id"));

    let got = iam(&emulator, "GET", &format!("/api-keys/{access}"), None);
    assert_eq!(got.status, 200);
    assert_eq!(got.body["secret_key"], Value::Null);
    let listed = iam(
        &emulator,
        "GET",
        &format!("/api-keys?application_id={}", app["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(listed.body["total_count"], 1);
    assert_eq!(listed.body["api_keys"][0]["secret_key"], Value::Null);
    let app_now = iam(
        &emulator,
        "GET",
        &format!("/applications/{}", app["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(app_now.body["nb_api_keys"], 1);
}

#[test]
fn an_allowed_key_opens_the_private_function_and_a_deleted_one_no_longer_does() {
    let emulator = Emulator::start(&[]);
    let key = allowed_key(&emulator, json!({}));
    assert_eq!(emulator.call_seeded(Some(&secret(&key))), 200);
    let access = key["access_key"].as_str().unwrap();
    let deleted = iam(&emulator, "DELETE", &format!("/api-keys/{access}"), None);
    assert_eq!(deleted.status, 204);
    assert_eq!(emulator.call_seeded(Some(&secret(&key))), 403);
    let again = iam(&emulator, "DELETE", &format!("/api-keys/{access}"), None);
    assert_eq!(again.status, 404);
    assert_eq!(
        again.body,
        json!({"message": "resource is not found", "resource": "access_key", "resource_id": access, "type": "not_found"})
    );
}

#[test]
fn a_key_without_a_function_policy_is_refused() {
    let emulator = Emulator::start(&[]);
    let app = application(&emulator);
    let bare = api_key(&emulator, &app["id"], json!({}));
    assert_eq!(emulator.call_seeded(Some(&secret(&bare))), 403);
    policy(&emulator, &app["id"], "ObjectStorageFullAccess");
    assert_eq!(emulator.call_seeded(Some(&secret(&bare))), 403);
    policy(&emulator, &app["id"], "FunctionsFullAccess");
    assert_eq!(emulator.call_seeded(Some(&secret(&bare))), 200);
}

#[test]
fn a_policy_on_another_project_does_not_open_the_function() {
    let emulator = Emulator::start(&[]);
    let app = application(&emulator);
    let other = uuid::Uuid::new_v4().to_string();
    let body = json!({
        "name": "elsewhere",
        "organization_id": organization(&emulator),
        "application_id": app["id"],
        "rules": [{ "permission_set_names": ["FunctionsPrivateAccess"], "project_ids": [other] }],
    });
    let refused = iam(&emulator, "POST", "/policies", Some(body));
    assert_eq!(refused.status, 404, "an unknown project is refused");
    assert_eq!(refused.body["resource"], "project");
    assert_eq!(refused.body["resource_id"], other);
    let listed = iam(&emulator, "GET", "/policies", None);
    assert_eq!(listed.body["total_count"], 0, "nothing was created");
}

#[test]
fn an_expired_key_is_refused_at_once() {
    let emulator = Emulator::start(&[]);
    let soon = time::OffsetDateTime::now_utc() + time::Duration::milliseconds(1500);
    let expires_at = soon
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let key = allowed_key(&emulator, json!({ "expires_at": expires_at }));
    assert_eq!(emulator.call_seeded(Some(&secret(&key))), 200);
    std::thread::sleep(std::time::Duration::from_millis(1700));
    assert_eq!(emulator.call_seeded(Some(&secret(&key))), 403);
}

#[test]
fn legacy_tokens_keep_working_beside_keys() {
    let emulator = Emulator::start(&[]);
    let key = allowed_key(&emulator, json!({}));
    let token = emulator.function_token();
    assert_eq!(emulator.call_seeded(token["token"].as_str()), 200);
    assert_eq!(emulator.call_seeded(Some(&secret(&key))), 200);
    let unknown = uuid::Uuid::new_v4().to_string();
    assert_eq!(emulator.call_seeded(Some(&unknown)), 403);
}

#[test]
fn deleting_an_application_takes_its_keys_and_policies_with_it() {
    let emulator = Emulator::start(&[]);
    let app = application(&emulator);
    let pol = policy(&emulator, &app["id"], "FunctionsPrivateAccess");
    let key = api_key(&emulator, &app["id"], json!({}));
    let id = app["id"].as_str().unwrap();
    assert_eq!(
        iam(&emulator, "DELETE", &format!("/applications/{id}"), None).status,
        204
    );
    assert_eq!(emulator.call_seeded(Some(&secret(&key))), 403);
    let gone = iam(&emulator, "GET", &format!("/applications/{id}"), None);
    assert_eq!(gone.status, 404);
    assert_eq!(gone.body["resource"], "application");
    let pol_id = pol["id"].as_str().unwrap();
    assert_eq!(
        iam(&emulator, "GET", &format!("/policies/{pol_id}"), None).status,
        404
    );
    assert_eq!(
        iam(&emulator, "GET", "/api-keys", None).body["total_count"],
        0
    );
}

#[test]
fn bad_iam_requests_answer_like_the_real_api() {
    let emulator = Emulator::start(&[]);
    let refused = iam(&emulator, "POST", "/applications", Some(json!({})));
    assert_eq!(refused.status, 400);
    assert_eq!(refused.body["type"], "invalid_arguments");
    let names: Vec<&str> = (refused.body["details"].as_array().unwrap().iter())
        .map(|d| d["argument_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["organization_id", "name"]);

    let foreign = json!({ "name": "x", "organization_id": uuid::Uuid::new_v4() });
    let denied = iam(&emulator, "POST", "/applications", Some(foreign));
    assert_eq!(denied.status, 403);
    assert_eq!(denied.body["type"], "permissions_denied");

    let stray = json!({ "application_id": uuid::Uuid::new_v4() });
    let missing = iam(&emulator, "POST", "/api-keys", Some(stray));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["resource"], "application");

    let app = application(&emulator);
    let past = json!({ "application_id": app["id"], "expires_at": "2001-01-01T00:00:00Z" });
    let late = iam(&emulator, "POST", "/api-keys", Some(past));
    assert_eq!(late.status, 400);
    assert_eq!(late.body["details"][0]["argument_name"], "expires_at");
    assert_eq!(late.body["details"][0]["reason"], "constraint");

    let url = emulator.url("/iam/v1alpha1/applications");
    let anonymous = emulator.send("GET", &url, &[], None);
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.body["type"], "denied_authentication");
}

#[test]
fn a_function_access_key_may_not_manage_iam() {
    let emulator = Emulator::start(&[]);
    let key = allowed_key(&emulator, json!({}));
    let url = emulator.url("/iam/v1alpha1/applications");
    let secret = secret(&key);
    let answer = emulator.send("GET", &url, &[("X-Auth-Token", &secret)], None);
    assert_eq!(
        (answer.status, answer.body),
        (
            403,
            json!({"details": [{"action": "read", "resource": "application"}], "message": "insufficient permissions", "type": "permissions_denied"})
        )
    );
}

#[test]
fn keys_applications_and_policies_survive_a_restart() {
    let dir = TempDir::new("iam");
    let state = dir.file("state.json");
    let mut emulator = Emulator::start(&["--state", &state]);
    let key = allowed_key(&emulator, json!({}));
    let doomed = allowed_key(&emulator, json!({}));
    let access = doomed["access_key"].as_str().unwrap();
    iam(&emulator, "DELETE", &format!("/api-keys/{access}"), None);
    emulator.child.kill().ok();
    drop(emulator);

    let restarted = Emulator::start(&["--state", &state]);
    assert_eq!(restarted.call_seeded(Some(&secret(&key))), 200);
    assert_eq!(restarted.call_seeded(Some(&secret(&doomed))), 403);
    assert_eq!(
        iam(&restarted, "GET", "/applications", None).body["total_count"],
        2
    );
    assert!(restarted.terminate());
}
