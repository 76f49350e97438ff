//! The IAM API subset behind private functions: applications, policies with rules, API keys.
//! `/iam/v1alpha1/...`, not regional; deletions answer 204 and take effect at once.

pub mod api_keys;
pub mod applications;
pub mod policies;

use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;

use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;

use super::commit;
use super::extract::{Checker, Query};
use crate::app::Shared;
use crate::errors::{ApiError, Reason};
use crate::model::Change;
use crate::state::State;

/// Longest IAM name (applications, policies).
const MAX_NAME: usize = 64;

/// What a deletion answers: 204 with no body, but with the JSON content type, as recorded.
type Deleted = Result<(StatusCode, [(axum::http::HeaderName, &'static str); 1]), ApiError>;

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

/// The organization of a create body: required and a UUID.
fn organization(check: &mut Checker, value: Option<&str>) -> Option<uuid::Uuid> {
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
fn own(
    app: &Shared,
    organization: Option<uuid::Uuid>,
    resource: &'static str,
) -> Result<uuid::Uuid, ApiError> {
    let expected = app.store.read().identity.organization_id;
    match organization {
        Some(id) if id == expected => Ok(id),
        _ => Err(ApiError::PermissionsDenied {
            resource,
            action: "write",
            propagating: false,
        }),
    }
}

/// The filters every IAM list takes alike: `organization_id` (the emulator has one) and
/// `editable` (every record the emulator makes is editable). Whether they leave anything.
fn common_filters(app: &Shared, check: &mut Checker, query: &Query) -> bool {
    let organization = check.uuid("organization_id", query.get("organization_id"));
    let editable = check.boolean("editable", query.get("editable"));
    let ours = app.store.read().identity.organization_id;
    organization.is_none_or(|o| o == ours) && editable != Some(false)
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
    .map(|_| (StatusCode::NO_CONTENT, [(CONTENT_TYPE, "application/json")]))
}
