//! With `--state`, acknowledged changes survive restarts and kill -9; parallel changes are not lost.

mod common;

use std::process::Command;

use common::{Emulator, TempDir};

#[test]
fn tokens_keys_and_the_secret_key_survive_a_restart() {
    let dir = TempDir::new("restart");
    let state = dir.file("state.json");
    let first = Emulator::start(&["--state", &state]);
    let token = first.function_token();
    let doomed = first.function_token()["id"].as_str().unwrap().to_owned();
    first.api("DELETE", &format!("/tokens/{doomed}"), None);
    let info = first.info.clone();
    assert!(first.terminate());

    let second = Emulator::start(&["--state", &state]);
    for field in ["secret_key", "project_id", "namespace_id", "function_id"] {
        assert_eq!(second.info[field], info[field], "{field}");
    }
    let listed = second.api("GET", "/tokens", None);
    assert_eq!(listed.body["total_count"], 1);
    assert_eq!(listed.body["tokens"][0]["id"], token["id"]);
    // The namespace key survived: the old JWT still opens the function.
    assert_eq!(
        second.call_seeded(Some(token["token"].as_str().unwrap())),
        200
    );
}

#[test]
fn kill_9_loses_no_acknowledged_change() {
    let dir = TempDir::new("kill9");
    let state = dir.file("state.json");
    let first = Emulator::start(&["--state", &state]);
    let ids: Vec<String> = (0..20)
        .map(|_| first.function_token()["id"].as_str().unwrap().to_owned())
        .collect();
    first.api("DELETE", &format!("/tokens/{}", ids[0]), None);
    let pid = first.child.id().to_string();
    Command::new("kill").args(["-KILL", &pid]).status().unwrap();
    drop(first);

    let second = Emulator::start(&["--state", &state]);
    let listed = second.api("GET", "/tokens?page_size=100", None);
    assert_eq!(listed.body["total_count"], 19);
    let listed: Vec<&str> = (listed.body["tokens"].as_array().unwrap().iter())
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = ids[1..].iter().map(String::as_str).collect();
    assert_eq!(listed, expected);
}

#[test]
fn a_torn_last_journal_line_is_ignored() {
    let dir = TempDir::new("torn");
    let state = dir.file("state.json");
    let first = Emulator::start(&["--state", &state]);
    first.function_token();
    let pid = first.child.id().to_string();
    Command::new("kill").args(["-KILL", &pid]).status().unwrap();
    drop(first);
    let journal = format!("{state}.journal");
    let mut text = std::fs::read_to_string(&journal).unwrap();
    text.push_str("{\"op\":\"token\",\"id\":");
    std::fs::write(&journal, text).unwrap();

    let second = Emulator::start(&["--state", &state]);
    assert_eq!(second.api("GET", "/tokens", None).body["total_count"], 1);
}

#[test]
fn parallel_creates_and_deletes_lose_no_token() {
    let dir = TempDir::new("parallel");
    let state = dir.file("state.json");
    let emulator = Emulator::start(&["--state", &state]);
    let kept: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    let mut kept = Vec::new();
                    for i in 0..10 {
                        let id = emulator.function_token()["id"].as_str().unwrap().to_owned();
                        if i % 2 == 0 {
                            let deleted = emulator.api("DELETE", &format!("/tokens/{id}"), None);
                            assert_eq!(deleted.status, 200);
                        } else {
                            kept.push(id);
                        }
                    }
                    kept
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert_eq!(kept.len(), 40);
    let mut listed = Vec::new();
    for page in 1..=3 {
        let answer = emulator.api("GET", &format!("/tokens?page={page}&page_size=15"), None);
        assert_eq!(answer.body["total_count"], 40);
        listed.extend(
            (answer.body["tokens"].as_array().unwrap().iter())
                .map(|t| t["id"].as_str().unwrap().to_owned()),
        );
    }
    listed.sort();
    let mut kept = kept;
    kept.sort();
    assert_eq!(listed, kept);
    assert!(emulator.terminate());
    let again = Emulator::start(&["--state", &state]);
    assert_eq!(again.api("GET", "/tokens", None).body["total_count"], 40);
}

#[test]
fn a_given_secret_key_replaces_the_stored_one() {
    let key = uuid::Uuid::new_v4().to_string();
    let emulator = Emulator::start(&["--secret-key", &key]);
    assert_eq!(emulator.field("secret_key"), key);
    assert_eq!(emulator.api("GET", "/tokens", None).status, 200);
}

#[test]
fn function_settings_and_policies_without_principal_survive_a_restart() {
    let dir = TempDir::new("settings");
    let state = dir.file("state.json");
    let first = Emulator::start(&["--state", &state]);
    let body = serde_json::json!({ "name": "tuned", "namespace_id": first.field("namespace_id"),
                                   "memory_limit": 512, "timeout": "30s", "sandbox": "v1", "handler": "main.run" });
    let function = first.api("POST", "/functions", Some(body)).body;
    let path = format!("/functions/{}", function["id"].as_str().unwrap());
    first.api("PATCH", &path, Some(serde_json::json!({ "max_scale": 2 })));
    let policy = first.iam_as(
        &first.field("secret_key"),
        "POST",
        "/policies",
        Some(serde_json::json!({ "name": "spare", "organization_id": first.organization_id(), "no_principal": true })),
    );
    let policy_path = format!("/policies/{}", policy.body["id"].as_str().unwrap());
    let before = first.api("GET", &path, None).body;
    assert!(first.terminate());

    let second = Emulator::start(&["--state", &state]);
    assert_eq!(second.api("GET", &path, None).body, before);
    let read = second.iam_as(&second.field("secret_key"), "GET", &policy_path, None);
    assert_eq!(read.body["no_principal"], true);
}
