//! Namespaces and functions: list, get, create, delete. In-process (`scw_emulator::app`).

mod common;

use common::in_process::InProcess;
use serde_json::json;

#[tokio::test]
async fn the_seeded_namespace_and_private_function_are_listed() {
    let emulator = InProcess::new(&[]).await;
    let namespaces = emulator.api("GET", "/namespaces", None).await;
    assert_eq!(namespaces.status, 200);
    assert_eq!(namespaces.body["total_count"], 1);
    let namespace = &namespaces.body["namespaces"][0];
    assert_eq!(namespace["id"], emulator.field("namespace_id"));
    assert_eq!(namespace["name"], "demo");
    assert_eq!(namespace["project_id"], emulator.field("project_id"));
    assert_eq!(namespace["region"], "fr-par");
    assert_eq!(namespace["status"], "ready");

    let query = format!("/functions?namespace_id={}", emulator.field("namespace_id"));
    let functions = emulator.api("GET", &query, None).await;
    assert_eq!(functions.body["total_count"], 1);
    let function = &functions.body["functions"][0];
    assert_eq!(function["id"], emulator.field("function_id"));
    assert_eq!(function["privacy"], "private");
    assert_eq!(
        function["status"], "ready",
        "the seeded function is deployed"
    );
    let domain = function["domain_name"].as_str().unwrap();
    let suffix = domain
        .strip_prefix("demo")
        .and_then(|d| d.strip_suffix("-hello.functions.fnc.fr-par.scw.cloud"))
        .unwrap_or_else(|| panic!("{domain}"));
    assert!(
        suffix.len() == 8 && (suffix.bytes()).all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
        "{domain}: 8 random lower-case letters and digits after the namespace's name"
    );
    assert_eq!(
        namespace["registry_endpoint"],
        format!("rg.fr-par.scw.cloud/funcscwdemo{suffix}"),
        "the registry carries the same suffix"
    );
    let got = emulator
        .api(
            "GET",
            &format!("/functions/{}", emulator.field("function_id")),
            None,
        )
        .await;
    assert_eq!(got.body, *function);
    let got = emulator
        .api(
            "GET",
            &format!("/namespaces/{}", emulator.field("namespace_id")),
            None,
        )
        .await;
    assert_eq!(got.body, *namespace);
}

#[tokio::test]
async fn a_namespace_and_function_are_created_and_deleted() {
    let emulator = InProcess::new(&[]).await;
    let namespace = emulator
        .api(
            "POST",
            "/namespaces",
            Some(json!({ "name": "shop", "description": "d" })),
        )
        .await;
    assert_eq!(namespace.status, 200, "{:?}", namespace.body);
    assert_eq!(namespace.body["status"], "pending");
    let ns = namespace.body["id"].as_str().unwrap().to_owned();
    let function = emulator
        .api(
            "POST",
            "/functions",
            Some(json!({ "namespace_id": ns, "name": "cart", "privacy": "private" })),
        )
        .await;
    assert_eq!(function.body["status"], "created");
    let domain = function.body["domain_name"].as_str().unwrap();
    assert!(
        domain.starts_with("shop") && domain.ends_with("-cart.functions.fnc.fr-par.scw.cloud"),
        "{domain}"
    );
    let fid = function.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        emulator
            .api("GET", &format!("/functions/{fid}"), None)
            .await
            .body["status"],
        "created",
        "not deployed yet"
    );
    emulator
        .ok("POST", "/tokens", Some(json!({ "function_id": fid })))
        .await;
    emulator
        .ok("POST", "/tokens", Some(json!({ "namespace_id": ns })))
        .await;

    let deleted = emulator
        .api("DELETE", &format!("/functions/{fid}"), None)
        .await;
    assert_eq!(
        (deleted.status, &deleted.body["status"]),
        (200, &json!("deleting"))
    );
    let gone = emulator
        .api("GET", &format!("/functions/{fid}"), None)
        .await;
    assert_eq!(
        (gone.status, gone.body),
        (404, json!({ "message": "Function was not found" }))
    );
    assert_eq!(
        emulator
            .api("GET", &format!("/tokens?namespace_id={ns}"), None)
            .await
            .body["total_count"],
        1
    );

    let deleted = emulator
        .api("DELETE", &format!("/namespaces/{ns}"), None)
        .await;
    assert_eq!(
        (deleted.status, &deleted.body["status"]),
        (200, &json!("deleting"))
    );
    let gone = emulator
        .api("GET", &format!("/namespaces/{ns}"), None)
        .await;
    assert_eq!(
        (gone.status, gone.body),
        (404, json!({ "message": "Namespace was not found" }))
    );
    assert_eq!(
        emulator.api("GET", "/tokens", None).await.body["total_count"],
        0,
        "its tokens went with it"
    );
}

#[tokio::test]
async fn bad_namespace_and_function_requests_are_refused() {
    let emulator = InProcess::new(&[]).await;
    let reasons = |answer: common::in_process::Reply| {
        assert_eq!(answer.status, 400, "{:?}", answer.body);
        (answer.body["details"].as_array().unwrap().iter())
            .map(|d| {
                format!(
                    "{}:{}",
                    d["argument_name"].as_str().unwrap(),
                    d["reason"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        reasons(emulator.api("POST", "/namespaces", Some(json!({}))).await),
        ["name:required"]
    );
    assert_eq!(
        reasons(
            emulator
                .api("POST", "/namespaces", Some(json!({ "name": "Bad Name" })))
                .await
        ),
        ["name:constraint"]
    );
    assert_eq!(
        reasons(
            emulator
                .api(
                    "POST",
                    "/namespaces",
                    Some(json!({ "name": "ok", "project_id": "p" }))
                )
                .await
        ),
        ["project_id:format"]
    );
    let ns = emulator.field("namespace_id");
    assert_eq!(
        reasons(
            emulator
                .api(
                    "POST",
                    "/functions",
                    Some(json!({ "namespace_id": ns, "name": "f", "privacy": "secret" }))
                )
                .await
        ),
        ["privacy:constraint"]
    );
    assert_eq!(
        reasons(
            emulator
                .api("POST", "/functions", Some(json!({ "name": "f" })))
                .await
        ),
        ["namespace_id:required"]
    );
    assert_eq!(
        reasons(emulator.api("GET", "/functions?namespace_id=x", None).await),
        ["namespace_id:format"]
    );
    assert_eq!(
        reasons(emulator.api("GET", "/namespaces/x", None).await),
        ["namespace_id:format"]
    );
    assert_eq!(
        reasons(emulator.api("DELETE", "/functions/x", None).await),
        ["function_id:format"]
    );
    let unknown = uuid::Uuid::new_v4();
    let missing = emulator
        .api(
            "POST",
            "/functions",
            Some(json!({ "namespace_id": unknown, "name": "f" })),
        )
        .await;
    assert_eq!(
        (missing.status, missing.body),
        (404, json!({ "message": "Namespace was not found" }))
    );
    assert_eq!(
        emulator
            .api("DELETE", &format!("/namespaces/{unknown}"), None)
            .await
            .status,
        404
    );
}
