//! The Functions API v1beta1 (`/functions/v1beta1/regions/{region}/...`) and the IAM subset
//! (`/iam/v1alpha1/...`), behind the emulator's own secret key.

mod extract;
mod functions;
mod iam;
mod namespaces;
mod paging;
mod tokens;

use std::collections::HashMap;

use axum::extract::{Request, State as Ctx};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;
use subtle::ConstantTimeEq;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

pub use functions::new_function;
pub use namespaces::new_namespace;

use crate::app::{App, Shared};
use crate::errors::{ApiError, Reason};
use crate::model::{Change, Function, Namespace, Phase, Region, Token};
use crate::state::State;
use extract::Checker;
use paging::Paging;

/// Longest accepted description (the real limit is undocumented).
const MAX_DESCRIPTION: usize = 1000;

/// What an API handler answers.
type Answer = Result<Json<Value>, ApiError>;

/// The API routes, each requiring the secret key.
pub fn router(app: Shared) -> Router<Shared> {
    let base = "/functions/v1beta1/regions/{region}";
    Router::new()
        .route(
            &format!("{base}/namespaces"),
            get(namespaces::list).post(namespaces::create),
        )
        .route(
            &format!("{base}/namespaces/{{id}}"),
            get(namespaces::get).delete(namespaces::delete),
        )
        .route(
            &format!("{base}/functions"),
            get(functions::list).post(functions::create),
        )
        .route(
            &format!("{base}/functions/{{id}}"),
            get(functions::get).delete(functions::delete),
        )
        .route(
            &format!("{base}/tokens"),
            get(tokens::list).post(tokens::create),
        )
        .route(
            &format!("{base}/tokens/{{id}}"),
            get(tokens::get).delete(tokens::delete),
        )
        .route(
            "/iam/v1alpha1/applications",
            get(iam::list_applications).post(iam::create_application),
        )
        .route(
            "/iam/v1alpha1/applications/{id}",
            get(iam::get_application).delete(iam::delete_application),
        )
        .route(
            "/iam/v1alpha1/policies",
            get(iam::list_policies).post(iam::create_policy),
        )
        .route(
            "/iam/v1alpha1/policies/{id}",
            get(iam::get_policy).delete(iam::delete_policy),
        )
        .route("/iam/v1alpha1/rules", get(iam::list_rules))
        .route(
            "/iam/v1alpha1/api-keys",
            get(iam::list_api_keys).post(iam::create_api_key),
        )
        .route(
            "/iam/v1alpha1/api-keys/{id}",
            get(iam::get_api_key).delete(iam::delete_api_key),
        )
        .route_layer(middleware::from_fn_with_state(app, require_secret_key))
}

/// Refuses calls without the emulator's secret key in `X-Auth-Token`, as the real API does.
async fn require_secret_key(Ctx(app): Ctx<Shared>, request: Request, next: Next) -> Response {
    use axum::response::IntoResponse;
    let given = (request.headers().get("x-auth-token"))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| Uuid::try_parse(v).ok());
    let expected = app.store.read().identity.secret_key;
    match given {
        None => ApiError::Denied("invalid_argument").into_response(),
        Some(key) if bool::from(key.as_bytes().ct_eq(expected.as_bytes())) => {
            next.run(request).await
        }
        Some(_) => ApiError::Denied("not_found").into_response(),
    }
}

/// Makes a change on a blocking thread (it may wait for the disk).
async fn commit<T: Send + 'static>(
    app: &Shared,
    plan: impl FnOnce(&State) -> Result<(Change, T), ApiError> + Send + 'static,
) -> Result<Json<T>, ApiError> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || app.store.commit(plan))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map(Json)
}

/// A regional record of the Functions API (namespace, function, token), deleted in two steps:
/// marked `deleting` at once, gone once the delay has passed.
trait Regional {
    /// What a call naming a record that is not there answers, e.g. `Token was not found`.
    const NOT_FOUND: ApiError;
    fn region(&self) -> Region;
    fn created_at(&self) -> OffsetDateTime;
    fn deleted_at(&self) -> Option<OffsetDateTime>;
}

/// Implements [`Regional`] for a record with `region`, `created_at` and `deleted_at` fields.
macro_rules! regional {
    ($record:ty, $not_found:literal) => {
        impl Regional for $record {
            const NOT_FOUND: ApiError = ApiError::NotFound($not_found);
            fn region(&self) -> Region {
                self.region
            }
            fn created_at(&self) -> OffsetDateTime {
                self.created_at
            }
            fn deleted_at(&self) -> Option<OffsetDateTime> {
                self.deleted_at
            }
        }
    };
}

regional!(Namespace, "Namespace was not found");
regional!(Function, "Function was not found");
regional!(Token, "Token was not found");

/// `record` with its phase (`settled`: see [`App::settled`]), unless it is gone.
fn visible<T: Regional>(settled: OffsetDateTime, record: &T) -> Option<(&T, Phase)> {
    match Phase::at(settled, record.created_at(), record.deleted_at()) {
        Phase::Gone => None,
        phase => Some((record, phase)),
    }
}

/// The record `id` of `region` with its phase, unless it is missing or gone (GET).
fn find_visible<'a, T: Regional>(
    app: &App,
    records: &'a HashMap<Uuid, T>,
    id: Uuid,
    region: Region,
) -> Result<(&'a T, Phase), ApiError> {
    (records.get(&id))
        .filter(|r| r.region() == region)
        .and_then(|r| visible(app.settled(), r))
        .ok_or(T::NOT_FOUND)
}

/// The record `id` of `region`, unless it is missing or already deleted (even if still
/// `deleting`): what DELETE and the records a creation depends on need.
fn find_live<T: Regional>(
    records: &HashMap<Uuid, T>,
    id: Uuid,
    region: Region,
) -> Result<&T, ApiError> {
    (records.get(&id))
        .filter(|r| r.region() == region && r.deleted_at().is_none())
        .ok_or(T::NOT_FOUND)
}

/// One page of the `records` (already in order and filtered) of `region` that are not gone,
/// shown by `view` under `field`, with how many there are in all (list calls).
fn visible_page<'a, T: Regional + 'a>(
    app: &App,
    paging: Paging,
    field: &str,
    records: impl Iterator<Item = &'a T>,
    region: Region,
    view: impl Fn(&T, Phase) -> Value,
) -> Answer {
    let settled = app.settled();
    let found = (records.filter(|r| r.region() == region)).filter_map(|r| visible(settled, r));
    let (page, total) = paging.page(found);
    let shown: Vec<Value> = page.into_iter().map(|(r, phase)| view(r, phase)).collect();
    Ok(Json(
        serde_json::json!({ field: shown, "total_count": total }),
    ))
}

/// Marks the live record `id` of `region` deleted; answers its view as `deleting`.
async fn delete_live<T: Regional + 'static>(
    app: &Shared,
    id: Uuid,
    region: Region,
    records: fn(&State) -> &HashMap<Uuid, T>,
    view: fn(&T, Phase) -> Value,
) -> Answer {
    commit(app, move |state| {
        let answer = view(find_live(records(state), id, region)?, Phase::Deleting);
        let at = OffsetDateTime::now_utc();
        Ok((Change::Delete { id, at }, answer))
    })
    .await
}

/// A date as the API writes it: RFC 3339 in UTC with `Z`, nanoseconds when there are some.
fn date(at: OffsetDateTime) -> String {
    (at.to_offset(time::UtcOffset::UTC).format(&Rfc3339)).unwrap_or_default()
}

/// Records sorted by a date, oldest first unless `descending`.
fn in_order<'a, T: 'a>(
    records: impl Iterator<Item = &'a T>,
    created_at: impl Fn(&T) -> OffsetDateTime,
    descending: bool,
) -> impl Iterator<Item = &'a T> {
    let mut sorted: Vec<&T> = records.collect();
    sorted.sort_by_key(|r| created_at(r));
    if descending {
        sorted.reverse();
    }
    sorted.into_iter()
}

/// A namespace or function name: 1 to 63 lower-case letters, digits or hyphens.
fn name(check: &mut Checker, name: Option<String>) -> String {
    let name = name.unwrap_or_default();
    if name.is_empty() {
        check.refuse("name", Reason::Required, "name is required");
    } else if name.len() > 63
        || !(name.bytes()).all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        let help = "name must be 1 to 63 lower-case letters, digits or hyphens";
        check.refuse("name", Reason::Constraint, help);
    }
    name
}
