//! Namespaces and functions answer like the July 2026 recording: every field with its JSON type,
//! every list filter and order, what they were created with, and the deploy lifecycle. In-process.

mod common;

use common::in_process::InProcess;
use serde_json::{json, Value};

async fn created(emulator: &InProcess, path: &str, body: Value) -> Value {
    let answer = emulator.api("POST", path, Some(body)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.body
}

fn names(answer: &common::in_process::Reply, field: &str) -> Vec<String> {
    (answer.body[field].as_array().unwrap().iter())
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The JSON type of each field, `null` included, as in the recording.
fn shape(object: &Value) -> Vec<(String, &'static str)> {
    let mut fields: Vec<(String, &'static str)> = (object.as_object().unwrap().iter())
        .map(|(name, value)| {
            let kind = match value {
                Value::Null => "null",
                Value::Bool(_) => "bool",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
            };
            (name.clone(), kind)
        })
        .collect();
    fields.sort();
    fields
}

fn fields(list: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
    let mut fields: Vec<(String, &'static str)> =
        list.iter().map(|(n, k)| (n.to_string(), *k)).collect();
    fields.sort();
    fields
}

#[tokio::test]
async fn namespaces_and_functions_carry_every_recorded_field_with_its_type() {
    let emulator = InProcess::new(&["--token-delay-ms", "1500"]).await;
    let namespace = created(
        &emulator,
        "/namespaces",
        json!({ "name": "testfunctiontokens" }),
    )
    .await;
    let recorded_namespace = fields(&[
        ("created_at", "string"),
        ("description", "string"),
        ("environment_variables", "object"),
        ("error_message", "null"),
        ("id", "string"),
        ("name", "string"),
        ("organization_id", "string"),
        ("project_id", "string"),
        ("region", "string"),
        ("registry_endpoint", "string"),
        ("registry_namespace_id", "string"),
        ("secret_environment_variables", "array"),
        ("status", "string"),
        ("tags", "array"),
        ("updated_at", "string"),
        ("vpc_integration_activated", "bool"),
    ]);
    assert_eq!(shape(&namespace), recorded_namespace);
    assert_eq!(
        (
            &namespace["status"],
            &namespace["registry_endpoint"],
            &namespace["registry_namespace_id"]
        ),
        (&json!("pending"), &json!(""), &json!("")),
        "no registry while pending"
    );
    let ns = namespace["id"].as_str().unwrap();
    let function = created(
        &emulator,
        "/functions",
        json!({ "namespace_id": ns, "name": "tf-func-great-saha", "runtime": "node26" }),
    )
    .await;
    let recorded_function = fields(&[
        ("build_message", "null"),
        ("cpu_limit", "number"),
        ("created_at", "string"),
        ("description", "string"),
        ("domain_name", "string"),
        ("environment_variables", "object"),
        ("error_message", "null"),
        ("handler", "string"),
        ("http_option", "string"),
        ("id", "string"),
        ("max_scale", "number"),
        ("memory_limit", "number"),
        ("min_scale", "number"),
        ("name", "string"),
        ("namespace_id", "string"),
        ("privacy", "string"),
        ("private_network_id", "null"),
        ("ready_at", "null"),
        ("region", "string"),
        ("runtime", "string"),
        ("runtime_message", "string"),
        ("sandbox", "string"),
        ("secret_environment_variables", "array"),
        ("status", "string"),
        ("tags", "array"),
        ("timeout", "string"),
        ("updated_at", "string"),
    ]);
    assert_eq!(shape(&function), recorded_function);
    let domain = function["domain_name"].as_str().unwrap();
    let suffix = (domain.strip_prefix("testfunctiontokens"))
        .and_then(|d| d.strip_suffix("-tf-func-great-saha.functions.fnc.fr-par.scw.cloud"))
        .unwrap_or_else(|| panic!("{domain}"));
    assert_eq!(suffix.len(), 8, "{domain}");

    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    let ready = emulator
        .api("GET", &format!("/namespaces/{ns}"), None)
        .await
        .body;
    assert_eq!(ready["status"], "ready");
    assert_eq!(
        ready["registry_endpoint"],
        format!("rg.fr-par.scw.cloud/funcscwtestfunctiontokens{suffix}")
    );
    assert!(uuid::Uuid::try_parse(ready["registry_namespace_id"].as_str().unwrap()).is_ok());
    assert_eq!(shape(&ready), recorded_namespace);
}

/// The fractional seconds of an RFC 3339 date (`""` when it has none).
fn fraction(date: &Value) -> &str {
    let date = date.as_str().unwrap();
    let seconds = date.strip_suffix('Z').unwrap();
    seconds.split_once('.').map_or("", |(_, fraction)| fraction)
}

#[tokio::test]
async fn creation_answers_dates_in_nanoseconds_and_reads_in_microseconds() {
    let emulator = InProcess::new(&[]).await;
    let namespace = created(&emulator, "/namespaces", json!({ "name": "precise" })).await;
    let ns = namespace["id"].as_str().unwrap();
    let function = created(
        &emulator,
        "/functions",
        json!({ "namespace_id": ns, "name": "timed" }),
    )
    .await;
    let fid = function["id"].as_str().unwrap();
    for (made, path) in [
        (&namespace, format!("/namespaces/{ns}")),
        (&function, format!("/functions/{fid}")),
    ] {
        let read = emulator.ok("GET", &path, None).await;
        for field in ["created_at", "updated_at"] {
            let (made, read) = (fraction(&made[field]), fraction(&read[field]));
            assert!(
                made.len() <= 9 && read.len() <= 6,
                "{path} {field}: {made} then {read}"
            );
            let micros = &made[..made.len().min(6)];
            assert_eq!(read, micros.trim_end_matches('0'), "{path} {field}");
        }
    }
    emulator
        .ok("POST", &format!("/functions/{fid}/deploy"), Some(json!({})))
        .await;
    let ready = emulator.ok("GET", &format!("/functions/{fid}"), None).await;
    assert!(
        fraction(&ready["ready_at"]).len() <= 6,
        "{}",
        ready["ready_at"]
    );
}

#[tokio::test]
async fn a_function_stays_created_until_deployed_then_is_pending_then_ready() {
    let emulator = InProcess::new(&["--token-delay-ms", "1000"]).await;
    let ns = emulator.field("namespace_id");
    let function = created(
        &emulator,
        "/functions",
        json!({ "namespace_id": ns, "name": "later" }),
    )
    .await;
    let id = function["id"].as_str().unwrap();
    let path = format!("/functions/{id}");
    let status = || async { emulator.api("GET", &path, None).await.body };
    assert_eq!(function["status"], "created");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        status().await["status"],
        "created",
        "no deploy, no progress"
    );
    let deployed = emulator
        .api("POST", &format!("/functions/{id}/deploy"), Some(json!({})))
        .await;
    assert_eq!(
        (deployed.status, &deployed.body["status"]),
        (200, &json!("pending"))
    );
    assert_eq!(status().await["status"], "pending");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let ready = status().await;
    assert_eq!(ready["status"], "ready");
    assert!(ready["ready_at"].is_string());
    let unknown = emulator
        .api(
            "POST",
            &format!("/functions/{}/deploy", uuid::Uuid::new_v4()),
            None,
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.body),
        (404, json!({ "message": "Function was not found" }))
    );
}

#[tokio::test]
async fn objects_echo_tags_variables_secret_names_and_description() {
    let emulator = InProcess::new(&[]).await;
    let settings = json!({
        "description": "the shop",
        "tags": ["team:web", "env:test"],
        "environment_variables": { "MODE": "test", "LEVEL": "3" },
        "secret_environment_variables": [{ "key": "API_TOKEN", "value": "s3cr3t" }],
    });
    let mut body = settings.clone();
    body["name"] = json!("shop");
    let namespace = created(&emulator, "/namespaces", body).await;
    let mut body = settings.clone();
    body["name"] = json!("cart");
    body["namespace_id"] = namespace["id"].clone();
    let function = created(&emulator, "/functions", body).await;
    for (object, path) in [
        (
            namespace.clone(),
            format!("/namespaces/{}", namespace["id"].as_str().unwrap()),
        ),
        (
            function.clone(),
            format!("/functions/{}", function["id"].as_str().unwrap()),
        ),
    ] {
        let read = emulator.api("GET", &path, None).await.body;
        for answer in [object, read] {
            assert_eq!(answer["description"], "the shop");
            assert_eq!(answer["tags"], json!(["team:web", "env:test"]));
            assert_eq!(
                answer["environment_variables"],
                json!({ "MODE": "test", "LEVEL": "3" })
            );
            let secrets = answer["secret_environment_variables"].as_array().unwrap();
            assert_eq!(secrets.len(), 1);
            assert_eq!(secrets[0]["key"], "API_TOKEN");
            assert!(
                !answer.to_string().contains("s3cr3t"),
                "a secret value is never shown"
            );
        }
    }
}

#[tokio::test]
async fn lists_apply_every_filter_and_order() {
    let emulator = InProcess::new(&[]).await;
    let project = emulator.field("project_id");
    let other_project = uuid::Uuid::new_v4().to_string();
    for (name, project) in [
        ("beta", &project),
        ("alpha", &other_project),
        ("gamma-beta", &project),
    ] {
        created(
            &emulator,
            "/namespaces",
            json!({ "name": name, "project_id": project }),
        )
        .await;
    }
    let list = |query: &str| {
        let path = format!("/namespaces?{query}");
        let emulator = &emulator;
        async move { emulator.api("GET", &path, None).await }
    };
    assert_eq!(
        names(&list("order_by=name_asc").await, "namespaces"),
        ["alpha", "beta", "demo", "gamma-beta"]
    );
    assert_eq!(
        names(&list("order_by=name_desc").await, "namespaces"),
        ["gamma-beta", "demo", "beta", "alpha"]
    );
    assert_eq!(
        names(&list("order_by=created_at_desc").await, "namespaces"),
        ["gamma-beta", "alpha", "beta", "demo"]
    );
    assert_eq!(
        names(&list("name=beta").await, "namespaces"),
        ["beta", "gamma-beta"]
    );
    assert_eq!(
        names(
            &list(&format!("project_id={other_project}")).await,
            "namespaces"
        ),
        ["alpha"]
    );
    let organization = list("").await.body["namespaces"][0]["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        list(&format!("organization_id={organization}")).await.body["total_count"],
        4
    );
    assert_eq!(
        list(&format!("organization_id={}", uuid::Uuid::new_v4()))
            .await
            .body["total_count"],
        0
    );
    assert_eq!(
        list("name=beta&page_size=1&page=2&order_by=name_desc")
            .await
            .body["namespaces"][0]["name"],
        "beta"
    );

    let alpha = list("name=alpha").await.body["namespaces"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let demo = emulator.field("namespace_id");
    for (namespace, name) in [(&demo, "zeta"), (&alpha, "eta"), (&demo, "theta")] {
        created(
            &emulator,
            "/functions",
            json!({ "namespace_id": namespace, "name": name }),
        )
        .await;
    }
    let list = |query: &str| {
        let path = format!("/functions?{query}");
        let emulator = &emulator;
        async move { emulator.api("GET", &path, None).await }
    };
    assert_eq!(
        names(&list("order_by=name_asc").await, "functions"),
        ["eta", "hello", "theta", "zeta"]
    );
    assert_eq!(
        names(&list("order_by=name_desc&name=eta").await, "functions"),
        ["zeta", "theta", "eta"]
    );
    assert_eq!(
        names(
            &list(&format!("namespace_id={demo}&order_by=created_at_desc")).await,
            "functions"
        ),
        ["theta", "zeta", "hello"]
    );
    assert_eq!(
        names(
            &list(&format!("project_id={other_project}")).await,
            "functions"
        ),
        ["eta"]
    );
    assert_eq!(
        list(&format!("organization_id={organization}")).await.body["total_count"],
        4
    );

    let refused = emulator.api("GET", "/tokens?order_by=name_asc", None).await;
    assert_eq!(refused.status, 400, "tokens have no name to sort by");
}
