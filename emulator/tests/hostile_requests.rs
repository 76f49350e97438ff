//! Random and hostile requests, sent as raw bytes to the real server: never a 5xx, never a crash.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::Emulator;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Sends raw request bytes and returns the status of the answer (None: closed without one).
fn exchange(address: &str, request: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(address).expect("the emulator is still listening");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let line = String::from_utf8_lossy(&answer);
    line.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("../x".to_owned()),
        Just("..%2F..%2Fetc%2Fpasswd".to_owned()),
        Just("a?b#c".to_owned()),
        Just("%00".to_owned()),
        Just("%ZZ".to_owned()),
        Just("%C0%AF".to_owned()),
        Just("fr-par%2Ftokens".to_owned()),
        Just("00000000-0000-4000-8000-000000000000".to_owned()),
        Just("2027-02-30T00:00:00Z".to_owned()),
        Just("-1".to_owned()),
        Just("99999999999999999999999".to_owned()),
        Just("NaN".to_owned()),
        Just("é😀\u{202e}".to_owned()),
        "[a-zA-Z0-9%._~-]{0,40}",
        any::<String>(),
    ]
}

fn json_value() -> impl Strategy<Value = String> {
    prop_oneof![
        hostile_text().prop_map(|s| serde_json::Value::String(s).to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:e}")),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("[]".to_owned()),
        Just("{\"a\":{\"b\":[1,2,{}]}}".to_owned()),
        Just("\"x\"".repeat(10)),
        Just("1e999".to_owned()),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let fields = [
        "function_id",
        "namespace_id",
        "description",
        "expires_at",
        "name",
        "privacy",
        "application_id",
        "organization_id",
        "project_id",
        "rules",
        "page_size",
    ];
    prop_oneof![
        prop::collection::vec((prop::sample::select(fields.to_vec()), json_value()), 0..5)
            .prop_map(|pairs| {
                let inner: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| format!("{}:{v}", serde_json::Value::from(*k)))
                    .collect();
                format!("{{{}}}", inner.join(",")).into_bytes()
            }),
        prop::collection::vec(any::<u8>(), 0..300),
        json_value().prop_map(String::into_bytes),
        Just(b"{\"function_id\":".to_vec()),
    ]
}

/// A request line, headers and body, possibly malformed, aimed at every kind of route.
fn request(key: String, function_id: String) -> impl Strategy<Value = Vec<u8>> {
    let prefix = prop_oneof![
        Just("/functions/v1beta1/regions/fr-par/".to_owned()),
        Just("/functions/v1beta1/regions/".to_owned()),
        Just("/iam/v1alpha1/".to_owned()),
        Just(format!("/fn/{function_id}")),
        Just("/fn/".to_owned()),
        Just("/emulator/".to_owned()),
        Just("/pkg/".to_owned()),
        Just("/".to_owned()),
    ];
    let segment = prop_oneof![
        prop::sample::select(vec![
            "tokens",
            "namespaces",
            "functions",
            "applications",
            "policies",
            "api-keys",
            "rules",
            "info",
        ])
        .prop_map(String::from),
        hostile_text(),
    ];
    let method = prop_oneof![
        prop::sample::select(vec![
            "GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"
        ])
        .prop_map(String::from),
        "[A-Z]{1,10}",
    ];
    let query = prop::collection::vec((hostile_text(), hostile_text()), 0..4);
    let header = prop_oneof![
        Just(("X-Auth-Token".to_owned(), key)),
        hostile_text().prop_map(|v| ("X-Auth-Token".to_owned(), v)),
        Just(("Content-Type".to_owned(), "application/json".to_owned())),
        hostile_text().prop_map(|v| ("Content-Type".to_owned(), v)),
        ("[a-zA-Z-]{1,20}", hostile_text()),
        Just((
            "Host".to_owned(),
            "demo-hello.functions.fnc.fr-par.scw.cloud".to_owned()
        )),
        Just(("Transfer-Encoding".to_owned(), "chunked".to_owned())),
        Just(("Origin".to_owned(), "https://evil.example".to_owned())),
    ];
    let headers = prop::collection::vec(header, 0..6);
    (
        method,
        prefix,
        prop::collection::vec(segment, 0..4),
        query,
        headers,
        body(),
        any::<bool>(),
    )
        .prop_map(
            |(method, prefix, segments, query, headers, body, raw_path)| {
                let mut path = prefix + &segments.join("/");
                if !query.is_empty() {
                    let pairs: Vec<String> =
                        query.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    path = format!("{path}?{}", pairs.join("&"));
                }
                if !raw_path {
                    // Mostly valid request targets, so that requests get past hyper's parser.
                    path = path
                        .chars()
                        .map(|c| {
                            if c.is_ascii_graphic() {
                                c.to_string()
                            } else {
                                let mut buf = [0; 4];
                                c.encode_utf8(&mut buf)
                                    .bytes()
                                    .map(|b| format!("%{b:02X}"))
                                    .collect()
                            }
                        })
                        .collect();
                }
                let mut out = format!("{method} {path} HTTP/1.1\r\n").into_bytes();
                if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
                    out.extend_from_slice(b"Host: 127.0.0.1\r\n");
                }
                for (name, value) in &headers {
                    out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
                }
                out.extend_from_slice(
                    format!(
                        "Content-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(&body);
                out
            },
        )
}

#[test]
fn random_and_hostile_requests_never_get_a_server_error_nor_stop_the_emulator() {
    let emulator = Emulator::start(&[]);
    let address = emulator.field("api_url").replace("http://", "");
    let strategy = request(emulator.field("secret_key"), emulator.field("function_id"));
    let mut runner = TestRunner::new(Config {
        cases: 2000,
        failure_persistence: None,
        ..Config::default()
    });
    let answered = std::cell::Cell::new(0);
    runner
        .run(&strategy, |bytes| {
            let status = exchange(&address, &bytes);
            prop_assert!(
                status.is_none_or(|s| s < 500),
                "{:?} answered {status:?}",
                String::from_utf8_lossy(&bytes)
            );
            answered.set(answered.get() + usize::from(status.is_some()));
            Ok(())
        })
        .unwrap();
    let answered = answered.get();
    assert!(answered > 1800, "most requests get an answer: {answered}");
    let info = emulator.send("GET", &emulator.url("/emulator/info"), &[], None);
    assert_eq!(info.status, 200, "still serving after the storm");
    let tokens = emulator.api("GET", "/tokens?page_size=100", None);
    assert_eq!(tokens.status, 200);
}

/// A gateway call with any token string is refused with 403, never admitted nor a 5xx.
#[test]
fn any_forged_token_is_refused_by_the_gateway() {
    let emulator = Emulator::start(&[]);
    let address = emulator.field("api_url").replace("http://", "");
    let function_id = emulator.field("function_id");
    let mut runner = TestRunner::new(Config {
        cases: 500,
        failure_persistence: None,
        ..Config::default()
    });
    let forged = prop_oneof![
        "[ -~]{0,300}",
        "eyJ[A-Za-z0-9_-]{10,60}\\.[A-Za-z0-9_-]{10,200}\\.[A-Za-z0-9_-]{0,100}",
        "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}",
    ];
    runner
        .run(&forged, |token| {
            let request = format!(
                "GET /fn/{function_id}/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: {token}\r\nConnection: close\r\n\r\n"
            );
            prop_assert_eq!(exchange(&address, request.as_bytes()), Some(403), "{}", token);
            Ok(())
        })
        .unwrap();
}
