//! `--faults`: queued faults hit the next matching requests, then the emulator answers normally.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Emulator;
use serde_json::{json, Value};

const TOKENS: &str = "/functions/v1beta1/regions/fr-par/tokens";

fn queue(emulator: &Emulator, faults: Value) {
    let url = emulator.url("/emulator/faults");
    let body = faults.to_string();
    let headers = [("Content-Type", "application/json")];
    let answer = emulator.send("POST", &url, &headers, Some(&body));
    assert_eq!(answer.status, 204, "{:?}", answer.body);
}

fn token_count(emulator: &Emulator) -> u64 {
    emulator.api("GET", "/tokens", None).body["total_count"]
        .as_u64()
        .unwrap()
}

/// Sends a raw GET of `path` with the secret key and returns every byte the server sent back.
fn raw_get(emulator: &Emulator, path: &str) -> Vec<u8> {
    let address = emulator.field("api_url").replace("http://", "");
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let key = emulator.field("secret_key");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {key}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    answer
}

#[test]
fn without_the_flag_there_is_no_fault_endpoint() {
    let emulator = Emulator::start(&[]);
    let url = emulator.url("/emulator/faults");
    let answer = emulator.send("POST", &url, &[], Some(r#"[{"kind":"reset"}]"#));
    assert!(answer.status >= 400 && answer.status < 500, "{answer:?}");
    assert_eq!(emulator.api("GET", "/tokens", None).status, 200);
}

#[test]
fn each_queued_status_fault_hits_one_request_in_order() {
    let emulator = Emulator::start(&["--faults"]);
    queue(
        &emulator,
        json!([
            { "kind": "status", "status": 429, "retry_after": "3" },
            { "kind": "status", "status": 500 },
            { "kind": "status", "status": 502 },
            { "kind": "status", "status": 503 },
            { "kind": "status", "status": 504 },
        ]),
    );
    let first = emulator.api("GET", "/tokens", None);
    assert_eq!(first.status, 429);
    assert_eq!(first.headers["retry-after"], "3");
    assert_eq!(first.body["type"], "too_many_requests");
    for status in [500, 502, 503, 504] {
        assert_eq!(emulator.api("GET", "/tokens", None).status, status);
    }
    assert_eq!(emulator.api("GET", "/tokens", None).status, 200);
    let state = emulator.send("GET", &emulator.url("/emulator/faults"), &[], None);
    assert_eq!(state.body, json!({ "applied": 5, "pending": [] }));
}

#[test]
fn a_reset_closes_the_connection_without_any_answer() {
    let emulator = Emulator::start(&["--faults"]);
    queue(&emulator, json!({ "kind": "reset" }));
    assert_eq!(raw_get(&emulator, TOKENS), b"");
    assert!(raw_get(&emulator, TOKENS).starts_with(b"HTTP/1.1 200"));
}

#[test]
fn a_fault_after_the_handler_lets_the_create_land() {
    let emulator = Emulator::start(&["--faults"]);
    queue(
        &emulator,
        json!([
            { "kind": "status", "status": 503, "method": "POST", "path": "/tokens" },
            { "kind": "status", "status": 502, "method": "POST", "after": true },
        ]),
    );
    let body = json!({ "function_id": emulator.field("function_id") });
    assert_eq!(emulator.api("GET", "/tokens", None).status, 200);
    assert_eq!(
        emulator.api("POST", "/tokens", Some(body.clone())).status,
        503
    );
    assert_eq!(token_count(&emulator), 0);
    assert_eq!(emulator.api("POST", "/tokens", Some(body)).status, 502);
    assert_eq!(token_count(&emulator), 1);
}

#[test]
fn unreadable_answers_look_like_a_broken_proxy_or_a_cut_connection() {
    let emulator = Emulator::start(&["--faults"]);
    queue(
        &emulator,
        json!([
            { "kind": "truncated" },
            { "kind": "invalid_json" },
            { "kind": "html", "status": 502 },
        ]),
    );
    let cut = emulator.api("GET", "/tokens", None);
    assert_eq!(cut.status, 200);
    let text = cut.body.as_str().expect("not JSON");
    assert!(text.starts_with("{\"tokens\""), "{text}");
    let invalid = emulator.api("GET", "/tokens", None);
    assert_eq!(invalid.status, 200);
    assert_eq!(invalid.headers["content-type"], "application/json");
    assert!(invalid.body.is_string());
    let html = emulator.api("GET", "/tokens", None);
    assert_eq!(html.status, 502);
    assert!(html.body.as_str().unwrap().starts_with("<html>"));
}

#[test]
fn a_slow_fault_delays_the_real_answer_and_repeats_as_asked() {
    let emulator = Emulator::start(&["--faults"]);
    queue(
        &emulator,
        json!({ "kind": "slow", "delay_ms": 300, "times": 2, "path": TOKENS }),
    );
    for _ in 0..2 {
        let started = Instant::now();
        assert_eq!(emulator.api("GET", "/tokens", None).status, 200);
        assert!(started.elapsed() >= Duration::from_millis(300));
    }
    let started = Instant::now();
    assert_eq!(emulator.api("GET", "/tokens", None).status, 200);
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[test]
fn a_fault_without_its_status_is_refused() {
    let emulator = Emulator::start(&["--faults"]);
    let url = emulator.url("/emulator/faults");
    let headers = [("Content-Type", "application/json")];
    for bad in [
        r#"{"kind":"status"}"#,
        r#"{"kind":"html","status":42}"#,
        r#"{"kind":"fire"}"#,
    ] {
        let answer = emulator.send("POST", &url, &headers, Some(bad));
        assert!(answer.status >= 400 && answer.status < 500, "{bad}");
    }
}
