//! The API's error answers, shaped exactly like the real Functions API's.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// Why an argument was refused (`reason` on the wire).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Required,
    Format,
    Constraint,
}

/// One refused argument of an `invalid_arguments` answer.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub argument_name: String,
    pub help_message: String,
    pub reason: Reason,
}

/// Every way an API call can fail.
#[derive(Debug)]
pub enum ApiError {
    /// 401 `denied_authentication`; the reason is `invalid_argument` or `not_found`.
    Denied(&'static str),
    /// 404 with the message-only body, e.g. `Token was not found`.
    NotFound(&'static str),
    /// 404 `not_found` with `resource` and `resource_id`, as the IAM API answers.
    Missing {
        resource: &'static str,
        resource_id: String,
    },
    /// 403 `permissions_denied` for one resource and action; `propagating` when the permission
    /// exists but IAM is still propagating it (named in the request log only).
    PermissionsDenied {
        resource: &'static str,
        action: &'static str,
        propagating: bool,
    },
    /// 400 `invalid_arguments`.
    Invalid(Vec<Detail>),
    /// CreateToken under `--legacy-token-creation refuse`. Scaleway's real answer is not
    /// recorded: a 412 `precondition_failed` stands in for it.
    TokenCreationRefused,
    /// 500 when the machine itself fails (disk full, ...); never caused by input.
    Internal(String),
}

impl ApiError {
    /// A 400 naming one argument.
    pub fn invalid(argument: &str, reason: Reason, help: impl Into<String>) -> Self {
        ApiError::Invalid(vec![Detail {
            argument_name: argument.to_owned(),
            help_message: help.into(),
            reason,
        }])
    }
}

/// What one `permissions_denied` detail names.
#[derive(Serialize)]
struct Permission {
    action: &'static str,
    resource: &'static str,
}

/// An error body with a `type`, as Scaleway's APIs shape them.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Typed {
    DeniedAuthentication {
        message: &'static str,
        method: &'static str,
        reason: &'static str,
    },
    NotFound {
        message: &'static str,
        resource: &'static str,
        resource_id: String,
    },
    PermissionsDenied {
        details: [Permission; 1],
        message: &'static str,
    },
    InvalidArguments {
        details: Vec<Detail>,
        message: &'static str,
    },
    PreconditionFailed {
        help_message: &'static str,
        message: &'static str,
        precondition: &'static str,
    },
    InternalError {
        message: &'static str,
    },
}

/// An error answer's body: the Functions API's message-only 404, or a typed error.
#[derive(Serialize)]
#[serde(untagged)]
enum ErrorBody {
    Message { message: &'static str },
    Typed(Typed),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let logged = match self {
            ApiError::PermissionsDenied {
                propagating: true, ..
            } => Some(crate::refusal::Reason::Propagating),
            _ => None,
        };
        let (status, body) = match self {
            ApiError::Denied(reason) => (
                StatusCode::UNAUTHORIZED,
                Typed::DeniedAuthentication {
                    message: "authentication is denied",
                    method: "api_key",
                    reason,
                },
            ),
            ApiError::NotFound(message) => {
                let body = Json(ErrorBody::Message { message });
                return (StatusCode::NOT_FOUND, body).into_response();
            }
            ApiError::Missing {
                resource,
                resource_id,
            } => (
                StatusCode::NOT_FOUND,
                Typed::NotFound {
                    message: "resource is not found",
                    resource,
                    resource_id,
                },
            ),
            ApiError::PermissionsDenied {
                resource, action, ..
            } => (
                StatusCode::FORBIDDEN,
                Typed::PermissionsDenied {
                    details: [Permission { action, resource }],
                    message: "insufficient permissions",
                },
            ),
            ApiError::Invalid(details) => (
                StatusCode::BAD_REQUEST,
                Typed::InvalidArguments {
                    details,
                    message: "invalid argument(s)",
                },
            ),
            ApiError::TokenCreationRefused => (
                StatusCode::PRECONDITION_FAILED,
                Typed::PreconditionFailed {
                    help_message: "creating function tokens is disabled: call private functions with IAM API keys",
                    message: "precondition failed",
                    precondition: "token_creation_disabled",
                },
            ),
            ApiError::Internal(message) => {
                eprintln!("internal error: {message}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Typed::InternalError {
                        message: "internal error",
                    },
                )
            }
        };
        let mut response = (status, Json(ErrorBody::Typed(body))).into_response();
        if let Some(reason) = logged {
            response.extensions_mut().insert(reason);
        }
        response
    }
}
