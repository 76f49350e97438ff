//! The tokens API answers like the real Scaleway API.

mod common;

use common::Emulator;
use serde_json::{json, Value};

#[test]
fn a_created_token_is_shown_once_then_hidden() {
    let emulator = Emulator::start(&[]);
    let created = emulator.function_token();
    assert_eq!(created["status"], "creating");
    assert_eq!(created["description"], "");
    assert_eq!(created["expires_at"], Value::Null);
    assert_eq!(created["function_id"], emulator.field("function_id"));
    assert!(
        created.get("namespace_id").is_none(),
        "absent scope is omitted"
    );
    assert!(created["public_key"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN RSA PUBLIC KEY-----"));
    let jwt = created["token"].as_str().unwrap();
    assert_eq!(jwt.split('.').count(), 3);

    let id = created["id"].as_str().unwrap();
    let got = emulator.api("GET", &format!("/tokens/{id}"), None);
    assert_eq!(got.status, 200);
    assert_eq!(got.body["token"], "<hidden>");
    assert_eq!(got.body["public_key"], "");
    assert_eq!(
        got.body["status"], "ready",
        "with no delay the next read is ready"
    );
}

#[test]
fn an_expiry_with_an_offset_is_returned_in_utc() {
    let emulator = Emulator::start(&[]);
    let created = emulator.create_token(json!({
        "namespace_id": emulator.field("namespace_id"),
        "description": "ci",
        "expires_at": "2099-01-28T15:55:38+01:00",
    }));
    assert_eq!(created["expires_at"], "2099-01-28T14:55:38Z");
    assert_eq!(created["description"], "ci");
    assert_eq!(created["namespace_id"], emulator.field("namespace_id"));
    assert!(created.get("function_id").is_none());
}

#[test]
fn a_deleted_token_answers_deleting_then_is_gone() {
    let emulator = Emulator::start(&[]);
    let id = emulator.function_token()["id"].as_str().unwrap().to_owned();
    let deleted = emulator.api("DELETE", &format!("/tokens/{id}"), None);
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.body["status"], "deleting");
    assert_eq!(deleted.body["token"], "<hidden>");
    let again = emulator.api("GET", &format!("/tokens/{id}"), None);
    assert_eq!(again.status, 404);
    assert_eq!(again.body, json!({ "message": "Token was not found" }));
    assert_eq!(
        emulator
            .api("DELETE", &format!("/tokens/{id}"), None)
            .status,
        404
    );
}

#[test]
fn a_token_delay_shows_creating_then_ready_and_deleting_then_gone() {
    let emulator = Emulator::start(&["--token-delay-ms", "700"]);
    let id = emulator.function_token()["id"].as_str().unwrap().to_owned();
    let path = format!("/tokens/{id}");
    assert_eq!(emulator.api("GET", &path, None).body["status"], "creating");
    std::thread::sleep(std::time::Duration::from_millis(900));
    assert_eq!(emulator.api("GET", &path, None).body["status"], "ready");
    assert_eq!(
        emulator.api("DELETE", &path, None).body["status"],
        "deleting"
    );
    assert_eq!(emulator.api("GET", &path, None).body["status"], "deleting");
    std::thread::sleep(std::time::Duration::from_millis(900));
    assert_eq!(emulator.api("GET", &path, None).status, 404);
}

#[test]
fn tokens_are_listed_by_page_in_creation_order_with_a_total() {
    let emulator = Emulator::start(&[]);
    let ids: Vec<String> = (0..5)
        .map(|_| emulator.function_token()["id"].as_str().unwrap().to_owned())
        .collect();
    emulator.create_token(json!({ "namespace_id": emulator.field("namespace_id") }));
    let function = emulator.field("function_id");
    let page = |query: &str| {
        emulator.api(
            "GET",
            &format!("/tokens?function_id={function}&{query}"),
            None,
        )
    };
    let first = page("page=1&page_size=2");
    assert_eq!(first.status, 200);
    assert_eq!(first.body["total_count"], 5);
    let listed: Vec<&str> = (first.body["tokens"].as_array().unwrap().iter())
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [ids[0].as_str(), ids[1].as_str()]);
    assert!(first.body["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["token"] == "<hidden>"));
    let last = page("page=3&page_size=2");
    assert_eq!(last.body["tokens"].as_array().unwrap().len(), 1);
    let newest = page("order_by=created_at_desc&page_size=1");
    assert_eq!(newest.body["tokens"][0]["id"], ids[4].as_str());
    let all = emulator.api("GET", "/tokens", None);
    assert_eq!(all.body["total_count"], 6);
    let by_namespace = emulator.api(
        "GET",
        &format!("/tokens?namespace_id={}", emulator.field("namespace_id")),
        None,
    );
    assert_eq!(by_namespace.body["total_count"], 1);
    let beyond = page("page=9");
    assert_eq!(beyond.body["tokens"], json!([]));
    assert_eq!(beyond.body["total_count"], 5);
}

fn refused(answer: &common::Answer) -> Vec<(String, String)> {
    assert_eq!(answer.status, 400, "{:?}", answer.body);
    assert_eq!(answer.body["type"], "invalid_arguments");
    assert_eq!(answer.body["message"], "invalid argument(s)");
    (answer.body["details"].as_array().unwrap().iter())
        .map(|d| {
            assert!(d["help_message"].is_string());
            (
                d["argument_name"].as_str().unwrap().to_owned(),
                d["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(argument: &str, reason: &str) -> (String, String) {
    (argument.to_owned(), reason.to_owned())
}

#[test]
fn bad_token_requests_are_refused_with_the_argument_named() {
    let emulator = Emulator::start(&[]);
    let function = emulator.field("function_id");
    let namespace = emulator.field("namespace_id");
    let create = |body: Value| emulator.api("POST", "/tokens", Some(body));
    assert_eq!(
        refused(&create(
            json!({ "function_id": function, "namespace_id": namespace })
        )),
        [pair("function_id", "constraint")]
    );
    assert_eq!(
        refused(&create(json!({}))),
        [pair("function_id", "required")]
    );
    assert_eq!(
        refused(&create(json!({ "function_id": "nope" }))),
        [pair("function_id", "format")]
    );
    assert_eq!(
        refused(&create(json!({ "namespace_id": "12" }))),
        [pair("namespace_id", "format")]
    );
    assert_eq!(
        refused(&create(
            json!({ "function_id": function, "expires_at": "tomorrow" })
        )),
        [pair("expires_at", "format")]
    );
    assert_eq!(
        refused(&create(
            json!({ "function_id": function, "expires_at": "2001-01-01T00:00:00Z" })
        )),
        [pair("expires_at", "constraint")]
    );
    assert_eq!(
        refused(&create(
            json!({ "function_id": function, "description": "x".repeat(1001) })
        )),
        [pair("description", "constraint")]
    );
    let key = emulator.field("secret_key");
    let url = emulator.url("/functions/v1beta1/regions/fr-par/tokens");
    let headers = [
        ("X-Auth-Token", key.as_str()),
        ("Content-Type", "application/json"),
    ];
    let broken = emulator.send("POST", &url, &headers, Some("{\"function_id\":"));
    assert_eq!(refused(&broken), [pair("body", "format")]);
    let huge = format!("{{\"description\":\"{}\"}}", "x".repeat(70 * 1024));
    assert_eq!(
        refused(&emulator.send("POST", &url, &headers, Some(&huge))),
        [pair("body", "constraint")]
    );
    let list = |query: &str| emulator.api("GET", &format!("/tokens?{query}"), None);
    assert_eq!(refused(&list("page=0")), [pair("page", "constraint")]);
    assert_eq!(refused(&list("page=x")), [pair("page", "format")]);
    assert_eq!(
        refused(&list("page_size=0")),
        [pair("page_size", "constraint")]
    );
    assert_eq!(
        refused(&list("page_size=101")),
        [pair("page_size", "constraint")]
    );
    assert_eq!(
        refused(&list("order_by=name_asc")),
        [pair("order_by", "constraint")]
    );
    assert_eq!(
        refused(&list("function_id=1")),
        [pair("function_id", "format")]
    );
    assert_eq!(
        refused(&list("namespace_id=1")),
        [pair("namespace_id", "format")]
    );
    assert_eq!(
        refused(&emulator.api("GET", "/tokens/not-a-uuid", None)),
        [pair("token_id", "format")]
    );
    assert_eq!(
        refused(&emulator.api("DELETE", "/tokens/not-a-uuid", None)),
        [pair("token_id", "format")]
    );
}

#[test]
fn unknown_ids_answer_a_message_only_404() {
    let emulator = Emulator::start(&[]);
    let unknown = uuid::Uuid::new_v4();
    let token = emulator.api("GET", &format!("/tokens/{unknown}"), None);
    assert_eq!(
        (token.status, token.body),
        (404, json!({ "message": "Token was not found" }))
    );
    let function = emulator.api("POST", "/tokens", Some(json!({ "function_id": unknown })));
    assert_eq!(
        (function.status, function.body),
        (404, json!({ "message": "Function was not found" }))
    );
    let namespace = emulator.api("POST", "/tokens", Some(json!({ "namespace_id": unknown })));
    assert_eq!(
        (namespace.status, namespace.body),
        (404, json!({ "message": "Namespace was not found" }))
    );
}

#[test]
fn the_api_refuses_callers_without_the_secret_key() {
    let emulator = Emulator::start(&[]);
    let url = emulator.url("/functions/v1beta1/regions/fr-par/tokens");
    let denied = |reason: &str| json!({"message":"authentication is denied","method":"api_key","reason":reason,"type":"denied_authentication"});
    let missing = emulator.send("GET", &url, &[], None);
    assert_eq!(
        (missing.status, missing.body),
        (401, denied("invalid_argument"))
    );
    let malformed = emulator.send("GET", &url, &[("X-Auth-Token", "hunter2")], None);
    assert_eq!(
        (malformed.status, malformed.body),
        (401, denied("invalid_argument"))
    );
    let other = uuid::Uuid::new_v4().to_string();
    let unknown = emulator.send("POST", &url, &[("X-Auth-Token", &other)], Some("{}"));
    assert_eq!((unknown.status, unknown.body), (401, denied("not_found")));
}

#[test]
fn regions_are_fr_par_nl_ams_and_pl_waw() {
    let emulator = Emulator::start(&[]);
    let key = emulator.field("secret_key");
    let list = |region: &str| {
        let url = emulator.url(&format!("/functions/v1beta1/regions/{region}/tokens"));
        emulator.send("GET", &url, &[("X-Auth-Token", &key)], None)
    };
    assert_eq!(list("nl-ams").body["total_count"], 0);
    assert_eq!(list("pl-waw").status, 200);
    let unknown = list("us-east");
    assert_eq!(
        (unknown.status, unknown.body),
        (404, json!({ "message": "Region was not found" }))
    );
    let seeded_elsewhere = emulator.send(
        "POST",
        &emulator.url("/functions/v1beta1/regions/nl-ams/tokens"),
        &[("X-Auth-Token", &key)],
        Some(&json!({ "function_id": emulator.field("function_id") }).to_string()),
    );
    assert_eq!(
        seeded_elsewhere.status, 404,
        "the seeded function lives in fr-par"
    );
}

#[test]
fn every_api_answer_carries_its_own_request_id() {
    let emulator = Emulator::start(&[]);
    let key = emulator.field("secret_key");
    let answers = [
        emulator.api("GET", "/tokens", None),
        emulator.api("GET", &format!("/tokens/{}", uuid::Uuid::new_v4()), None),
        emulator.api("GET", "/tokens?page_size=0", None),
        emulator.send(
            "GET",
            &emulator.url("/functions/v1beta1/regions/fr-par/tokens"),
            &[],
            None,
        ),
        emulator.iam_as(&key, "GET", "/applications", None),
    ];
    let ids: Vec<uuid::Uuid> = (answers.iter())
        .map(|answer| {
            let id = answer.headers.get("x-request-id");
            let id = id.and_then(|v| v.to_str().ok()).unwrap_or_default();
            uuid::Uuid::try_parse(id).unwrap_or_else(|_| panic!("{}: {id:?}", answer.status))
        })
        .collect();
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [200, 404, 400, 401, 200]);
    let distinct: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "one id per answer");
}
