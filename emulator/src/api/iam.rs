//! The IAM API subset behind private functions: applications, policies with rules, API keys.
//! `/iam/v1alpha1/...`, not regional; deletions answer 204 and take effect at once.

use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;

use axum::extract::State as Ctx;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use super::extract::{path_id, Body, Checker, PathArgs, QueryMap};
use super::paging::Paging;
use super::{commit, date, random_text, Answer};
use crate::app::{Rules, Shared};
use crate::errors::{ApiError, Reason};
use crate::model::{ApiKey, Application, Change, Policy, Rule, RuleTarget};
use crate::state::State;

/// Longest IAM name (applications, policies).
const MAX_NAME: usize = 64;

/// What a deletion answers.
type Deleted = Result<StatusCode, ApiError>;

fn missing(resource: &'static str, id: impl ToString) -> ApiError {
    ApiError::Missing {
        resource,
        resource_id: id.to_string(),
    }
}

/// The IAM record `id` of `records`, else the 404 naming `resource`.
fn lookup<'a, K, V>(
    records: &'a HashMap<K, V>,
    id: &K,
    resource: &'static str,
) -> Result<&'a V, ApiError>
where
    K: Eq + Hash + Display,
{
    records.get(id).ok_or_else(|| missing(resource, id))
}

/// The organization of a request body: required and a UUID.
fn organization(check: &mut Checker, value: Option<&str>) -> Option<Uuid> {
    if value.is_none() {
        let help = "organization_id is required";
        check.refuse("organization_id", Reason::Required, help);
    }
    check.uuid("organization_id", value)
}

/// A required name of at most [`MAX_NAME`] characters.
fn iam_name(check: &mut Checker, value: Option<String>) -> String {
    let name = check.text("name", value, MAX_NAME);
    if name.is_empty() {
        check.refuse("name", Reason::Required, "name is required");
    }
    name
}

/// Refuses an organization other than the emulator's with 403, as the real API does.
fn own(app: &Shared, organization: Option<Uuid>, resource: &'static str) -> Result<Uuid, ApiError> {
    let expected = app.store.read().identity.organization_id;
    match organization {
        Some(id) if id == expected => Ok(id),
        _ => Err(ApiError::PermissionsDenied {
            resource,
            action: "write",
        }),
    }
}

fn application_view(state: &State, application: &Application) -> Value {
    let keys = (state.api_keys.values())
        .filter(|k| k.application_id == application.id)
        .count();
    json!({
        "id": application.id,
        "name": application.name,
        "description": application.description,
        "created_at": date(application.created_at),
        "updated_at": date(application.created_at),
        "organization_id": application.organization_id,
        "editable": true,
        "deletable": true,
        "managed": false,
        "nb_api_keys": keys,
        "tags": [],
    })
}

fn policy_view(policy: &Policy) -> Value {
    let sets: std::collections::BTreeSet<&String> = (policy.rules.iter())
        .flat_map(|r| &r.permission_set_names)
        .collect();
    let scopes: usize = (policy.rules.iter())
        .map(|r| match &r.target {
            RuleTarget::Projects(ids) => ids.len(),
            RuleTarget::Organization(_) => 1,
        })
        .sum();
    json!({
        "id": policy.id,
        "name": policy.name,
        "description": policy.description,
        "organization_id": policy.organization_id,
        "created_at": date(policy.created_at),
        "updated_at": date(policy.created_at),
        "editable": true,
        "deletable": true,
        "managed": false,
        "nb_rules": policy.rules.len(),
        "nb_scopes": scopes,
        "nb_permission_sets": sets.len(),
        "tags": [],
        "application_id": policy.application_id,
    })
}

fn rule_view(rule: &Rule) -> Value {
    let mut fields = Map::new();
    fields.insert("id".into(), json!(rule.id));
    fields.insert(
        "permission_set_names".into(),
        json!(rule.permission_set_names),
    );
    fields.insert("condition".into(), json!(""));
    match &rule.target {
        RuleTarget::Projects(ids) => {
            fields.insert("permission_sets_scope_type".into(), json!("projects"));
            fields.insert("project_ids".into(), json!(ids));
        }
        RuleTarget::Organization(id) => {
            fields.insert("permission_sets_scope_type".into(), json!("organization"));
            fields.insert("organization_id".into(), json!(id));
        }
    }
    Value::Object(fields)
}

/// An API key; `secret` only in the creation answer (null afterwards).
fn key_view(key: &ApiKey, secret: Option<Uuid>) -> Value {
    json!({
        "access_key": key.access_key,
        "secret_key": secret,
        "application_id": key.application_id,
        "description": key.description,
        "created_at": date(key.created_at),
        "updated_at": date(key.created_at),
        "expires_at": key.expires_at.map(date),
        "default_project_id": key.default_project_id,
        "editable": true,
        "deletable": true,
        "managed": false,
        "creation_ip": "127.0.0.1",
    })
}

/// `SCW` and 17 upper-case letters or digits, like Scaleway's access keys.
pub fn new_access_key() -> String {
    format!(
        "SCW{}",
        random_text(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 17)
    )
}

/// Lists `items` (already filtered) a page at a time under `field`.
fn page_of<'a, T: 'a>(
    query: &std::collections::HashMap<String, String>,
    check: Checker,
    field: &str,
    items: impl Iterator<Item = &'a T>,
    created_at: impl Fn(&T) -> OffsetDateTime,
    view: impl Fn(&T) -> Value,
) -> Answer {
    let mut check = check;
    let paging = Paging::read(query, &mut check, false);
    check.finish()?;
    let (page, total) = paging.page(paging.sort(items, created_at, |_| ""));
    let shown: Vec<Value> = page.into_iter().map(view).collect();
    Ok(Json(json!({ field: shown, "total_count": total })))
}

/// Body of CreateApplication.
#[derive(Deserialize)]
pub struct CreateApplication {
    name: Option<String>,
    organization_id: Option<String>,
    description: Option<String>,
}

/// POST `/iam/v1alpha1/applications`
pub async fn create_application(
    Ctx(app): Ctx<Shared>,
    Body(body): Body<CreateApplication>,
) -> Answer {
    let mut check = Checker::default();
    let organization = organization(&mut check, body.organization_id.as_deref());
    let name = iam_name(&mut check, body.name);
    let description = check.text("description", body.description, super::MAX_DESCRIPTION);
    check.finish()?;
    let application = Application {
        id: Uuid::new_v4(),
        name,
        organization_id: own(&app, organization, "application")?,
        description,
        created_at: OffsetDateTime::now_utc(),
    };
    commit(&app, move |state| {
        let answer = application_view(state, &application);
        Ok((Change::Application(application), answer))
    })
    .await
}

/// GET `/iam/v1alpha1/applications/{id}`
pub async fn get_application(Ctx(app): Ctx<Shared>, PathArgs(id): PathArgs<String>) -> Answer {
    let id = path_id("application_id", &id)?;
    let state = app.store.read();
    let application = lookup(&state.applications, &id, "application")?;
    Ok(Json(application_view(&state, application)))
}

/// GET `/iam/v1alpha1/applications` (`organization_id`, `name`; one value per filter)
pub async fn list_applications(Ctx(app): Ctx<Shared>, QueryMap(query): QueryMap) -> Answer {
    let mut check = Checker::default();
    let get = |name: &str| query.get(name).map(String::as_str);
    let organization = check.uuid("organization_id", get("organization_id"));
    let ids = check.uuid("application_ids", get("application_ids"));
    let name = get("name");
    let state = app.store.read();
    let found = (state.applications.values())
        .filter(|a| organization.is_none_or(|o| a.organization_id == o))
        .filter(|a| ids.is_none_or(|id| a.id == id))
        .filter(|a| name.is_none_or(|n| a.name.contains(n)));
    page_of(
        &query,
        check,
        "applications",
        found,
        |a| a.created_at,
        |a| application_view(&state, a),
    )
}

/// DELETE `/iam/v1alpha1/applications/{id}`: its API keys and policies go with it.
pub async fn delete_application(Ctx(app): Ctx<Shared>, PathArgs(id): PathArgs<String>) -> Deleted {
    let id = path_id("application_id", &id)?;
    forget(&app, id.to_string(), move |state| {
        lookup(&state.applications, &id, "application").map(drop)
    })
    .await
}

/// One rule of CreatePolicy's body.
#[derive(Deserialize)]
pub struct RuleSpecs {
    permission_set_names: Option<Vec<String>>,
    project_ids: Option<Vec<String>>,
    organization_id: Option<String>,
}

/// Body of CreatePolicy.
#[derive(Deserialize)]
pub struct CreatePolicy {
    name: Option<String>,
    organization_id: Option<String>,
    description: Option<String>,
    application_id: Option<String>,
    user_id: Option<String>,
    group_id: Option<String>,
    no_principal: Option<bool>,
    rules: Option<Vec<RuleSpecs>>,
}

/// The rules of a policy, each with permission sets and exactly one target.
fn rules(check: &mut Checker, specs: Vec<RuleSpecs>) -> Vec<Rule> {
    let mut rules = Vec::new();
    for spec in specs {
        let sets = spec.permission_set_names.unwrap_or_default();
        if sets.is_empty() || sets.iter().any(String::is_empty) {
            let help = "each rule needs permission_set_names";
            check.refuse("rules.permission_set_names", Reason::Required, help);
        }
        let target = match (spec.project_ids, spec.organization_id) {
            (Some(ids), None) if !ids.is_empty() => {
                let ids: Vec<Uuid> = (ids.iter())
                    .filter_map(|id| check.uuid("rules.project_ids", Some(id)))
                    .collect();
                RuleTarget::Projects(ids)
            }
            (None, Some(org)) => match check.uuid("rules.organization_id", Some(&org)) {
                Some(org) => RuleTarget::Organization(org),
                None => continue,
            },
            _ => {
                let help = "each rule needs exactly one of project_ids and organization_id";
                check.refuse("rules.project_ids", Reason::Constraint, help);
                continue;
            }
        };
        rules.push(Rule {
            id: Uuid::new_v4(),
            permission_set_names: sets,
            target,
        });
    }
    rules
}

/// POST `/iam/v1alpha1/policies` (principal: an application)
pub async fn create_policy(Ctx(app): Ctx<Shared>, Body(body): Body<CreatePolicy>) -> Answer {
    let mut check = Checker::default();
    let organization = organization(&mut check, body.organization_id.as_deref());
    let name = iam_name(&mut check, body.name);
    let description = check.text("description", body.description, super::MAX_DESCRIPTION);
    let application_id = check.uuid("application_id", body.application_id.as_deref());
    if body.user_id.is_some() || body.group_id.is_some() || body.no_principal == Some(true) {
        let help = "the emulator supports policies of applications only";
        check.refuse("application_id", Reason::Constraint, help);
    } else if body.application_id.is_none() {
        let help = "application_id is required";
        check.refuse("application_id", Reason::Required, help);
    }
    let rules = rules(&mut check, body.rules.unwrap_or_default());
    check.finish()?;
    let organization_id = own(&app, organization, "policy")?;
    let Some(application_id) = application_id else {
        return Err(ApiError::Internal("application_id checked above".into()));
    };
    let policy = Policy {
        id: Uuid::new_v4(),
        name,
        organization_id,
        application_id,
        description,
        rules,
        created_at: OffsetDateTime::now_utc(),
    };
    commit(&app, move |state| {
        lookup(&state.applications, &application_id, "application")?;
        if let Some(project) = unknown_project(state, &policy) {
            return Err(missing("project", project));
        }
        let answer = policy_view(&policy);
        Ok((Change::Policy(policy), answer))
    })
    .await
}

/// A project named by a rule that the organization does not have.
fn unknown_project(state: &State, policy: &Policy) -> Option<Uuid> {
    let known = |id: &Uuid| {
        *id == state.identity.project_id || state.namespaces.values().any(|n| n.project_id == *id)
    };
    (policy.rules.iter())
        .flat_map(|r| match &r.target {
            RuleTarget::Projects(ids) => ids.as_slice(),
            RuleTarget::Organization(_) => &[],
        })
        .find(|id| !known(id))
        .copied()
}

/// GET `/iam/v1alpha1/policies/{id}`
pub async fn get_policy(Ctx(app): Ctx<Shared>, PathArgs(id): PathArgs<String>) -> Answer {
    let id = path_id("policy_id", &id)?;
    let state = app.store.read();
    let policy = lookup(&state.policies, &id, "policy")?;
    Ok(Json(policy_view(policy)))
}

/// GET `/iam/v1alpha1/policies` (`organization_id`, `application_ids`; one value per filter)
pub async fn list_policies(Ctx(app): Ctx<Shared>, QueryMap(query): QueryMap) -> Answer {
    let mut check = Checker::default();
    let get = |name: &str| query.get(name).map(String::as_str);
    let organization = check.uuid("organization_id", get("organization_id"));
    let application = check.uuid("application_ids", get("application_ids"));
    let state = app.store.read();
    let found = (state.policies.values())
        .filter(|p| organization.is_none_or(|o| p.organization_id == o))
        .filter(|p| application.is_none_or(|a| p.application_id == a));
    page_of(
        &query,
        check,
        "policies",
        found,
        |p| p.created_at,
        policy_view,
    )
}

/// DELETE `/iam/v1alpha1/policies/{id}`
pub async fn delete_policy(Ctx(app): Ctx<Shared>, PathArgs(id): PathArgs<String>) -> Deleted {
    let id = path_id("policy_id", &id)?;
    forget(&app, id.to_string(), move |state| {
        lookup(&state.policies, &id, "policy").map(drop)
    })
    .await
}

/// GET `/iam/v1alpha1/rules?policy_id=`
pub async fn list_rules(Ctx(app): Ctx<Shared>, QueryMap(query): QueryMap) -> Answer {
    let mut check = Checker::default();
    let policy_id = check.uuid("policy_id", query.get("policy_id").map(String::as_str));
    if !query.contains_key("policy_id") {
        check.refuse("policy_id", Reason::Required, "policy_id is required");
    }
    let paging = Paging::read(&query, &mut check, false);
    check.finish()?;
    let state = app.store.read();
    let policy = policy_id
        .and_then(|id| state.policies.get(&id))
        .ok_or_else(|| missing("policy", policy_id.unwrap_or_default()))?;
    let (page, total) = paging.page(policy.rules.iter());
    let rules: Vec<Value> = page.into_iter().map(rule_view).collect();
    Ok(Json(json!({ "rules": rules, "total_count": total })))
}

/// Body of CreateAPIKey.
#[derive(Deserialize)]
pub struct CreateApiKey {
    application_id: Option<String>,
    user_id: Option<String>,
    description: Option<String>,
    expires_at: Option<String>,
    default_project_id: Option<String>,
}

/// POST `/iam/v1alpha1/api-keys` (bearer: an application); the only answer with the secret.
pub async fn create_api_key(Ctx(app): Ctx<Shared>, Body(body): Body<CreateApiKey>) -> Answer {
    let now = OffsetDateTime::now_utc();
    let mut check = Checker::default();
    let application_id = check.uuid("application_id", body.application_id.as_deref());
    if body.user_id.is_some() {
        let help = "the emulator supports API keys of applications only";
        check.refuse("application_id", Reason::Constraint, help);
    } else if body.application_id.is_none() {
        let help = "application_id is required";
        check.refuse("application_id", Reason::Required, help);
    }
    let description = check.text("description", body.description, super::MAX_DESCRIPTION);
    let expires_at = check.date("expires_at", body.expires_at.as_deref());
    if expires_at.is_some_and(|at| at <= now) {
        let help = "expires_at must be in the future";
        check.refuse("expires_at", Reason::Constraint, help);
    }
    organization_rules(
        &app.rules,
        &mut check,
        body.expires_at.as_deref(),
        expires_at,
        now,
    );
    let project = check.uuid("default_project_id", body.default_project_id.as_deref());
    check.finish()?;
    let Some(application_id) = application_id else {
        return Err(ApiError::Internal("application_id checked above".into()));
    };
    let secret = Uuid::new_v4();
    let key = ApiKey {
        access_key: new_access_key(),
        secret_key: secret,
        application_id,
        description,
        default_project_id: project.unwrap_or(app.info.project_id),
        expires_at,
        created_at: now,
    };
    commit(&app, move |state| {
        lookup(&state.applications, &application_id, "application")?;
        let answer = key_view(&key, Some(secret));
        Ok((Change::ApiKey(key), answer))
    })
    .await
}

/// The organisation's security settings: an expiry may be required, and a validity capped.
/// Without an expiry a key would live for ever, so a cap refuses it like the requirement does.
fn organization_rules(
    rules: &Rules,
    check: &mut Checker,
    given: Option<&str>,
    expires_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) {
    if given.is_none() && (rules.require_key_expiry || rules.max_key_validity.is_some()) {
        let help = "organization security settings require an expiration date for API keys";
        check.refuse("expires_at", Reason::Constraint, help);
    }
    if let (Some(cap), Some(at)) = (rules.max_key_validity, expires_at) {
        if at > now + cap {
            let seconds = cap.whole_seconds();
            let validity = match seconds {
                s if s % 86_400 == 0 => format!("{} days", s / 86_400),
                s if s % 3600 == 0 => format!("{} hours", s / 3600),
                s => format!("{s} seconds"),
            };
            let help = format!(
                "organization security settings limit the validity of API keys to {validity}"
            );
            check.refuse("expires_at", Reason::Constraint, help);
        }
    }
}

/// GET `/iam/v1alpha1/api-keys/{access_key}`
pub async fn get_api_key(Ctx(app): Ctx<Shared>, PathArgs(access_key): PathArgs<String>) -> Answer {
    let state = app.store.read();
    let key = lookup(&state.api_keys, &access_key, "api_key")?;
    Ok(Json(key_view(key, None)))
}

/// GET `/iam/v1alpha1/api-keys` (`application_id`, `expired`)
pub async fn list_api_keys(Ctx(app): Ctx<Shared>, QueryMap(query): QueryMap) -> Answer {
    let mut check = Checker::default();
    let get = |name: &str| query.get(name).map(String::as_str);
    let application = check.uuid("application_id", get("application_id"));
    let expired = match get("expired") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            check.refuse("expired", Reason::Format, "expired must be true or false");
            None
        }
    };
    let now = OffsetDateTime::now_utc();
    let state = app.store.read();
    let found = (state.api_keys.values())
        .filter(|k| application.is_none_or(|a| k.application_id == a))
        .filter(|k| expired.is_none_or(|e| k.expires_at.is_some_and(|at| at <= now) == e));
    page_of(
        &query,
        check,
        "api_keys",
        found,
        |k| k.created_at,
        |k| key_view(k, None),
    )
}

/// DELETE `/iam/v1alpha1/api-keys/{access_key}`
pub async fn delete_api_key(
    Ctx(app): Ctx<Shared>,
    PathArgs(access_key): PathArgs<String>,
) -> Deleted {
    let id = access_key.clone();
    forget(&app, access_key, move |state| {
        lookup(&state.api_keys, &id, "api_key").map(drop)
    })
    .await
}

/// Removes an IAM record once `exists` confirms it is there.
async fn forget(
    app: &Shared,
    id: String,
    exists: impl FnOnce(&State) -> Result<(), ApiError> + Send + 'static,
) -> Deleted {
    commit(app, move |state| {
        exists(state)?;
        Ok((Change::Forget { id }, ()))
    })
    .await
    .map(|_| StatusCode::NO_CONTENT)
}
