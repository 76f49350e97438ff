//! The IAM API answers like the May–July 2026 recordings and takes every filter and order the
//! official SDKs send: policies without principal, UpdatePolicy, SetRules, the creation
//! counters, 204s with the JSON content type, 404s naming the resource. In-process.

mod common;

use common::in_process::InProcess;
use serde_json::{json, Value};

async fn organization(emulator: &InProcess) -> Value {
    let namespace = emulator.field("namespace_id");
    emulator
        .ok("GET", &format!("/namespaces/{namespace}"), None)
        .await["organization_id"]
        .clone()
}

async fn application(emulator: &InProcess, name: &str) -> String {
    let organization = organization(emulator).await;
    let body = json!({ "name": name, "organization_id": organization, "tags": ["team"] });
    let created = emulator
        .ok("POST", "/iam/v1alpha1/applications", Some(body))
        .await;
    created["id"].as_str().unwrap().to_owned()
}

fn names(list: &Value, field: &str, key: &str) -> Vec<String> {
    (list[field].as_array().unwrap().iter())
        .map(|item| item[key].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_policy_is_created_with_zero_counters_read_with_real_ones_updated_and_its_rules_set() {
    let emulator = InProcess::new(&[]).await;
    let organization = organization(&emulator).await;
    let app = application(&emulator, "terraform").await;
    let created = emulator
        .ok(
            "POST",
            "/iam/v1alpha1/policies",
            Some(json!({ "name": "tf-policy", "organization_id": organization, "application_id": app,
                         "tags": ["tf"], "rules": [{ "permission_set_names": ["IAMManager"], "organization_id": organization }] })),
        )
        .await;
    assert_eq!(
        (
            &created["nb_rules"],
            &created["nb_scopes"],
            &created["nb_permission_sets"]
        ),
        (&json!(0), &json!(0), &json!(0)),
        "IAM counts the rules later"
    );
    assert_eq!(
        (
            created["application_id"].clone(),
            created.get("no_principal")
        ),
        (json!(app), None)
    );
    let id = created["id"].as_str().unwrap();
    let path = format!("/iam/v1alpha1/policies/{id}");
    let read = emulator.ok("GET", &path, None).await;
    assert_eq!(
        (
            &read["nb_rules"],
            &read["nb_scopes"],
            &read["nb_permission_sets"],
            &read["tags"]
        ),
        (&json!(1), &json!(1), &json!(1), &json!(["tf"]))
    );
    let rules = emulator
        .ok("GET", &format!("/iam/v1alpha1/rules?policy_id={id}"), None)
        .await;
    let rule_id = rules["rules"][0]["id"].clone();
    assert_eq!(
        rules,
        json!({"rules": [{"id": rule_id, "permission_set_names": ["IAMManager"], "permission_sets_scope_type": "organization",
                          "condition": "", "organization_id": organization}], "total_count": 1})
    );

    let updated = emulator
        .ok(
            "PATCH",
            &path,
            Some(json!({ "name": "renamed", "description": "now", "no_principal": true })),
        )
        .await;
    assert_eq!(
        (
            &updated["name"],
            &updated["description"],
            &updated["no_principal"]
        ),
        (&json!("renamed"), &json!("now"), &json!(true))
    );
    assert_eq!(updated.get("application_id"), None);
    assert_ne!(updated["updated_at"], created["updated_at"]);
    let unknown = emulator
        .api("PATCH", &path, Some(json!({ "rules": [] })))
        .await;
    assert_eq!((unknown.status, unknown.refused()), (400, vec!["rules"]));
    let mistyped = emulator
        .api("PATCH", &path, Some(json!({ "tags": "one" })))
        .await;
    assert_eq!((mistyped.status, mistyped.refused()), (400, vec!["tags"]));

    let project = emulator.field("project_id");
    let set = emulator
        .ok(
            "PUT",
            "/iam/v1alpha1/rules",
            Some(json!({ "policy_id": id, "rules": [
                { "permission_set_names": ["IAMManager"], "organization_id": organization },
                { "permission_set_names": ["FunctionsPrivateAccess"], "project_ids": [project], "condition": "" }
            ] })),
        )
        .await;
    let set_rules = set["rules"].as_array().unwrap();
    assert_eq!(set_rules.len(), 2);
    assert_eq!(
        set_rules[0]["id"], rule_id,
        "an unchanged rule keeps its id"
    );
    assert_eq!(
        (
            &set_rules[1]["permission_sets_scope_type"],
            &set_rules[1]["project_ids"]
        ),
        (&json!("projects"), &json!([project]))
    );
    let listed = emulator
        .ok("GET", &format!("/iam/v1alpha1/rules?policy_id={id}"), None)
        .await;
    assert_eq!(listed["total_count"], 2);
    let missing = emulator
        .api(
            "PUT",
            "/iam/v1alpha1/rules",
            Some(json!({ "policy_id": "11111111-1111-4111-8111-111111111111", "rules": [] })),
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["resource"], "policy");
}

#[tokio::test]
async fn list_policies_takes_every_order_and_filter_the_sdks_send() {
    let emulator = InProcess::new(&[]).await;
    let organization = organization(&emulator).await;
    let (first, second) = (
        application(&emulator, "first").await,
        application(&emulator, "second").await,
    );
    let rules =
        json!([{ "permission_set_names": ["FunctionsReadOnly"], "organization_id": organization }]);
    let mut ids = Vec::new();
    for (name, principal) in [
        ("beta", json!({ "application_id": first })),
        ("alpha", json!({ "application_id": second })),
        ("gamma", json!({ "no_principal": true })),
    ] {
        let mut body = json!({ "name": name, "organization_id": organization, "rules": rules, "tags": [format!("tag-{name}")] });
        body.as_object_mut()
            .unwrap()
            .extend(principal.as_object().unwrap().clone());
        let created = emulator
            .ok("POST", "/iam/v1alpha1/policies", Some(body))
            .await;
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let list = |query: String| {
        let emulator = &emulator;
        async move {
            names(
                &emulator
                    .ok("GET", &format!("/iam/v1alpha1/policies?{query}"), None)
                    .await,
                "policies",
                "name",
            )
        }
    };
    assert_eq!(
        list(String::new()).await,
        ["alpha", "beta", "gamma"],
        "policy_name_asc by default, as the Go SDK sends"
    );
    assert_eq!(
        list("order_by=policy_name_asc".into()).await,
        ["alpha", "beta", "gamma"]
    );
    assert_eq!(
        list("order_by=policy_name_desc".into()).await,
        ["gamma", "beta", "alpha"]
    );
    assert_eq!(
        list("order_by=created_at_asc".into()).await,
        ["beta", "alpha", "gamma"]
    );
    assert_eq!(
        list("order_by=created_at_desc".into()).await,
        ["gamma", "alpha", "beta"]
    );
    let org = organization.as_str().unwrap();
    assert_eq!(
        list(format!("organization_id={org}&policy_name=alp")).await,
        ["alpha"]
    );
    assert_eq!(
        list(format!("application_ids={first}&application_ids={second}")).await,
        ["alpha", "beta"]
    );
    assert_eq!(list("no_principal=true".into()).await, ["gamma"]);
    assert_eq!(list("no_principal=false".into()).await, ["alpha", "beta"]);
    assert_eq!(list("tag=tag-beta".into()).await, ["beta"]);
    assert_eq!(
        list(format!("policy_ids={}&policy_ids={}", ids[0], ids[2])).await,
        ["beta", "gamma"]
    );
    assert_eq!(list("editable=true".into()).await.len(), 3);
    assert!(list("editable=false".into()).await.is_empty());
    assert!(list(format!("user_ids={}", uuid::Uuid::new_v4()))
        .await
        .is_empty());
    assert!(list(format!("group_ids={}", uuid::Uuid::new_v4()))
        .await
        .is_empty());
    assert!(list(format!("organization_id={}", uuid::Uuid::new_v4()))
        .await
        .is_empty());
    let paged = emulator
        .ok("GET", "/iam/v1alpha1/policies?page=2&page_size=2", None)
        .await;
    assert_eq!(
        (
            names(&paged, "policies", "name"),
            paged["total_count"].clone()
        ),
        (vec!["gamma".to_owned()], json!(3))
    );
    let bad = emulator
        .api(
            "GET",
            "/iam/v1alpha1/policies?order_by=name_asc&no_principal=maybe",
            None,
        )
        .await;
    let refused = bad.refused();
    assert_eq!(
        (bad.status, refused),
        (400, vec!["order_by", "no_principal"])
    );
}

#[tokio::test]
async fn list_api_keys_takes_every_filter_and_order_the_sdks_send() {
    let emulator = InProcess::new(&[]).await;
    let (first, second) = (
        application(&emulator, "first").await,
        application(&emulator, "second").await,
    );
    let mut keys = Vec::new();
    for (application, description, expires) in [
        (&first, "deploy key", Some("2035-07-06T11:00:00+02:00")),
        (&second, "ci key", None),
        (&first, "backup", Some("2030-01-01T00:00:00Z")),
    ] {
        let body = json!({ "application_id": application, "description": description, "expires_at": expires });
        let created = emulator
            .ok("POST", "/iam/v1alpha1/api-keys", Some(body))
            .await;
        keys.push(created["access_key"].as_str().unwrap().to_owned());
    }
    let read = emulator
        .ok("GET", &format!("/iam/v1alpha1/api-keys/{}", keys[0]), None)
        .await;
    assert_eq!(
        read["expires_at"], "2035-07-06T09:00:00Z",
        "stored and answered in UTC"
    );
    let list = |query: String| {
        let emulator = &emulator;
        async move {
            names(
                &emulator
                    .ok("GET", &format!("/iam/v1alpha1/api-keys?{query}"), None)
                    .await,
                "api_keys",
                "access_key",
            )
        }
    };
    let [deploy, ci, backup] = [&keys[0], &keys[1], &keys[2]].map(String::clone);
    assert_eq!(
        list(String::new()).await,
        [deploy.as_str(), ci.as_str(), backup.as_str()]
    );
    assert_eq!(
        list("order_by=created_at_desc".into()).await,
        [backup.as_str(), ci.as_str(), deploy.as_str()]
    );
    assert_eq!(
        list("order_by=expires_at_asc".into()).await,
        [ci.as_str(), backup.as_str(), deploy.as_str()]
    );
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(list("order_by=access_key_asc".into()).await, sorted);
    sorted.reverse();
    assert_eq!(list("order_by=access_key_desc".into()).await, sorted);
    assert_eq!(list("order_by=updated_at_asc".into()).await.len(), 3);
    assert_eq!(
        list(format!("application_id={first}")).await,
        [deploy.as_str(), backup.as_str()]
    );
    assert_eq!(
        list(format!("bearer_id={second}&bearer_type=application")).await,
        [ci.as_str()]
    );
    assert_eq!(
        list(format!(
            "bearer_id={second}&bearer_type=unknown_bearer_type"
        ))
        .await,
        [ci.as_str()]
    );
    assert!(list(format!("bearer_id={second}&bearer_type=user"))
        .await
        .is_empty());
    assert!(list(format!("user_id={}", uuid::Uuid::new_v4()))
        .await
        .is_empty());
    assert_eq!(list(format!("access_key={ci}")).await, [ci.as_str()]);
    assert_eq!(
        list(format!("access_keys={ci}&access_keys={backup}")).await,
        [ci.as_str(), backup.as_str()]
    );
    assert_eq!(
        list("description=key".into()).await,
        [deploy.as_str(), ci.as_str()]
    );
    assert_eq!(list("expired=false".into()).await.len(), 3);
    assert!(list("expired=true".into()).await.is_empty());
    assert!(list("editable=false".into()).await.is_empty());
    let bad = emulator
        .api(
            "GET",
            "/iam/v1alpha1/api-keys?order_by=name_asc&bearer_type=robot",
            None,
        )
        .await;
    let refused = bad.refused();
    assert_eq!(
        (bad.status, refused),
        (400, vec!["order_by", "bearer_type"])
    );
}

#[tokio::test]
async fn applications_are_listed_with_every_order_and_filter() {
    let emulator = InProcess::new(&[]).await;
    let (b, a) = (
        application(&emulator, "bravo").await,
        application(&emulator, "alpha").await,
    );
    let list = |query: &str| {
        let path = format!("/iam/v1alpha1/applications?{query}");
        let emulator = &emulator;
        async move {
            names(
                &emulator.ok("GET", &path, None).await,
                "applications",
                "name",
            )
        }
    };
    assert_eq!(list("").await, ["bravo", "alpha"]);
    assert_eq!(list("order_by=name_asc").await, ["alpha", "bravo"]);
    assert_eq!(list("order_by=name_desc").await, ["bravo", "alpha"]);
    assert_eq!(list("order_by=created_at_desc").await, ["alpha", "bravo"]);
    assert_eq!(list("order_by=updated_at_asc").await, ["bravo", "alpha"]);
    assert_eq!(
        list(&format!("application_ids={a}&application_ids={b}")).await,
        ["bravo", "alpha"]
    );
    assert_eq!(list("name=rav&tag=team").await, ["bravo"]);
    assert!(list("tag=other").await.is_empty());
}

#[tokio::test]
async fn deletions_answer_204_with_the_json_content_type_and_404s_name_the_resource() {
    let emulator = InProcess::new(&[]).await;
    let organization = organization(&emulator).await;
    let app = application(&emulator, "gone").await;
    let policy = emulator
        .ok(
            "POST",
            "/iam/v1alpha1/policies",
            Some(json!({ "name": "p", "organization_id": organization, "no_principal": true })),
        )
        .await;
    let key = emulator
        .ok(
            "POST",
            "/iam/v1alpha1/api-keys",
            Some(json!({ "application_id": app })),
        )
        .await;
    let access_key = key["access_key"].as_str().unwrap();
    let policy_id = policy["id"].as_str().unwrap();
    for (path, resource, id) in [
        (
            format!("/iam/v1alpha1/api-keys/{access_key}"),
            "access_key",
            access_key,
        ),
        (
            format!("/iam/v1alpha1/policies/{policy_id}"),
            "policy",
            policy_id,
        ),
        (
            format!("/iam/v1alpha1/applications/{app}"),
            "application",
            app.as_str(),
        ),
    ] {
        let deleted = emulator.api("DELETE", &path, None).await;
        assert_eq!((deleted.status, &deleted.body), (204, &json!("")), "{path}");
        assert_eq!(deleted.headers["content-type"], "application/json");
        let again = emulator.api("GET", &path, None).await;
        assert_eq!(
            (again.status, again.body),
            (
                404,
                json!({"message": "resource is not found", "resource": resource, "resource_id": id, "type": "not_found"})
            )
        );
    }
}
