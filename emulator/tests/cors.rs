//! CORS is strict like Scaleway's by default; `--cors-origin` and `--gateway-preflight allow`
//! relax it for local experiments.

mod common;

use common::{Answer, Emulator};
use serde_json::json;

const PAGE: &str = "http://localhost:5173";

/// A browser's preflight for a call with `X-Auth-Token` from [`PAGE`].
fn preflight(emulator: &Emulator, url: &str) -> Answer {
    emulator.send(
        "OPTIONS",
        url,
        &[
            ("Origin", PAGE),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "x-auth-token,content-type",
            ),
        ],
        None,
    )
}

/// A GET from a page on [`PAGE`], with these headers too.
fn from_page(emulator: &Emulator, url: &str, token: Option<&str>) -> Answer {
    let mut headers = vec![("Origin", PAGE)];
    headers.extend(token.map(|t| ("X-Auth-Token", t)));
    emulator.send("GET", url, &headers, None)
}

fn allowed_origin(answer: &Answer) -> Option<&str> {
    (answer.headers.get("access-control-allow-origin")).and_then(|v| v.to_str().ok())
}

fn public_function_url(emulator: &Emulator) -> String {
    let body = json!({ "namespace_id": emulator.field("namespace_id"), "name": "open", "privacy": "public" });
    let function = emulator.api("POST", "/functions", Some(body));
    format!(
        "{}/fn/{}",
        emulator.field("api_url"),
        function.body["id"].as_str().unwrap()
    )
}

#[test]
fn by_default_no_page_on_another_origin_may_call_the_api_or_a_private_function() {
    let emulator = Emulator::start(&[]);
    let api = emulator.url("/functions/v1beta1/regions/fr-par/tokens");
    let answer = preflight(&emulator, &api);
    assert_eq!(allowed_origin(&answer), None, "{}", answer.status);
    let key = emulator.field("secret_key");
    let listed = from_page(&emulator, &api, Some(&key));
    assert_eq!(listed.status, 200);
    assert_eq!(allowed_origin(&listed), None);

    let function = emulator.field("function_url");
    let answer = preflight(&emulator, &function);
    assert_eq!(answer.status, 403, "a preflight carries no credential");
    assert_eq!(allowed_origin(&answer), None);
    let token = emulator.function_token()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let called = from_page(&emulator, &function, Some(&token));
    assert_eq!(called.status, 200);
    assert_eq!(allowed_origin(&called), None);
}

#[test]
fn a_public_function_sends_cors_headers_only_if_its_code_does() {
    let emulator = Emulator::start(&["--cors-origin", PAGE, "--gateway-preflight", "allow"]);
    let url = public_function_url(&emulator);
    let called = from_page(&emulator, &url, None);
    assert_eq!(called.status, 200);
    assert_eq!(allowed_origin(&called), None, "the echo sends none");
    let answer = preflight(&emulator, &url);
    assert_eq!(allowed_origin(&answer), None);
}

#[test]
fn cors_origin_opens_the_api_to_the_listed_origins_only() {
    let emulator = Emulator::start(&["--cors-origin", PAGE, "--cors-origin", "https://app.test"]);
    let api = emulator.url("/functions/v1beta1/regions/fr-par/tokens");
    let answer = preflight(&emulator, &api);
    assert!(answer.status < 300, "{}", answer.status);
    assert_eq!(allowed_origin(&answer), Some(PAGE));
    let allowed = (answer.headers["access-control-allow-headers"].to_str())
        .unwrap()
        .to_lowercase();
    assert!(
        allowed.contains("x-auth-token") && allowed.contains("content-type"),
        "{allowed}"
    );
    let key = emulator.field("secret_key");
    assert_eq!(
        allowed_origin(&from_page(&emulator, &api, Some(&key))),
        Some(PAGE)
    );
    let other = emulator.send(
        "GET",
        &api,
        &[("Origin", "http://evil.test"), ("X-Auth-Token", &key)],
        None,
    );
    assert_eq!(allowed_origin(&other), None);

    let function = emulator.field("function_url");
    assert_eq!(
        preflight(&emulator, &function).status,
        403,
        "private functions stay strict without --gateway-preflight allow"
    );
}

#[test]
fn gateway_preflight_allow_lets_pages_call_private_functions_with_a_credential() {
    let emulator = Emulator::start(&["--gateway-preflight", "allow"]);
    let function = emulator.field("function_url");
    let answer = preflight(&emulator, &function);
    assert_eq!(answer.status, 204);
    assert_eq!(allowed_origin(&answer), Some(PAGE));
    let allowed = answer.headers["access-control-allow-headers"]
        .to_str()
        .unwrap();
    assert!(allowed.contains("x-auth-token"), "{allowed}");

    let token = emulator.function_token()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let called = from_page(&emulator, &function, Some(&token));
    assert_eq!((called.status, allowed_origin(&called)), (200, Some(PAGE)));
    let refused = from_page(&emulator, &function, None);
    assert_eq!(
        (refused.status, allowed_origin(&refused)),
        (403, Some(PAGE)),
        "the page can read the refusal"
    );
    let api = emulator.url("/functions/v1beta1/regions/fr-par/tokens");
    assert_eq!(
        allowed_origin(&preflight(&emulator, &api)),
        None,
        "the API stays strict"
    );
}

#[test]
fn gateway_preflight_allow_with_cors_origins_admits_only_those() {
    let emulator = Emulator::start(&[
        "--gateway-preflight",
        "allow",
        "--cors-origin",
        "https://app.test",
    ]);
    let answer = preflight(&emulator, &emulator.field("function_url"));
    assert_eq!((answer.status, allowed_origin(&answer)), (403, None));
}
