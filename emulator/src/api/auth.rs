//! Who may call the API: the emulator's own secret key may do anything; the secret of an IAM API
//! key may do what the policies of its application grant. A valid key without the permission
//! gets 403 `permissions_denied`, an unknown or expired one 401 `denied_authentication`. A new
//! key or rule that IAM is still propagating gets the same 403: what Terraform retries.

use axum::extract::{Request, State as Ctx};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::app::Shared;
use crate::errors::ApiError;
use crate::propagation::Denial;

/// What a call needs: an action on a resource, and the permission sets that allow it.
struct Needed {
    resource: &'static str,
    action: &'static str,
    sets: &'static [&'static str],
    /// Granted on the emulator's project (Functions) or only on the organization (IAM).
    on_project: bool,
}

impl Needed {
    fn of(method: &Method, path: &str) -> Self {
        let read = method == Method::GET;
        let action = if read { "read" } else { "write" };
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            ["iam", _, collection, ..] => Needed {
                resource: match *collection {
                    "applications" => "application",
                    "policies" => "policy",
                    "rules" => "rule",
                    _ => "api_key",
                },
                action,
                sets: if read {
                    &["IAMReadOnly", "IAMManager"]
                } else {
                    &["IAMManager"]
                },
                on_project: false,
            },
            segments => Needed {
                resource: match segments.get(4).copied() {
                    Some("namespaces") => "namespace",
                    Some("functions") => "function",
                    _ => "token",
                },
                action,
                sets: if read {
                    &["FunctionsReadOnly", "FunctionsFullAccess"]
                } else {
                    &["FunctionsFullAccess"]
                },
                on_project: true,
            },
        }
    }
}

/// The secret key in `X-Auth-Token`, if it is one (a UUID).
pub fn presented_key(headers: &HeaderMap) -> Option<Uuid> {
    (headers.get("x-auth-token"))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| Uuid::try_parse(v).ok())
}

/// Lets a call through with the secret key, or with an API key allowed to make it (once the
/// IAM instance answering the call knows of the key and of the rule granting the permission).
pub async fn require_permission(Ctx(app): Ctx<Shared>, request: Request, next: Next) -> Response {
    let Some(secret) = presented_key(request.headers()) else {
        return ApiError::Denied("invalid_argument").into_response();
    };
    let refusal = {
        let state = app.store.read();
        if state.is_secret_key(secret) {
            None
        } else {
            let needed = Needed::of(request.method(), request.uri().path());
            let now = OffsetDateTime::now_utc();
            match state.api_key_by_secret(secret) {
                None => Some(ApiError::Denied("not_found")),
                Some(key) if key.expires_at.is_some_and(|at| at <= now) => {
                    Some(ApiError::Denied("expired"))
                }
                Some(key) => {
                    let project = needed.on_project.then_some(state.identity.project_id);
                    let rules = state.granting_rules(key.application_id, needed.sets, project);
                    let instance = app.propagation.instance();
                    (app.propagation.admit(instance, key, rules, now).err()).map(|denial| {
                        ApiError::PermissionsDenied {
                            resource: needed.resource,
                            action: needed.action,
                            propagating: denial == Denial::Propagating,
                        }
                    })
                }
            }
        }
    };
    match refusal {
        None => next.run(request).await,
        Some(error) => error.into_response(),
    }
}
