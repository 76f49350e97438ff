//! The emulator's own routes, for local development: `/emulator/info`, `health`, `reset`,
//! `requests` and `seeded-tokens`.

use crate::api::{presented_key, sign};
use crate::app::Shared;
use crate::errors::ApiError;
use crate::model::Scope;
use axum::extract::State as Ctx;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

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
        Ok(Ok(())) => StatusCode::NO_CONTENT.into_response(),
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
