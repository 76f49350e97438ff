//! Tokens: create (the only answer showing the JWT), get, list, delete.

use std::sync::Arc;

use axum::extract::State as Ctx;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::extract::{path_id, region, Body, Checker, PathArgs, Query};
use super::paging::{By, Listed, Paging};
use super::{commit, date, delete_live, find_live, find_visible, visible, Answer, Regional};
use crate::app::Shared;
use crate::args::LegacyTokenCreation;
use crate::errors::{ApiError, Reason};
use crate::jwt::{Claims, NamespaceKey};
use crate::model::{Change, Namespace, Phase, Region, Scope, Token};
use crate::state::{State, TokenGroup};

/// A token as the API answers it: its JWT and the namespace's public key only at creation.
#[derive(Serialize)]
pub struct TokenView {
    id: Uuid,
    token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    function_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace_id: Option<Uuid>,
    public_key: String,
    status: &'static str,
    description: String,
    expires_at: Option<String>,
}

impl TokenView {
    /// The creation answer, with the secret JWT and the PEM of the key that signed it.
    fn created(token: &Token, jwt: String, public_key: String) -> Self {
        TokenView {
            token: jwt,
            public_key,
            ..TokenView::hidden(token, Phase::Creating)
        }
    }

    /// Every other answer: `<hidden>` and no key.
    fn hidden(token: &Token, phase: Phase) -> Self {
        let status = match phase {
            Phase::Waiting | Phase::Creating => "creating",
            Phase::Ready => "ready",
            Phase::Deleting | Phase::Gone => "deleting",
        };
        let (function_id, namespace_id) = match token.scope {
            Scope::Function(id) => (Some(id), None),
            Scope::Namespace(id) => (None, Some(id)),
        };
        TokenView {
            id: token.id,
            token: "<hidden>".into(),
            function_id,
            namespace_id,
            public_key: String::new(),
            status,
            description: token.description.clone(),
            expires_at: token.expires_at.map(date),
        }
    }
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

/// The JWT of a token: the same every time, as RS256 signatures are deterministic.
pub fn sign(key: &NamespaceKey, token: &Token) -> Result<String, String> {
    let claims = Claims::new(
        token.id,
        token.scope,
        token.created_at.unix_timestamp(),
        token.expires_at.map(OffsetDateTime::unix_timestamp),
    );
    key.sign(&claims)
}

/// POST `.../tokens`
pub async fn create(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    Body(body): Body<CreateToken>,
) -> Answer<TokenView> {
    let region = region(&region_name)?;
    if app.rules.legacy_token_creation == LegacyTokenCreation::Refuse {
        return Err(ApiError::TokenCreationRefused);
    }
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
    let jwt = sign(&key, &token).map_err(ApiError::Internal)?;
    let answer = TokenView::created(&token, jwt, key.public_pem.clone());
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
) -> Answer<TokenView> {
    let region = region(&region_name)?;
    let id = path_id("token_id", &id)?;
    let state = app.store.read();
    let (token, phase) = find_visible(&app, &state.tokens, id, region)?;
    Ok(Json(TokenView::hidden(token, phase)))
}

/// GET `.../tokens`
pub async fn list(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    query: Query,
) -> Answer<Listed<TokenView>> {
    let region = region(&region_name)?;
    let mut check = Checker::default();
    let paging = Paging::read(&query, &mut check, &[("created_at", By::CreatedAt)]);
    let function = check.uuid("function_id", query.get("function_id"));
    let namespace = check.uuid("namespace_id", query.get("namespace_id"));
    check.finish()?;
    // Each filter is a group of its own (a function token is never a namespace token), so a
    // page reads only its own tokens, whatever the number of others.
    let group = match (function, namespace) {
        (Some(_), Some(_)) => None,
        (Some(f), None) => Some(TokenGroup::Scope(Scope::Function(f))),
        (None, Some(n)) => Some(TokenGroup::Scope(Scope::Namespace(n))),
        (None, None) => Some(TokenGroup::Region(region)),
    };
    let settled = app.settled();
    let state = app.store.read();
    // The tokens of a scope all belong to the region of their function or namespace.
    let in_region = |group: &TokenGroup| {
        (state.tokens_of(*group, false).next()).is_none_or(|t| t.region == region)
    };
    let (shown, total) = match group.filter(in_region) {
        Some(group) => {
            let found =
                (state.tokens_of(group, paging.descending)).filter_map(|t| visible(settled, t));
            let shown = paging.page_of_known(found);
            (shown, state.visible_tokens(group, settled))
        }
        None => (Vec::new(), 0),
    };
    Ok(Json(Listed {
        field: "tokens",
        items: (shown.into_iter())
            .map(|(t, phase)| TokenView::hidden(t, phase))
            .collect(),
        total_count: total,
    }))
}

/// DELETE `.../tokens/{token_id}`
pub async fn delete(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
) -> Answer<TokenView> {
    let region = region(&region_name)?;
    let id = path_id("token_id", &id)?;
    delete_live(&app, id, region, |state| &state.tokens, TokenView::hidden).await
}
