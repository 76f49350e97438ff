//! The emulator's own routes, for local development: `/emulator/info`, `health`, `reset`,
//! `requests`, `seeded-tokens`, `propagation`, and `uploads`, where upload URLs lead.

use crate::api::{presented_key, receive_upload, sign};
use crate::app::Shared;
use crate::errors::ApiError;
use crate::gateway::FUNCTION_ACCESS;
use crate::model::{ApiKey, Scope};
use axum::extract::State as Ctx;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

/// The routes under `/emulator/`.
pub fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/emulator/info",
            get(|Ctx(app): Ctx<Shared>| async move { Json(app.info.clone()) }),
        )
        .route(
            "/emulator/health",
            get(|| async { Json(json!({ "status": "ok" })) }),
        )
        .route("/emulator/reset", post(reset))
        .route(
            "/emulator/requests",
            get(|Ctx(app): Ctx<Shared>| async move { Json(app.requests.view()) }),
        )
        .route("/emulator/seeded-tokens", get(seeded_tokens))
        .route("/emulator/propagation", get(propagation))
        .route("/emulator/uploads", get(uploads))
        .route("/emulator/uploads/{ticket}", put(receive_upload))
}

/// Whether the request carries the API's secret key: what may change or reveal the world.
fn admin(app: &Shared, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = presented_key(headers).ok_or(ApiError::Denied("invalid_argument"))?;
    if app.store.read().is_secret_key(given) {
        Ok(())
    } else {
        Err(ApiError::Denied("not_found"))
    }
}

/// POST `/emulator/reset`: back to the world of start-up (the seed file's, or the demo's).
async fn reset(Ctx(app): Ctx<Shared>, headers: HeaderMap) -> Response {
    if let Err(error) = admin(&app, &headers) {
        return error.into_response();
    }
    let world = app.seeded.clone();
    let store_app = app.clone();
    match tokio::task::spawn_blocking(move || store_app.store.reset(world)).await {
        Ok(Ok(())) => {
            app.propagation.settle();
            app.uploads.clear();
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(Err(e)) => ApiError::Internal(e).into_response(),
        Err(e) => ApiError::Internal(e.to_string()).into_response(),
    }
}

/// GET `/emulator/seeded-tokens`: the JWTs of the seed file's tokens still alive (a JWT is
/// shown only at creation, and seeded tokens were never created through the API).
async fn seeded_tokens(Ctx(app): Ctx<Shared>, headers: HeaderMap) -> Response {
    if let Err(error) = admin(&app, &headers) {
        return error.into_response();
    }
    let state = app.store.read();
    let mut tokens = Vec::new();
    for seeded in &app.seeded.tokens {
        let Some(token) = (state.tokens.get(&seeded.id)).filter(|t| t.deleted_at.is_none()) else {
            continue;
        };
        let namespace_id = match token.scope {
            Scope::Namespace(id) => Some(id),
            Scope::Function(id) => state.functions.get(&id).map(|f| f.namespace_id),
        };
        let Some(key) = namespace_id.and_then(|id| state.key(id)) else {
            continue;
        };
        match sign(key, token) {
            Ok(jwt) => {
                let (field, id) = match token.scope {
                    Scope::Function(id) => ("function_id", id),
                    Scope::Namespace(id) => ("namespace_id", id),
                };
                tokens.push(json!({ "id": token.id, field: id, "token": jwt }));
            }
            Err(e) => return ApiError::Internal(e).into_response(),
        }
    }
    Json(json!({ "tokens": Value::Array(tokens) })).into_response()
}

/// Where an API key stands with the gateway of the emulator's project.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum KeyStatus {
    /// Every IAM instance admits it.
    Admitted,
    /// Some instances admit it, or none yet; all of them will from `admitted_at`.
    Propagating,
    /// No policy opens the project's functions to it.
    NoPolicy,
    /// Past its expiry: refused everywhere.
    Expired,
}

/// One API key in `GET /emulator/propagation`.
#[derive(Serialize)]
struct KeyPropagation {
    access_key: String,
    application_id: Uuid,
    status: KeyStatus,
    /// While it is propagating, from when every instance admits it (null otherwise).
    #[serde(with = "time::serde::rfc3339::option")]
    admitted_at: Option<OffsetDateTime>,
}

/// `GET /emulator/propagation`.
#[derive(Serialize)]
struct PropagationView {
    iam_propagation_ms: i128,
    api_keys: Vec<KeyPropagation>,
}

/// GET `/emulator/propagation` (needs the secret key): each API key with whether every IAM
/// instance already admits it to the functions of the emulator's project, and from when, so
/// that a page can show a new key as propagating until it is admitted for good.
async fn propagation(Ctx(app): Ctx<Shared>, headers: HeaderMap) -> Response {
    if let Err(error) = admin(&app, &headers) {
        return error.into_response();
    }
    let now = OffsetDateTime::now_utc();
    let state = app.store.read();
    let mut keys: Vec<&ApiKey> = state.api_keys.values().collect();
    keys.sort_by_key(|k| (k.created_at, &k.access_key));
    let api_keys = (keys.into_iter())
        .map(|key| {
            let project = Some(state.identity.project_id);
            let rules = state.granting_rules(key.application_id, &FUNCTION_ACCESS, project);
            let expired = key.expires_at.is_some_and(|at| at <= now);
            let everywhere = (!expired)
                .then(|| app.propagation.admitted_everywhere(key, rules))
                .flatten();
            let (status, admitted_at) = match everywhere {
                _ if expired => (KeyStatus::Expired, None),
                None => (KeyStatus::NoPolicy, None),
                Some(at) if at > now => (KeyStatus::Propagating, Some(at)),
                Some(_) => (KeyStatus::Admitted, None),
            };
            KeyPropagation {
                access_key: key.access_key.clone(),
                application_id: key.application_id,
                status,
                admitted_at,
            }
        })
        .collect();
    Json(PropagationView {
        iam_propagation_ms: app.propagation.window().whole_milliseconds(),
        api_keys,
    })
    .into_response()
}

/// GET `/emulator/uploads` (needs the secret key): each function's last uploaded archive.
async fn uploads(Ctx(app): Ctx<Shared>, headers: HeaderMap) -> Response {
    if let Err(error) = admin(&app, &headers) {
        return error.into_response();
    }
    Json(json!({ "uploads": app.uploads.archives() })).into_response()
}
