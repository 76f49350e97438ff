//! IAM API keys: the secret is shown once, at creation; the gateway and the API recognise it.

use axum::extract::State as Ctx;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{common_filters, forget, lookup, Deleted};
use crate::api::extract::{Body, Checker, PathArgs, Query};
use crate::api::paging::{By, Listed, Paging, SortKey};
use crate::api::{commit, date, random_text, Answer, MAX_DESCRIPTION};
use crate::app::Shared;
use crate::args::Rules;
use crate::errors::{ApiError, Reason};
use crate::model::{ApiKey, Change};
use crate::propagation::Grant;

/// An API key as the API answers it; `secret_key` only in the creation answer (null afterwards).
#[derive(Serialize)]
pub struct ApiKeyView {
    access_key: String,
    secret_key: Option<Uuid>,
    application_id: Uuid,
    description: String,
    created_at: String,
    updated_at: String,
    expires_at: Option<String>,
    default_project_id: Uuid,
    editable: bool,
    deletable: bool,
    managed: bool,
    creation_ip: &'static str,
}

impl ApiKeyView {
    fn new(key: &ApiKey, secret: Option<Uuid>) -> Self {
        ApiKeyView {
            access_key: key.access_key.clone(),
            secret_key: secret,
            application_id: key.application_id,
            description: key.description.clone(),
            created_at: date(key.created_at),
            updated_at: date(key.created_at),
            expires_at: key.expires_at.map(date),
            default_project_id: key.default_project_id,
            editable: true,
            deletable: true,
            managed: false,
            creation_ip: "127.0.0.1",
        }
    }
}

/// `SCW` and 17 upper-case letters or digits, like Scaleway's access keys.
pub fn new_access_key() -> String {
    format!(
        "SCW{}",
        random_text(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 17)
    )
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
pub async fn create(Ctx(app): Ctx<Shared>, Body(body): Body<CreateApiKey>) -> Answer<ApiKeyView> {
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
    let description = check.text("description", body.description, MAX_DESCRIPTION);
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
    // Known to the IAM instances from now on, before any call can present it.
    (app.propagation).made([Grant::ApiKey(key.access_key.clone())], now);
    commit(&app, move |state| {
        lookup(&state.applications, &application_id, "application")?;
        let answer = ApiKeyView::new(&key, Some(secret));
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
pub async fn get(
    Ctx(app): Ctx<Shared>,
    PathArgs(access_key): PathArgs<String>,
) -> Answer<ApiKeyView> {
    let state = app.store.read();
    let key = lookup(&state.api_keys, &access_key, "access_key")?;
    Ok(Json(ApiKeyView::new(key, None)))
}

/// GET `/iam/v1alpha1/api-keys`: `organization_id`, `editable`, `application_id`, `user_id`,
/// `bearer_id` with `bearer_type`, `expired`, `access_key`, `access_keys` (repeatable),
/// `description` (contained); ordered by `created_at`, `updated_at`, `expires_at` (keys that
/// never expire first) or `access_key`.
pub async fn list(Ctx(app): Ctx<Shared>, query: Query) -> Answer<Listed<ApiKeyView>> {
    let mut check = Checker::default();
    let orders = [
        ("created_at", By::CreatedAt),
        ("updated_at", By::UpdatedAt),
        ("expires_at", By::ExpiresAt),
        ("access_key", By::AccessKey),
    ];
    let paging = Paging::read(&query, &mut check, &orders);
    let any = common_filters(&app, &mut check, &query);
    let application = check.uuid("application_id", query.get("application_id"));
    let user = check.uuid("user_id", query.get("user_id"));
    let bearer = check.uuid("bearer_id", query.get("bearer_id"));
    // The emulator's keys all belong to applications: a user never has any.
    let bearer_is_application = match query.get("bearer_type") {
        None | Some("unknown_bearer_type" | "application") => true,
        Some("user") => false,
        Some(_) => {
            let help = "bearer_type must be application, user or unknown_bearer_type";
            check.refuse("bearer_type", Reason::Constraint, help);
            true
        }
    };
    let expired = check.boolean("expired", query.get("expired"));
    let access_keys: Vec<&str> = (query.get("access_key").into_iter())
        .chain(query.all("access_keys"))
        .collect();
    let description = query.get("description");
    check.finish()?;
    let now = OffsetDateTime::now_utc();
    let state = app.store.read();
    let found = (state.api_keys.values())
        .filter(|_| any && user.is_none() && bearer_is_application)
        .filter(|k| application.is_none_or(|a| k.application_id == a))
        .filter(|k| bearer.is_none_or(|b| k.application_id == b))
        .filter(|k| expired.is_none_or(|e| k.expires_at.is_some_and(|at| at <= now) == e))
        .filter(|k| access_keys.is_empty() || access_keys.contains(&k.access_key.as_str()))
        .filter(|k| description.is_none_or(|d| k.description.contains(d)));
    let sorted = paging.sort(found, |k, by| match by {
        By::ExpiresAt => SortKey::Date(k.expires_at),
        By::AccessKey => SortKey::Text(&k.access_key),
        _ => SortKey::Date(Some(k.created_at)),
    });
    let view = |k| ApiKeyView::new(k, None);
    Ok(Json(paging.listed("api_keys", sorted, view)))
}

/// DELETE `/iam/v1alpha1/api-keys/{access_key}`
pub async fn delete(Ctx(app): Ctx<Shared>, PathArgs(access_key): PathArgs<String>) -> Deleted {
    let id = access_key.clone();
    forget(&app, access_key, move |state| {
        lookup(&state.api_keys, &id, "access_key").map(drop)
    })
    .await
}
