//! Why the gateway refused a call. The caller always gets the same 403; the reason is only
//! named in the request log (`GET /emulator/requests`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Why a call to a private function was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// No `X-Auth-Token` (a browser preflight never has one).
    Missing,
    /// Not a JWT nor a key secret, or a JWT that cannot be decoded.
    Malformed,
    /// A JWT not signed by the namespace's key with RS256 (or for another audience or issuer).
    BadSignature,
    /// A token or API key past its expiry.
    Expired,
    /// A deleted (or unknown) token or API key.
    Revoked,
    /// A token of another function or namespace.
    OtherScope,
    /// An API key whose application has no policy opening the function's project.
    NoPolicy,
    /// An API key, or the rule opening the project to it, that the IAM instance answering the
    /// call has not learnt of yet (`--iam-propagation`).
    Propagating,
}

/// Why the gateway does not let a call through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NoSuchFunction,
    Forbidden(Reason),
}

impl From<Reason> for Refusal {
    fn from(reason: Reason) -> Self {
        Refusal::Forbidden(reason)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::NoSuchFunction => plain(StatusCode::NOT_FOUND, "function not found"),
            Refusal::Forbidden(reason) => {
                let mut response = plain(StatusCode::FORBIDDEN, "forbidden");
                response.extensions_mut().insert(reason);
                response
            }
        }
    }
}

/// A short plain-text answer of the gateway.
pub fn plain(status: StatusCode, message: &str) -> Response {
    (status, format!("{message}\n")).into_response()
}
