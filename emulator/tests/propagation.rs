//! IAM propagation (`--iam-propagation`, `--profile production`): a new API key is admitted
//! intermittently during the window and for good once it has passed, at the gateway and for API
//! calls alike; refusals are 403s logged as `propagating`; the demo can follow a key's progress.

mod common;

use std::time::{Duration, Instant};

use common::in_process::InProcess;
use common::{Emulator, TempDir};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn admin(emulator: &Emulator, method: &str, path: &str, body: Option<Value>) -> Value {
    let answer = emulator.iam_as(&emulator.field("secret_key"), method, path, body);
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.body
}

/// An application whose policy grants `sets` (on the project, or the organization when
/// `on_organization`), and a new key of it; returns the key's creation answer.
fn granted_key(emulator: &Emulator, sets: &[&str], on_organization: bool) -> Value {
    let organization = emulator.organization_id();
    let application = admin(
        emulator,
        "POST",
        "/applications",
        Some(json!({ "name": "caller", "organization_id": organization })),
    );
    let rule = if on_organization {
        json!({ "permission_set_names": sets, "organization_id": organization })
    } else {
        json!({ "permission_set_names": sets, "project_ids": [emulator.field("project_id")] })
    };
    admin(
        emulator,
        "POST",
        "/policies",
        Some(json!({ "name": "call", "organization_id": organization,
                     "application_id": application["id"], "rules": [rule] })),
    );
    let expires = (OffsetDateTime::now_utc() + time::Duration::days(1))
        .format(&Rfc3339)
        .unwrap();
    admin(
        emulator,
        "POST",
        "/api-keys",
        Some(json!({ "application_id": application["id"], "expires_at": expires })),
    )
}

/// How many IAM instances the emulator simulates.
const INSTANCES: usize = 4;

/// Calls `call` every 20 ms for `span`; returns each answer's status with when it came.
fn poll(span: Duration, mut call: impl FnMut() -> u16) -> Vec<(Duration, u16)> {
    let started = Instant::now();
    let mut seen = Vec::new();
    while started.elapsed() < span {
        let at = started.elapsed();
        seen.push((at, call()));
        std::thread::sleep(Duration::from_millis(20));
    }
    seen
}

/// Whether some admitted call was followed by a refused one.
fn intermittent(seen: &[(Duration, u16)], admitted: u16) -> bool {
    let first = seen.iter().position(|(_, s)| *s == admitted);
    first.is_some_and(|i| seen[i..].iter().any(|(_, s)| *s != admitted))
}

#[test]
fn a_new_key_is_admitted_intermittently_then_for_good_once_the_window_has_passed() {
    let window = Duration::from_secs(3);
    let emulator = Emulator::start(&["--iam-propagation", "3s"]);
    let key = granted_key(&emulator, &["FunctionsPrivateAccess"], false);
    let created = Instant::now();
    let secret = key["secret_key"].as_str().unwrap().to_owned();
    let seen = poll(window + Duration::from_millis(1500), || {
        emulator.call_seeded(Some(&secret))
    });
    let admitted: Vec<Duration> = (seen.iter())
        .filter(|(_, s)| *s == 200)
        .map(|(at, _)| *at)
        .collect();
    let refused: Vec<Duration> = (seen.iter())
        .filter(|(_, s)| *s == 403)
        .map(|(at, _)| *at)
        .collect();
    assert_eq!(admitted.len() + refused.len(), seen.len(), "{seen:?}");
    let first = admitted.first().expect("admitted within the window");
    let last_refusal = refused.last().expect("refused at first");
    assert!(*first < window, "first admitted at {first:?}");
    assert!(intermittent(&seen, 200), "{seen:?}");
    // The window runs from the key's creation, a moment before `created` here.
    assert!(
        *last_refusal < window + created.elapsed() - seen.last().unwrap().0,
        "{seen:?}"
    );
    let late: Vec<u16> = (seen.iter())
        .filter(|(at, _)| *at > window + Duration::from_millis(100))
        .map(|(_, s)| *s)
        .collect();
    assert!(
        !late.is_empty() && late.iter().all(|s| *s == 200),
        "{seen:?}"
    );
    eprintln!(
        "gateway, 3 s window: first admitted after {} ms, last refused after {} ms, {} of {} calls refused",
        first.as_millis(),
        last_refusal.as_millis(),
        refused.len(),
        seen.len()
    );

    let log = emulator.send("GET", &emulator.url("/emulator/requests"), &[], None);
    let reasons: Vec<&Value> = (log.body["requests"].as_array().unwrap().iter())
        .filter(|r| r["status"] == 403)
        .map(|r| &r["reason"])
        .collect();
    assert_eq!(reasons.len(), refused.len());
    assert!(
        reasons.iter().all(|r| **r == json!("propagating")),
        "{reasons:?}"
    );
    let text = log.body.to_string();
    assert!(!text.contains(&secret), "the log never shows the secret");
}

#[test]
fn an_api_call_with_a_new_key_gets_403_permissions_denied_until_it_has_propagated() {
    let emulator = Emulator::start(&["--iam-propagation", "2s"]);
    let key = granted_key(&emulator, &["IAMReadOnly"], true);
    let secret = key["secret_key"].as_str().unwrap().to_owned();
    let mut refusals = Vec::new();
    let seen = poll(Duration::from_millis(3000), || {
        let answer = emulator.iam_as(&secret, "GET", "/applications", None);
        if answer.status != 200 {
            refusals.push(answer.body);
        }
        answer.status
    });
    assert!(intermittent(&seen, 200), "{seen:?}");
    assert!(!refusals.is_empty());
    for body in &refusals {
        assert_eq!(
            body,
            &json!({"details": [{"action": "read", "resource": "application"}],
                    "message": "insufficient permissions", "type": "permissions_denied"})
        );
    }
    let late = (seen.iter()).filter(|(at, _)| *at > Duration::from_millis(2100));
    assert!(
        late.clone().count() > 0 && late.clone().all(|(_, s)| *s == 200),
        "{seen:?}"
    );
    let log = emulator.send("GET", &emulator.url("/emulator/requests"), &[], None);
    let propagating = (log.body["requests"].as_array().unwrap().iter())
        .filter(|r| r["reason"] == "propagating")
        .count();
    assert_eq!(propagating, refusals.len());
}

#[test]
fn the_demo_follows_a_key_from_propagating_to_admitted() {
    let emulator = Emulator::start(&["--iam-propagation", "2s"]);
    let url = emulator.url("/emulator/propagation");
    let secret_key = emulator.field("secret_key");
    let auth = [("X-Auth-Token", secret_key.as_str())];
    assert_eq!(
        emulator.send("GET", &url, &[], None).status,
        401,
        "needs the secret key"
    );

    let key = granted_key(&emulator, &["FunctionsPrivateAccess"], false);
    let created = OffsetDateTime::parse(key["created_at"].as_str().unwrap(), &Rfc3339).unwrap();
    let soon = (OffsetDateTime::now_utc() + time::Duration::seconds(1))
        .format(&Rfc3339)
        .unwrap();
    let body = json!({ "application_id": key["application_id"], "expires_at": soon });
    let expiring = admin(&emulator, "POST", "/api-keys", Some(body));
    let body = json!({ "name": "bare", "organization_id": emulator.organization_id() });
    let bare = admin(&emulator, "POST", "/applications", Some(body));
    let body = json!({ "application_id": bare["id"] });
    let unopened = admin(&emulator, "POST", "/api-keys", Some(body));
    let find = |body: &Value, access_key: &Value| {
        (body["api_keys"].as_array().unwrap().iter())
            .find(|k| k["access_key"] == *access_key)
            .cloned()
            .unwrap()
    };
    let entry = |body: &Value| find(body, &key["access_key"]);
    let now = emulator.send("GET", &url, &auth, None);
    let no_policy = find(&now.body, &unopened["access_key"]);
    assert_eq!(
        (&no_policy["status"], &no_policy["admitted_at"]),
        (&json!("no_policy"), &Value::Null)
    );
    assert_eq!(now.body["iam_propagation_ms"], 2000);
    let propagating = entry(&now.body);
    assert_eq!(propagating["status"], "propagating");
    assert_eq!(propagating["application_id"], key["application_id"]);
    let admitted_at =
        OffsetDateTime::parse(propagating["admitted_at"].as_str().unwrap(), &Rfc3339).unwrap();
    let delay = admitted_at - created;
    assert!(
        delay >= time::Duration::seconds(2) && delay < time::Duration::milliseconds(2100),
        "{delay}"
    );
    assert!(!now
        .body
        .to_string()
        .contains(key["secret_key"].as_str().unwrap()));

    std::thread::sleep(Duration::from_millis(2100));
    let later_body = emulator.send("GET", &url, &auth, None).body;
    let later = entry(&later_body);
    assert_eq!(
        (&later["status"], &later["admitted_at"]),
        (&json!("admitted"), &Value::Null)
    );
    let expired = find(&later_body, &expiring["access_key"]);
    assert_eq!(
        (&expired["status"], &expired["admitted_at"]),
        (&json!("expired"), &Value::Null)
    );
    for _ in 0..8 {
        assert_eq!(emulator.call_seeded(key["secret_key"].as_str()), 200);
    }
}

#[test]
fn the_production_profile_propagates_for_two_minutes_unless_a_flag_says_otherwise() {
    let production = Emulator::start(&["--profile", "production"]);
    let key = granted_key(&production, &["FunctionsPrivateAccess"], false);
    let secret = key["secret_key"].as_str().unwrap().to_owned();
    let statuses: Vec<u16> = (0..8)
        .map(|_| production.call_seeded(Some(&secret)))
        .collect();
    assert!(statuses.contains(&403), "{statuses:?}");
    let auth = production.field("secret_key");
    let view = production.send(
        "GET",
        &production.url("/emulator/propagation"),
        &[("X-Auth-Token", &auth)],
        None,
    );
    assert_eq!(view.body["iam_propagation_ms"], 120_000);

    let relaxed = Emulator::start(&["--profile", "production", "--iam-propagation", "0"]);
    let key = granted_key(&relaxed, &["FunctionsPrivateAccess"], false);
    let secret = key["secret_key"].as_str().unwrap().to_owned();
    assert!((0..8).all(|_| relaxed.call_seeded(Some(&secret)) == 200));
    let refused = relaxed.api(
        "POST",
        "/tokens",
        Some(json!({ "function_id": relaxed.field("function_id") })),
    );
    assert_eq!(refused.status, 412, "the profile's other switches stay on");
    let application = key["application_id"].clone();
    let unbounded = relaxed.iam_as(
        &relaxed.field("secret_key"),
        "POST",
        "/api-keys",
        Some(json!({ "application_id": application })),
    );
    assert_eq!(
        (
            unbounded.status,
            &unbounded.body["details"][0]["argument_name"]
        ),
        (400, &json!("expires_at"))
    );
}

#[test]
fn a_seeded_key_is_admitted_at_once_and_a_reset_settles_what_was_propagating() {
    let dir = TempDir::new("propagation-seed");
    let seed = dir.file("seed.json");
    let key_secret = "aaaaaaaa-0000-4000-8000-000000000005";
    let application = "aaaaaaaa-0000-4000-8000-000000000004";
    let organization = "aaaaaaaa-0000-4000-8000-0000000000ff";
    let world = json!({
        "organization_id": organization,
        "namespaces": [{ "name": "shop", "functions": [{ "name": "cart", "privacy": "private" }] }],
        "applications": [{ "id": application, "name": "ci" }],
        "policies": [{ "name": "call", "application_id": application,
                       "rules": [{ "permission_set_names": ["FunctionsPrivateAccess"],
                                   "organization_id": organization }] }],
        "api_keys": [{ "secret_key": key_secret, "application_id": application }]
    });
    std::fs::write(&seed, world.to_string()).unwrap();
    let emulator = Emulator::start(&["--iam-propagation", "1h", "--seed", &seed]);
    assert!((0..8).all(|_| emulator.call_seeded(Some(key_secret)) == 200));

    let key = granted_key(&emulator, &["FunctionsPrivateAccess"], false);
    let secret = key["secret_key"].as_str().unwrap().to_owned();
    assert!((0..8).any(|_| emulator.call_seeded(Some(&secret)) == 403));
    let auth = emulator.field("secret_key");
    let reset = emulator.send(
        "POST",
        &emulator.url("/emulator/reset"),
        &[("X-Auth-Token", &auth)],
        None,
    );
    assert_eq!(reset.status, 204);
    assert!((0..8).all(|_| emulator.call_seeded(Some(key_secret)) == 200));
}

#[tokio::test]
async fn rules_set_again_or_given_to_another_principal_propagate_and_unchanged_ones_stay_in_force()
{
    let dir = TempDir::new("propagation-rules");
    let seed = dir.file("seed.json");
    let (application, organization) = (
        "aaaaaaaa-0000-4000-8000-000000000004",
        "aaaaaaaa-0000-4000-8000-0000000000ff",
    );
    let key_secret = "aaaaaaaa-0000-4000-8000-000000000005";
    let reader =
        json!({ "permission_set_names": ["IAMReadOnly"], "organization_id": organization });
    let world = json!({
        "organization_id": organization,
        "namespaces": [{ "name": "shop", "functions": [{ "name": "cart", "privacy": "private" }] }],
        "applications": [{ "id": application, "name": "ci" }],
        "policies": [{ "id": "aaaaaaaa-0000-4000-8000-000000000007", "name": "read", "application_id": application, "rules": [reader] }],
        "api_keys": [{ "secret_key": key_secret, "application_id": application }]
    });
    std::fs::write(&seed, world.to_string()).unwrap();
    let emulator = InProcess::new(&["--iam-propagation", "1h", "--seed", &seed]).await;
    let function = format!("/fn/{}", emulator.field("function_id"));
    let calls = || async {
        let mut statuses = Vec::new();
        for _ in 0..INSTANCES {
            statuses.push(
                emulator
                    .send("GET", &function, Some(key_secret), None)
                    .await
                    .status,
            );
        }
        statuses
    };
    assert_eq!(calls().await, [403; INSTANCES], "no function access yet");

    let policy = "aaaaaaaa-0000-4000-8000-000000000007";
    let access = json!({ "permission_set_names": ["FunctionsPrivateAccess"], "organization_id": organization });
    let body = json!({ "policy_id": policy, "rules": [reader, access] });
    emulator.ok("PUT", "/iam/v1alpha1/rules", Some(body)).await;
    assert!(calls().await.contains(&403), "the new rule propagates");
    let listed = emulator
        .api("GET", "/iam/v1alpha1/applications", None)
        .await;
    assert_eq!(listed.status, 200);
    let reads = (0..INSTANCES)
        .map(|_| emulator.send("GET", "/iam/v1alpha1/applications", Some(key_secret), None));
    for read in reads {
        assert_eq!(read.await.status, 200, "the unchanged rule stays in force");
    }

    let body = json!({ "name": "free", "organization_id": organization, "no_principal": true,
                       "rules": [{ "permission_set_names": ["FunctionsFullAccess"], "organization_id": organization }] });
    let free = emulator
        .ok("POST", "/iam/v1alpha1/policies", Some(body))
        .await;
    let path = format!("/iam/v1alpha1/policies/{}", free["id"].as_str().unwrap());
    emulator
        .ok(
            "PATCH",
            &path,
            Some(json!({ "application_id": application })),
        )
        .await;
    let secret = emulator.field("secret_key");
    let view = emulator
        .send("GET", "/emulator/propagation", Some(&secret), None)
        .await;
    assert_eq!(view.body["api_keys"][0]["status"], "propagating");
}
