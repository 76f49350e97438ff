//! Functions and namespaces answer like the May–July 2026 recordings of the Terraform provider,
//! field for field: every setting stored and echoed, PATCH, upload URLs the emulator accepts,
//! redeploys that keep `ready_at`. In-process (`scw_emulator::app`).

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use common::in_process::{InProcess, API_URL};
use serde_json::{json, Value};

/// A namespace named `name`; returns its id.
async fn namespace(emulator: &InProcess, name: &str) -> String {
    let created = emulator
        .ok("POST", "/namespaces", Some(json!({ "name": name })))
        .await;
    created["id"].as_str().unwrap().to_owned()
}

/// `answer` with the fields that differ by run (ids, dates, the random domain) replaced by
/// what `recorded` has there.
fn with_run_fields(answer: &Value, recorded: &Value) -> Value {
    let mut answer = answer.clone();
    for field in [
        "id",
        "namespace_id",
        "created_at",
        "updated_at",
        "domain_name",
    ] {
        answer[field] = recorded[field].clone();
    }
    answer
}

#[tokio::test]
async fn create_function_answers_the_recorded_function_for_the_go_sdks_request() {
    let emulator = InProcess::new(&[]).await;
    let ns = namespace(&emulator, "tf-func-objective-panini").await;
    let request = json!({"name":"foobar","namespace_id":ns,"environment_variables":{},"min_scale":0,"max_scale":20,"runtime":"go126","memory_limit":256,"handler":"Handle","privacy":"private","secret_environment_variables":[],"http_option":"enabled","sandbox":"unknown_sandbox","tags":null});
    let answer = emulator.ok("POST", "/functions", Some(request)).await;
    let recorded = json!({"build_message":null,"cpu_limit":140,"created_at":"2026-07-03T15:02:20.650308455Z","description":"","domain_name":"tffuncobjectivepanin5v8b6jly-foobar.functions.fnc.fr-par.scw.cloud","environment_variables":{},"error_message":null,"handler":"Handle","http_option":"enabled","id":"…","max_scale":20,"memory_limit":256,"min_scale":0,"name":"foobar","namespace_id":"…","privacy":"private","private_network_id":null,"ready_at":null,"region":"fr-par","runtime":"go126","runtime_message":"","sandbox":"v2","secret_environment_variables":[],"status":"created","tags":[],"timeout":"300s","updated_at":"…"});
    assert_eq!(with_run_fields(&answer, &recorded), recorded);
    let domain = answer["domain_name"].as_str().unwrap();
    let slug = domain
        .strip_suffix("-foobar.functions.fnc.fr-par.scw.cloud")
        .unwrap();
    let suffix = slug.strip_prefix("tffuncobjectivepanin").unwrap();
    assert_eq!(
        suffix.len(),
        8,
        "20 letters and digits of the name, then 8 random: {slug}"
    );
    assert!(suffix
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
}

#[tokio::test]
async fn every_setting_is_stored_and_echoed_and_cpu_follows_memory() {
    let emulator = InProcess::new(&[]).await;
    let ns = namespace(&emulator, "settings").await;
    let network = "3f9b5c0e-1111-4222-8333-444455556666";
    let created = emulator
        .ok(
            "POST",
            "/functions",
            Some(json!({
                "name": "tuned", "namespace_id": ns, "runtime": "python313", "handler": "app.main",
                "memory_limit": 1024, "min_scale": 1, "max_scale": 5, "timeout": "60s",
                "http_option": "redirected", "sandbox": "v1", "privacy": "private",
                "description": "tuned", "tags": ["a"], "environment_variables": {"K": "V"},
                "secret_environment_variables": [{"key": "S", "value": "hidden"}],
                "private_network_id": network
            })),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let read = emulator.ok("GET", &format!("/functions/{id}"), None).await;
    for answer in [&created, &read] {
        assert_eq!(
            (
                &answer["runtime"],
                &answer["handler"],
                &answer["memory_limit"],
                &answer["cpu_limit"],
                &answer["min_scale"],
                &answer["max_scale"],
                &answer["timeout"],
                &answer["http_option"],
                &answer["sandbox"],
                &answer["private_network_id"],
            ),
            (
                &json!("python313"),
                &json!("app.main"),
                &json!(1024),
                &json!(560),
                &json!(1),
                &json!(5),
                &json!("60s"),
                &json!("redirected"),
                &json!("v1"),
                &json!(network),
            )
        );
        assert_eq!(
            answer["secret_environment_variables"],
            json!([{"key": "S", "hashed_value": "<hidden>"}])
        );
    }
    for (memory, cpu) in [(128, 70), (512, 280), (2048, 1120), (4096, 2240)] {
        let patched = emulator
            .ok(
                "PATCH",
                &format!("/functions/{id}"),
                Some(json!({ "memory_limit": memory })),
            )
            .await;
        assert_eq!(
            (
                patched["memory_limit"].clone(),
                patched["cpu_limit"].clone()
            ),
            (json!(memory), json!(cpu))
        );
    }
}

#[tokio::test]
async fn patch_changes_only_what_it_names_and_refuses_unknown_or_mistyped_fields() {
    let emulator = InProcess::new(&[]).await;
    let ns = namespace(&emulator, "patched").await;
    let created = emulator
        .ok(
            "POST",
            "/functions",
            Some(json!({ "name": "fn", "namespace_id": ns, "description": "before",
                         "secret_environment_variables": [{"key": "A", "value": "1"}, {"key": "B", "value": "2"}] })),
        )
        .await;
    let path = format!("/functions/{}", created["id"].as_str().unwrap());
    let patched = emulator
        .ok(
            "PATCH",
            &path,
            Some(json!({ "max_scale": 3, "tags": ["x"], "privacy": "private", "runtime": null,
                         "secret_environment_variables": [{"key": "A"}, {"key": "C", "value": "3"}] })),
        )
        .await;
    assert_eq!(patched["max_scale"], 3);
    assert_eq!(patched["tags"], json!(["x"]));
    assert_eq!(patched["privacy"], "private");
    assert_eq!(patched["description"], "before", "unnamed fields stay");
    assert_eq!(
        patched["runtime"], created["runtime"],
        "null leaves a field as it was"
    );
    let secrets: Vec<&Value> = (patched["secret_environment_variables"]
        .as_array()
        .unwrap()
        .iter())
    .map(|s| &s["key"])
    .collect();
    assert_eq!(secrets, ["B", "C"], "a key without value removes it");
    assert_ne!(patched["updated_at"], created["updated_at"]);

    let unknown = emulator
        .api(
            "PATCH",
            &path,
            Some(json!({ "max_scale": 4, "colour": "red" })),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.body),
        (
            400,
            json!({"details": [{"argument_name": "colour", "help_message": "unknown field colour", "reason": "constraint"}],
                     "message": "invalid argument(s)", "type": "invalid_arguments"})
        )
    );
    let mistyped = emulator
        .api("PATCH", &path, Some(json!({ "min_scale": "two" })))
        .await;
    assert_eq!(mistyped.status, 400);
    assert_eq!(mistyped.body["details"][0]["argument_name"], "min_scale");
    assert_eq!(mistyped.body["details"][0]["reason"], "format");
    assert_eq!(
        mistyped.body["details"][0]["help_message"], "min_scale must be u32",
        "what was expected, never the value sent"
    );
    let bad_values = emulator
        .api(
            "PATCH",
            &path,
            Some(json!({ "memory_limit": 300, "timeout": "forever", "min_scale": 9 })),
        )
        .await;
    let named = bad_values.refused();
    assert_eq!(named, ["memory_limit", "min_scale", "timeout"]);
    let read = emulator.ok("GET", &path, None).await;
    assert_eq!(read["max_scale"], 3, "a refused PATCH changes nothing");

    let ns_path = format!("/namespaces/{ns}");
    let ns_patched = emulator
        .ok(
            "PATCH",
            &ns_path,
            Some(json!({ "description": "new", "environment_variables": {"X": "1"} })),
        )
        .await;
    assert_eq!(
        (
            ns_patched["description"].clone(),
            ns_patched["environment_variables"].clone()
        ),
        (json!("new"), json!({"X": "1"}))
    );
    let refused = emulator
        .api("PATCH", &ns_path, Some(json!({ "name": "renamed" })))
        .await;
    assert_eq!((refused.status, refused.refused()), (400, vec!["name"]));
    let missing = emulator
        .api(
            "PATCH",
            "/functions/11111111-1111-4111-8111-111111111111",
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (missing.status, missing.body),
        (404, json!({"message": "Function was not found"}))
    );
}

#[tokio::test]
async fn a_redeploy_keeps_the_previous_ready_at_until_it_is_ready() {
    let emulator = InProcess::new(&["--token-delay-ms", "300"]).await;
    let ns = namespace(&emulator, "deployed").await;
    let created = emulator
        .ok(
            "POST",
            "/functions",
            Some(json!({ "name": "fn", "namespace_id": ns })),
        )
        .await;
    let path = format!("/functions/{}", created["id"].as_str().unwrap());
    let first = emulator
        .ok("POST", &format!("{path}/deploy"), Some(json!({})))
        .await;
    assert_eq!(
        (first["status"].clone(), first["ready_at"].clone()),
        (json!("pending"), Value::Null)
    );
    tokio::time::sleep(Duration::from_millis(350)).await;
    let ready = emulator.ok("GET", &path, None).await;
    assert_eq!(ready["status"], "ready");
    assert!(ready["ready_at"].is_string());
    let again = emulator
        .ok("POST", &format!("{path}/deploy"), Some(json!({})))
        .await;
    assert_eq!(
        (again["status"].clone(), again["ready_at"].clone()),
        (json!("pending"), ready["ready_at"].clone())
    );
    let redeployed = emulator
        .ok("PATCH", &path, Some(json!({ "redeploy": true })))
        .await;
    assert_eq!(
        (redeployed["status"].clone(), redeployed["ready_at"].clone()),
        (json!("pending"), ready["ready_at"].clone())
    );
    tokio::time::sleep(Duration::from_millis(350)).await;
    let later = emulator.ok("GET", &path, None).await;
    assert_eq!(later["status"], "ready");
    assert_ne!(later["ready_at"], ready["ready_at"]);
}

/// PUTs `size` bytes to an upload URL.
async fn upload(
    emulator: &InProcess,
    url: &str,
    size: usize,
    announced: Option<usize>,
) -> common::in_process::Reply {
    let path = url
        .strip_prefix(API_URL)
        .expect("the URL points at the emulator");
    let mut request = Request::builder()
        .method("PUT")
        .uri(path)
        .header("Content-Type", "application/octet-stream");
    if let Some(length) = announced {
        request = request.header("Content-Length", length);
    }
    emulator
        .raw(request.body(Body::from(vec![b'z'; size])).unwrap())
        .await
}

#[tokio::test]
async fn an_upload_url_takes_the_archive_of_its_size_and_nothing_else() {
    let emulator = InProcess::new(&[]).await;
    let function = emulator.field("function_id");
    let answer = emulator
        .ok(
            "GET",
            &format!("/functions/{function}/upload-url?content_length=780"),
            None,
        )
        .await;
    assert_eq!(
        answer["headers"],
        json!({"content-length": ["780"], "content-type": ["application/octet-stream"]})
    );
    let url = answer["url"].as_str().unwrap().to_owned();
    let secret = emulator.field("secret_key");
    let archives = || async {
        emulator
            .send("GET", "/emulator/uploads", Some(&secret), None)
            .await
            .body
    };

    let too_large = upload(&emulator, &url, 781, None).await;
    assert_eq!(too_large.status, 400);
    assert!(too_large
        .body
        .as_str()
        .unwrap()
        .contains("<Code>EntityTooLarge</Code>"));
    assert_eq!(too_large.headers["content-type"], "application/xml");
    let announced_too_large = upload(&emulator, &url, 781, Some(781)).await;
    assert_eq!(announced_too_large.status, 400);
    let too_short = upload(&emulator, &url, 779, None).await;
    assert!(too_short
        .body
        .as_str()
        .unwrap()
        .contains("<Code>IncompleteBody</Code>"));
    let unknown = upload(
        &emulator,
        &format!("{API_URL}/emulator/uploads/{}", uuid::Uuid::new_v4()),
        780,
        None,
    )
    .await;
    assert_eq!(unknown.status, 403);
    assert!(unknown
        .body
        .as_str()
        .unwrap()
        .contains("<Code>AccessDenied</Code>"));
    assert_eq!(archives().await, json!({ "uploads": [] }), "nothing stored");

    let accepted = upload(&emulator, &url, 780, Some(780)).await;
    assert_eq!(accepted.status, 200);
    let stored = archives().await;
    assert_eq!(
        (
            stored["uploads"][0]["function_id"].clone(),
            stored["uploads"][0]["size"].clone()
        ),
        (json!(function), json!(780))
    );
    assert_eq!(
        emulator
            .send("GET", "/emulator/uploads", None, None)
            .await
            .status,
        401
    );

    let missing = emulator
        .api("GET", &format!("/functions/{function}/upload-url"), None)
        .await;
    assert_eq!(
        (missing.status, missing.refused()),
        (400, vec!["content_length"])
    );
    let unknown_function = emulator
        .api(
            "GET",
            "/functions/11111111-1111-4111-8111-111111111111/upload-url?content_length=1",
            None,
        )
        .await;
    assert_eq!(
        (unknown_function.status, unknown_function.body),
        (404, json!({"message": "Function was not found"}))
    );
}
