//! What local development relies on: health, reset, a seed file describing the world, the log
//! of recent requests with the reason of each refusal, and clear errors for bad input.

mod common;

use std::process::Command;

use common::{Emulator, TempDir};
use serde_json::{json, Value};

const SECRET: &str = "11111111-2222-4333-8444-555555555555";
const NAMESPACE: &str = "aaaaaaaa-0000-4000-8000-000000000001";
const PRIVATE: &str = "aaaaaaaa-0000-4000-8000-000000000002";
const PUBLIC: &str = "aaaaaaaa-0000-4000-8000-000000000003";
const APPLICATION: &str = "aaaaaaaa-0000-4000-8000-000000000004";
const KEY_SECRET: &str = "aaaaaaaa-0000-4000-8000-000000000005";
const TOKEN: &str = "aaaaaaaa-0000-4000-8000-000000000006";
const ORGANIZATION: &str = "aaaaaaaa-0000-4000-8000-0000000000ff";

fn seed_file(dir: &TempDir, seed: &Value) -> String {
    let path = dir.file("seed.json");
    std::fs::write(&path, seed.to_string()).unwrap();
    path
}

fn world() -> Value {
    json!({
        "secret_key": SECRET,
        "organization_id": ORGANIZATION,
        "namespaces": [{
            "id": NAMESPACE, "name": "shop", "region": "nl-ams", "tags": ["team:web"],
            "functions": [
                { "id": PRIVATE, "name": "cart", "privacy": "private", "environment_variables": { "MODE": "test" } },
                { "id": PUBLIC, "name": "home", "privacy": "public" }
            ]
        }],
        "applications": [{ "id": APPLICATION, "name": "ci" }],
        "policies": [{ "name": "call", "application_id": APPLICATION,
                       "rules": [{ "permission_set_names": ["FunctionsPrivateAccess"], "organization_id": ORGANIZATION }] }],
        "api_keys": [{ "access_key": "SCWAAAAAAAAAAAAAAAAA", "secret_key": KEY_SECRET, "application_id": APPLICATION }],
        "tokens": [{ "id": TOKEN, "function_id": PRIVATE, "description": "seeded" }]
    })
}

fn local(emulator: &Emulator, method: &str, path: &str) -> common::Answer {
    let key = emulator.field("secret_key");
    emulator.send(method, &emulator.url(path), &[("X-Auth-Token", &key)], None)
}

/// The JWT of the seed file's first token.
fn first_seeded_jwt(emulator: &Emulator) -> String {
    let seeded = local(emulator, "GET", "/emulator/seeded-tokens");
    seeded.body["tokens"][0]["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn regional(emulator: &Emulator, path: &str) -> common::Answer {
    let key = emulator.field("secret_key");
    let url = emulator.url(&format!("/functions/v1beta1/regions/nl-ams{path}"));
    emulator.send("GET", &url, &[("X-Auth-Token", &key)], None)
}

#[test]
fn health_answers_ok() {
    let emulator = Emulator::start(&[]);
    let answer = emulator.send("GET", &emulator.url("/emulator/health"), &[], None);
    assert_eq!(
        (answer.status, answer.body),
        (200, json!({ "status": "ok" }))
    );
}

#[test]
fn a_seed_file_describes_the_world_the_emulator_starts_with() {
    let dir = TempDir::new("seed");
    let emulator = Emulator::start(&["--seed", &seed_file(&dir, &world())]);
    assert_eq!(emulator.info["secret_key"], SECRET);
    assert_eq!(emulator.info["namespace_id"], NAMESPACE);
    assert_eq!(emulator.info["function_id"], PRIVATE);
    assert_eq!(emulator.info["region"], "nl-ams");

    let functions = regional(&emulator, "/functions?order_by=name_asc");
    let names: Vec<&Value> = (functions.body["functions"].as_array().unwrap().iter())
        .map(|f| &f["name"])
        .collect();
    assert_eq!(names, [&json!("cart"), &json!("home")]);
    assert_eq!(functions.body["functions"][0]["status"], "ready");
    assert_eq!(
        functions.body["functions"][0]["environment_variables"],
        json!({ "MODE": "test" })
    );
    let namespace = regional(&emulator, &format!("/namespaces/{NAMESPACE}"));
    assert_eq!(namespace.body["tags"], json!(["team:web"]));

    let private = emulator.field("function_url");
    assert_eq!(emulator.call(&private, None), 403);
    assert_eq!(
        emulator.call(&private, Some(KEY_SECRET)),
        200,
        "the seeded key opens it"
    );
    let public = format!("{}/fn/{PUBLIC}", emulator.field("api_url"));
    assert_eq!(emulator.call(&public, None), 200);

    let seeded = local(&emulator, "GET", "/emulator/seeded-tokens");
    assert_eq!(seeded.body["tokens"][0]["id"], TOKEN);
    let jwt = seeded.body["tokens"][0]["token"].as_str().unwrap();
    assert_eq!(
        emulator.call(&private, Some(jwt)),
        200,
        "the seeded token opens it"
    );
    let anonymous = emulator.send("GET", &emulator.url("/emulator/seeded-tokens"), &[], None);
    assert_eq!(anonymous.status, 401);
}

#[test]
fn a_seeded_function_proxies_to_its_own_upstream() {
    let upstream = Emulator::start(&[]);
    let target = format!(
        "{}/fn/{}",
        upstream.field("api_url"),
        upstream.field("function_id")
    );
    let dir = TempDir::new("seed-upstream");
    let seed = json!({ "namespaces": [{ "name": "ns", "functions": [
        { "name": "proxied", "privacy": "public", "upstream": target }
    ] }] });
    let emulator = Emulator::start(&["--seed", &seed_file(&dir, &seed)]);
    assert_eq!(
        emulator.call(&emulator.field("function_url"), None),
        403,
        "the upstream is the other emulator's private function, called without a token"
    );
}

#[test]
fn reset_brings_back_the_seeded_world() {
    let dir = TempDir::new("reset");
    let emulator = Emulator::start(&["--seed", &seed_file(&dir, &world())]);
    let made = emulator.send(
        "POST",
        &emulator.url("/functions/v1beta1/regions/nl-ams/tokens"),
        &[
            ("X-Auth-Token", SECRET),
            ("Content-Type", "application/json"),
        ],
        Some(&json!({ "namespace_id": NAMESPACE }).to_string()),
    );
    assert_eq!(made.status, 200);
    let deleted = emulator.send(
        "DELETE",
        &emulator.url(&format!(
            "/functions/v1beta1/regions/nl-ams/functions/{PUBLIC}"
        )),
        &[("X-Auth-Token", SECRET)],
        None,
    );
    assert_eq!(deleted.status, 200);
    assert_eq!(regional(&emulator, "/tokens").body["total_count"], 2);

    let refused = emulator.send("POST", &emulator.url("/emulator/reset"), &[], None);
    assert_eq!(
        refused.status, 401,
        "a page on another origin cannot reset it"
    );
    assert_eq!(local(&emulator, "POST", "/emulator/reset").status, 204);
    assert_eq!(regional(&emulator, "/tokens").body["total_count"], 1);
    assert_eq!(regional(&emulator, "/functions").body["total_count"], 2);
    let seeded = local(&emulator, "GET", "/emulator/seeded-tokens");
    let jwt = seeded.body["tokens"][0]["token"].as_str().unwrap();
    assert_eq!(
        emulator.call(&emulator.field("function_url"), Some(jwt)),
        200
    );
}

#[test]
fn the_request_log_names_why_each_call_was_refused_and_never_shows_a_secret() {
    let dir = TempDir::new("log");
    let mut seed = world();
    seed["applications"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "id": "aaaaaaaa-0000-4000-8000-000000000007", "name": "nobody" }));
    seed["api_keys"].as_array_mut().unwrap().extend([
        json!({ "secret_key": "aaaaaaaa-0000-4000-8000-000000000008", "application_id": "aaaaaaaa-0000-4000-8000-000000000007" }),
        json!({ "secret_key": "aaaaaaaa-0000-4000-8000-000000000009", "application_id": APPLICATION, "expires_at": "2020-01-01T00:00:00Z" }),
    ]);
    let emulator = Emulator::start(&["--seed", &seed_file(&dir, &seed)]);
    let private = emulator.field("function_url");
    let jwt = first_seeded_jwt(&emulator);
    let other = emulator.send(
        "POST",
        &emulator.url("/functions/v1beta1/regions/nl-ams/tokens"),
        &[
            ("X-Auth-Token", SECRET),
            ("Content-Type", "application/json"),
        ],
        Some(&json!({ "function_id": PUBLIC }).to_string()),
    );
    let other_jwt = other.body["token"].as_str().unwrap().to_owned();
    let mut tampered = jwt.clone();
    tampered.replace_range(jwt.len() - 4.., "AAAA");
    let calls: Vec<(Option<&str>, &str)> = vec![
        (None, "missing"),
        (Some("not-a-token"), "malformed"),
        (Some(&tampered), "bad_signature"),
        (Some("aaaaaaaa-0000-4000-8000-000000000009"), "expired"),
        (Some("aaaaaaaa-0000-4000-8000-00000000000a"), "revoked"),
        (Some(&other_jwt), "other_scope"),
        (Some("aaaaaaaa-0000-4000-8000-000000000008"), "no_policy"),
        (Some(&jwt), ""),
    ];
    for (credential, _) in &calls {
        emulator.call(&format!("{private}/path?secret=query"), *credential);
    }
    let log = emulator.send("GET", &emulator.url("/emulator/requests"), &[], None);
    assert_eq!(log.status, 200);
    let entries = log.body["requests"].as_array().unwrap();
    let gateway: Vec<&Value> = (entries.iter())
        .filter(|e| e["path"].as_str().unwrap().starts_with("/fn/"))
        .collect();
    let reasons: Vec<&str> = (gateway.iter())
        .map(|e| e["reason"].as_str().unwrap_or(""))
        .collect();
    let expected: Vec<&str> = calls.iter().map(|(_, reason)| *reason).collect();
    assert_eq!(reasons, expected);
    let statuses: Vec<u64> = gateway
        .iter()
        .map(|e| e["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [403, 403, 403, 403, 403, 403, 403, 200]);
    let first = gateway[0];
    assert_eq!(first["method"], "GET");
    assert_eq!(first["path"], format!("/fn/{PRIVATE}/path"));
    assert!(first["latency_ms"].is_number() && first["at"].is_string());

    let text = log.body.to_string();
    for secret in [
        SECRET,
        KEY_SECRET,
        &jwt,
        &other_jwt,
        "aaaaaaaa-0000-4000-8000-000000000008",
        "secret=query",
    ] {
        assert!(!text.contains(secret), "the log shows {secret}");
    }
    let api = entries
        .iter()
        .find(|e| e["path"] == "/functions/v1beta1/regions/nl-ams/tokens")
        .unwrap();
    assert_eq!(
        (api["method"].as_str(), api["status"].as_u64()),
        (Some("POST"), Some(200))
    );
}

#[test]
fn request_log_names_the_admitted_credential_by_its_public_id_never_its_secret() {
    let dir = TempDir::new("admitted");
    let emulator = Emulator::start(&["--seed", &seed_file(&dir, &world())]);
    let private = emulator.field("function_url");
    let jwt = first_seeded_jwt(&emulator);
    assert_eq!(emulator.call(&private, Some(KEY_SECRET)), 200);
    assert_eq!(emulator.call(&private, Some(&jwt)), 200);
    assert_eq!(emulator.call(&private, Some("not-a-token")), 403);

    let log = emulator.send("GET", &emulator.url("/emulator/requests"), &[], None);
    let entries = log.body["requests"].as_array().unwrap();
    let credentials: Vec<&Value> = (entries.iter())
        .filter(|e| e["path"].as_str().unwrap().starts_with("/fn/"))
        .map(|e| &e["credential"])
        .collect();
    assert_eq!(
        credentials,
        [
            &json!({ "access_key": "SCWAAAAAAAAAAAAAAAAA" }),
            &json!({ "token_id": TOKEN }),
            &Value::Null,
        ]
    );
    let text = log.body.to_string();
    for secret in [SECRET, KEY_SECRET, &jwt] {
        assert!(!text.contains(secret), "the log shows {secret}");
    }
}

/// Runs the emulator expecting it to stop at once; returns its exit code and stderr.
fn failing(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_scw-emulator"))
        .args(["--port", "0"])
        .args(args)
        .output()
        .expect("the emulator runs");
    assert!(output.stdout.is_empty(), "no ready line");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_bad_seed_file_stops_the_emulator_with_the_file_and_the_field_named() {
    let dir = TempDir::new("bad-seed");
    let cases: Vec<(String, &str)> = vec![
        ("{\n  \"namespaces\": [\n    {\"name\": \"a\",}\n  ]\n}".into(), "line 3"),
        (json!({ "namespaces": [{ "name": "a", "colour": "red" }] }).to_string(), "unknown field `colour`"),
        (
            json!({ "namespaces": [{ "id": NAMESPACE, "name": "a" }, { "id": NAMESPACE, "name": "b" }] }).to_string(),
            "namespaces[1].id: duplicate id",
        ),
        (
            json!({ "namespaces": [{ "name": "a", "functions": [{ "name": "f", "privacy": "public", "upstream": "ftp://x" }] }] }).to_string(),
            "namespaces[0].functions[0].upstream",
        ),
        (
            json!({ "namespaces": [{ "name": "a", "functions": [{ "name": "f", "privacy": "hidden" }] }] }).to_string(),
            "unknown variant `hidden`",
        ),
        (json!({ "tokens": [{ "function_id": PRIVATE }] }).to_string(), "tokens[0].function_id"),
    ];
    let path = dir.file("seed.json");
    for (text, expected) in cases {
        std::fs::write(&path, &text).unwrap();
        let (code, stderr) = failing(&["--seed", &path]);
        assert_eq!(code, Some(1), "{text}: {stderr}");
        assert!(
            stderr.contains(&path) && stderr.contains(expected),
            "{text}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let (code, stderr) = failing(&["--seed", &dir.file("missing.json")]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("missing.json"), "{stderr}");
}

#[test]
fn unknown_values_of_the_new_flags_are_refused_with_the_flag_named() {
    let cases: [(&[&str], &str); 9] = [
        (&["--gateway-preflight", "maybe"], "--gateway-preflight"),
        (
            &["--legacy-token-creation", "sometimes"],
            "--legacy-token-creation",
        ),
        (&["--max-key-validity", "forever"], "--max-key-validity"),
        (&["--max-key-validity", "0"], "--max-key-validity"),
        (&["--cors-origin", "localhost:5173"], "--cors-origin"),
        (&["--profile", "staging"], "--profile"),
        (&["--iam-propagation", "2 minutes"], "--iam-propagation"),
        (&["--iam-propagation", "0s"], "--iam-propagation"),
        (&["--require-key-expiry=sometimes"], "--require-key-expiry"),
    ];
    for (args, named) in cases {
        let (code, stderr) = failing(args);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains(named), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
