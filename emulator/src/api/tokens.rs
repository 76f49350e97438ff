//! Tokens: create (the only answer showing the JWT), get, list, delete.

use std::sync::Arc;

use axum::extract::State as Ctx;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use super::extract::{path_id, region, Body, Checker, PathArgs, QueryMap};
use super::paging::Paging;
use super::{commit, date, delete_live, find_live, find_visible, visible_page, Answer, Regional};
use crate::app::Shared;
use crate::errors::{ApiError, Reason};
use crate::jwt::{Claims, NamespaceKey};
use crate::model::{Change, Namespace, Phase, Region, Scope, Token};
use crate::state::State;

/// What only the creation answer shows.
struct Secret<'a> {
    jwt: &'a str,
    public_key: &'a str,
}

fn view(token: &Token, phase: Phase, secret: Option<Secret>) -> Value {
    let status = match phase {
        Phase::Creating => "creating",
        Phase::Ready => "ready",
        Phase::Deleting | Phase::Gone => "deleting",
    };
    let (jwt, public_key) = secret.map_or(("<hidden>", ""), |s| (s.jwt, s.public_key));
    let mut fields = Map::new();
    fields.insert("id".into(), json!(token.id));
    fields.insert("token".into(), json!(jwt));
    match token.scope {
        Scope::Function(id) => fields.insert("function_id".into(), json!(id)),
        Scope::Namespace(id) => fields.insert("namespace_id".into(), json!(id)),
    };
    fields.insert("public_key".into(), json!(public_key));
    fields.insert("status".into(), json!(status));
    fields.insert("description".into(), json!(token.description));
    fields.insert("expires_at".into(), json!(token.expires_at.map(date)));
    Value::Object(fields)
}

/// A token as every answer but the creation one shows it: without its JWT.
fn hidden(token: &Token, phase: Phase) -> Value {
    view(token, phase, None)
}

/// Body of CreateToken.
#[derive(Deserialize)]
pub struct CreateToken {
    function_id: Option<String>,
    namespace_id: Option<String>,
    description: Option<String>,
    expires_at: Option<String>,
}

/// The namespace whose key signs tokens of `scope`, if the scope's target exists in `region`.
fn signer(state: &State, region: Region, scope: Scope) -> Result<Arc<NamespaceKey>, ApiError> {
    let namespace_id = match scope {
        Scope::Function(id) => find_live(&state.functions, id, region)?.namespace_id,
        Scope::Namespace(id) => id,
    };
    let namespace = find_live(&state.namespaces, namespace_id, region)?;
    state.key(namespace.id).cloned().ok_or(Namespace::NOT_FOUND)
}

/// POST `.../tokens`
pub async fn create(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    Body(body): Body<CreateToken>,
) -> Answer {
    let region = region(&region_name)?;
    let now = OffsetDateTime::now_utc();
    let mut check = Checker::default();
    let function = check.uuid("function_id", body.function_id.as_deref());
    let namespace = check.uuid("namespace_id", body.namespace_id.as_deref());
    let scope = match (body.function_id.is_some(), body.namespace_id.is_some()) {
        (true, true) => {
            let help = "exactly one of function_id and namespace_id must be set";
            check.refuse("function_id", Reason::Constraint, help);
            None
        }
        (false, false) => {
            let help = "one of function_id and namespace_id is required";
            check.refuse("function_id", Reason::Required, help);
            None
        }
        _ => function
            .map(Scope::Function)
            .or(namespace.map(Scope::Namespace)),
    };
    let expires_at = check.date("expires_at", body.expires_at.as_deref());
    if expires_at.is_some_and(|at| at <= now) {
        check.refuse(
            "expires_at",
            Reason::Constraint,
            "expires_at must be in the future",
        );
    }
    let description = check.text("description", body.description, super::MAX_DESCRIPTION);
    check.finish()?;
    let Some(scope) = scope else {
        return Err(ApiError::Internal("scope checked above".into()));
    };
    let key = signer(&app.store.read(), region, scope)?;
    let token = Token {
        id: Uuid::new_v4(),
        scope,
        region,
        description,
        expires_at,
        created_at: now,
        deleted_at: None,
    };
    let claims = Claims::new(
        token.id,
        scope,
        now.unix_timestamp(),
        expires_at.map(OffsetDateTime::unix_timestamp),
    );
    let jwt = key.sign(&claims).map_err(ApiError::Internal)?;
    let secret = Secret {
        jwt: &jwt,
        public_key: &key.public_pem,
    };
    let answer = view(&token, Phase::Creating, Some(secret));
    commit(&app, move |state| {
        // The target may have been deleted while the token was being signed.
        signer(state, region, scope)?;
        Ok((Change::Token(token), answer))
    })
    .await
}

/// GET `.../tokens/{token_id}`
pub async fn get(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
) -> Answer {
    let region = region(&region_name)?;
    let id = path_id("token_id", &id)?;
    let state = app.store.read();
    let (token, phase) = find_visible(&app, &state.tokens, id, region)?;
    Ok(Json(hidden(token, phase)))
}

/// GET `.../tokens`
pub async fn list(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    QueryMap(query): QueryMap,
) -> Answer {
    let region = region(&region_name)?;
    let mut check = Checker::default();
    let paging = Paging::read(&query, &mut check);
    let get = |name: &str| query.get(name).map(String::as_str);
    let function = check.uuid("function_id", get("function_id"));
    let namespace = check.uuid("namespace_id", get("namespace_id"));
    check.finish()?;
    let state = app.store.read();
    let found = (state.tokens_in_order(paging.descending))
        .filter(|t| function.is_none_or(|f| t.scope == Scope::Function(f)))
        .filter(|t| namespace.is_none_or(|n| t.scope == Scope::Namespace(n)));
    visible_page(&app, paging, "tokens", found, region, hidden)
}

/// DELETE `.../tokens/{token_id}`
pub async fn delete(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
) -> Answer {
    let region = region(&region_name)?;
    let id = path_id("token_id", &id)?;
    delete_live(&app, id, region, |state| &state.tokens, hidden).await
}
