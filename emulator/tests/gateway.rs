//! The gateway opens a private function only to a valid token of that function or its namespace.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::Emulator;
use serde_json::{json, Value};

fn jwt(token: &Value) -> String {
    token["token"].as_str().unwrap().to_owned()
}

#[test]
fn a_revoked_token_is_refused_on_the_very_next_call() {
    let emulator = Emulator::start(&[]);
    let token = emulator.function_token();
    assert_eq!(emulator.call_seeded(Some(&jwt(&token))), 200);
    let id = token["id"].as_str().unwrap();
    emulator.api("DELETE", &format!("/tokens/{id}"), None);
    assert_eq!(emulator.call_seeded(Some(&jwt(&token))), 403);
}

#[test]
fn a_deleting_token_is_refused_at_once_even_with_a_delay() {
    let emulator = Emulator::start(&["--token-delay-ms", "5000"]);
    let token = emulator.function_token();
    assert_eq!(emulator.call_seeded(Some(&jwt(&token))), 200);
    let id = token["id"].as_str().unwrap();
    assert_eq!(
        emulator.api("DELETE", &format!("/tokens/{id}"), None).body["status"],
        "deleting"
    );
    assert_eq!(emulator.call_seeded(Some(&jwt(&token))), 403);
}

#[test]
fn an_expired_token_is_refused() {
    let emulator = Emulator::start(&[]);
    let soon = time::OffsetDateTime::now_utc() + time::Duration::seconds(2);
    let soon = soon
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let token = emulator
        .create_token(json!({ "function_id": emulator.field("function_id"), "expires_at": soon }));
    assert_eq!(emulator.call_seeded(Some(&jwt(&token))), 200);
    std::thread::sleep(std::time::Duration::from_millis(2600));
    assert_eq!(emulator.call_seeded(Some(&jwt(&token))), 403);
}

#[test]
fn a_call_without_a_token_or_with_garbage_is_refused() {
    let emulator = Emulator::start(&[]);
    assert_eq!(emulator.call_seeded(None), 403);
    assert_eq!(emulator.call_seeded(Some("garbage")), 403);
    assert_eq!(
        emulator.call_seeded(Some(&emulator.field("secret_key"))),
        403
    );
}

fn function_in(emulator: &Emulator, namespace: &str, name: &str, privacy: &str) -> Value {
    let created = emulator.api(
        "POST",
        "/functions",
        Some(json!({ "namespace_id": namespace, "name": name, "privacy": privacy })),
    );
    assert_eq!(created.status, 200, "{:?}", created.body);
    created.body
}

fn function_url(emulator: &Emulator, function: &Value) -> String {
    emulator.url(&format!("/fn/{}", function["id"].as_str().unwrap()))
}

#[test]
fn a_namespace_token_opens_every_function_of_its_namespace_only() {
    let emulator = Emulator::start(&[]);
    let namespace = emulator.field("namespace_id");
    let sibling = function_in(&emulator, &namespace, "sibling", "private");
    let token = jwt(&emulator.create_token(json!({ "namespace_id": namespace })));
    assert_eq!(emulator.call_seeded(Some(&token)), 200);
    assert_eq!(
        emulator.call(&function_url(&emulator, &sibling), Some(&token)),
        200
    );

    let other = emulator.api("POST", "/namespaces", Some(json!({ "name": "other" })));
    let foreign = function_in(
        &emulator,
        other.body["id"].as_str().unwrap(),
        "foreign",
        "private",
    );
    assert_eq!(
        emulator.call(&function_url(&emulator, &foreign), Some(&token)),
        403
    );
}

#[test]
fn a_function_token_opens_only_its_function() {
    let emulator = Emulator::start(&[]);
    let sibling = function_in(
        &emulator,
        &emulator.field("namespace_id"),
        "sibling",
        "private",
    );
    let token = jwt(&emulator.function_token());
    assert_eq!(emulator.call_seeded(Some(&token)), 200);
    assert_eq!(
        emulator.call(&function_url(&emulator, &sibling), Some(&token)),
        403
    );
}

#[test]
fn a_public_function_answers_without_a_token() {
    let emulator = Emulator::start(&[]);
    let public = function_in(&emulator, &emulator.field("namespace_id"), "open", "public");
    assert_eq!(emulator.call(&function_url(&emulator, &public), None), 200);
}

fn parts(jwt: &str) -> Vec<String> {
    jwt.split('.').map(str::to_owned).collect()
}

fn decode(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

fn encode(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

#[test]
fn forged_tokens_are_refused() {
    let emulator = Emulator::start(&[]);
    let namespace = emulator.field("namespace_id");
    let token = jwt(&emulator.function_token());
    let [header, payload, signature] = <[String; 3]>::try_from(parts(&token)).unwrap();
    let claims = decode(&payload);
    assert_eq!(decode(&header), json!({ "alg": "RS256", "typ": "JWT" }));
    assert_eq!(claims["aud"], "functions");
    assert_eq!(claims["iss"], "SCALEWAY");
    assert_eq!(claims["sub"], "token");
    assert_eq!(claims["version"], 2);
    assert_eq!(
        claims["application_claim"][0]["application_id"],
        emulator.field("function_id")
    );
    assert_eq!(claims["application_claim"][0]["namespace_id"], "");
    assert!(claims.get("exp").is_none());

    // Widened to the whole namespace, signature kept.
    let mut widened = claims.clone();
    widened["application_claim"] = json!([{ "namespace_id": namespace, "application_id": "" }]);
    let tampered = format!("{header}.{}.{signature}", encode(&widened));
    assert_eq!(emulator.call_seeded(Some(&tampered)), 403);

    let unsigned = format!(
        "{}.{payload}.",
        encode(&json!({ "alg": "none", "typ": "JWT" }))
    );
    assert_eq!(emulator.call_seeded(Some(&unsigned)), 403);

    let stranger = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    use rsa::pkcs1::EncodeRsaPrivateKey;
    let der = stranger.to_pkcs1_der().unwrap();
    let key = jsonwebtoken::EncodingKey::from_rsa_der(der.as_bytes());
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    let foreign = jsonwebtoken::encode(&header, &claims, &key).unwrap();
    assert_eq!(emulator.call_seeded(Some(&foreign)), 403);

    let hs = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    let hmac =
        jsonwebtoken::encode(&hs, &claims, &jsonwebtoken::EncodingKey::from_secret(b"k")).unwrap();
    assert_eq!(emulator.call_seeded(Some(&hmac)), 403);

    assert_eq!(
        emulator.call_seeded(Some(&token)),
        200,
        "the genuine token still works"
    );
}

#[test]
fn the_default_function_echoes_the_request_without_the_token() {
    let emulator = Emulator::start(&[]);
    let token = jwt(&emulator.function_token());
    let url = format!("{}/some/path?x=1", emulator.field("function_url"));
    let answer = emulator.send(
        "POST",
        &url,
        &[("X-Auth-Token", &token), ("X-Custom", "yes")],
        Some("hello"),
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["method"], "POST");
    assert_eq!(answer.body["path"], "/some/path");
    assert_eq!(answer.body["query"], "x=1");
    assert_eq!(answer.body["body"], "hello");
    assert_eq!(answer.body["headers"]["x-custom"], "yes");
    assert!(answer.body["headers"].get("x-auth-token").is_none());
}

#[test]
fn a_function_is_reached_by_its_domain_name_too() {
    let emulator = Emulator::start(&[]);
    let function = emulator.api(
        "GET",
        &format!("/functions/{}", emulator.field("function_id")),
        None,
    );
    let domain = function.body["domain_name"].as_str().unwrap().to_owned();
    assert!(
        domain.ends_with(".functions.fnc.fr-par.scw.cloud"),
        "{domain}"
    );
    let token = jwt(&emulator.function_token());
    let url = emulator.url("/anything");
    assert_eq!(
        emulator
            .send("GET", &url, &[("Host", &domain)], None)
            .status,
        403
    );
    let answer = emulator.send(
        "GET",
        &url,
        &[("Host", &domain), ("X-Auth-Token", &token)],
        None,
    );
    assert_eq!(
        (answer.status, &answer.body["path"]),
        (200, &json!("/anything"))
    );
}

#[test]
fn the_emulator_info_repeats_the_ready_line() {
    let emulator = Emulator::start(&[]);
    let answer = emulator.send("GET", &emulator.url("/emulator/info"), &[], None);
    assert_eq!(answer.body, emulator.info);
    for field in [
        "api_url",
        "secret_key",
        "region",
        "project_id",
        "namespace_id",
        "function_id",
        "function_url",
    ] {
        assert!(emulator.info[field].is_string(), "{field}");
    }
}

#[test]
fn with_an_upstream_calls_that_pass_the_check_are_proxied() {
    let upstream = Emulator::start(&[]);
    let public = function_in(
        &upstream,
        &upstream.field("namespace_id"),
        "backend",
        "public",
    );
    let backend = function_url(&upstream, &public);
    let emulator = Emulator::start(&["--upstream", &backend]);
    let token = jwt(&emulator.function_token());
    let url = format!("{}/proxied?q=2", emulator.field("function_url"));
    let answer = emulator.send("PUT", &url, &[("X-Auth-Token", &token)], Some("payload"));
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["path"], "/proxied");
    assert_eq!(answer.body["query"], "q=2");
    assert_eq!(answer.body["method"], "PUT");
    assert_eq!(answer.body["body"], "payload");
    assert!(answer.body["headers"].get("x-auth-token").is_none());
    assert_eq!(emulator.send("PUT", &url, &[], None).status, 403);
}

#[test]
fn sigterm_stops_the_emulator_cleanly() {
    let emulator = Emulator::start(&[]);
    assert!(emulator.terminate());
}
