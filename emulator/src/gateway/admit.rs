//! The gateway's decision: does this credential open this private function, and if not, why.

use axum::http::HeaderMap;
use time::OffsetDateTime;
use uuid::Uuid;

use super::Target;
use crate::app::App;
use crate::jwt::application_claim;
use crate::model::Scope;
use crate::propagation::Denial;
use crate::refusal::Reason;
use crate::requests::Credential;

/// Permission sets that open a project's private functions to an IAM application.
pub const FUNCTION_ACCESS: [&str; 2] = ["FunctionsPrivateAccess", "FunctionsFullAccess"];

/// Lets a call through to a private function with a valid token for it, or with the secret key
/// of an IAM API key allowed to call the functions of its project; says which one it was.
pub fn check(app: &App, target: &Target, headers: &HeaderMap) -> Result<Credential, Reason> {
    let credential = (headers.get("x-auth-token"))
        .ok_or(Reason::Missing)?
        .to_str()
        .map_err(|_| Reason::Malformed)?;
    if let Ok(secret) = Uuid::try_parse(credential) {
        return api_key(app, secret, target);
    }
    // Signature, algorithm, audience, issuer and `exp` are checked without any lock held.
    let claims = target.key.verify(credential)?;
    let token_id = Uuid::try_parse(&claims.jti).map_err(|_| Reason::Malformed)?;
    let state = app.store.read();
    let token = (state.tokens.get(&token_id))
        .filter(|t| t.deleted_at.is_none())
        .ok_or(Reason::Revoked)?;
    if token
        .expires_at
        .is_some_and(|at| OffsetDateTime::now_utc() >= at)
    {
        return Err(Reason::Expired);
    }
    let opens = match token.scope {
        Scope::Function(id) => id == target.function_id,
        Scope::Namespace(id) => id == target.namespace_id,
    };
    if opens && claims.application_claim == application_claim(token.scope) {
        Ok(Credential::TokenId(token_id))
    } else {
        Err(Reason::OtherScope)
    }
}

/// An IAM secret key opens the function when it is live and its application holds a policy
/// granting function access on the namespace's project (or its whole organization), once the
/// IAM instance answering the call knows of both.
fn api_key(app: &App, secret: Uuid, target: &Target) -> Result<Credential, Reason> {
    let state = app.store.read();
    let key = state.api_key_by_secret(secret).ok_or(Reason::Revoked)?;
    let now = OffsetDateTime::now_utc();
    if key.expires_at.is_some_and(|at| now >= at) {
        return Err(Reason::Expired);
    }
    let rules = state.granting_rules(
        key.application_id,
        &FUNCTION_ACCESS,
        Some(target.project_id),
    );
    let instance = app.propagation.instance();
    (app.propagation.admit(instance, key, rules, now))
        .map(|()| Credential::AccessKey(key.access_key.clone()))
        .map_err(|denial| match denial {
            Denial::NoGrant => Reason::NoPolicy,
            Denial::Propagating => Reason::Propagating,
        })
}
