//! The Functions API v1beta1 (`/functions/v1beta1/regions/{region}/...`) and the IAM subset
//! (`/iam/v1alpha1/...`), behind the emulator's own secret key.

mod auth;
mod extract;
mod functions;
mod iam;
mod namespaces;
mod paging;
mod tokens;

use std::collections::{BTreeMap, HashMap};

use axum::middleware;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

pub use auth::presented_key;
pub use functions::new_function;
pub use iam::new_access_key;
pub use namespaces::new_namespace;
pub use tokens::sign;

use crate::app::{App, Shared};
use crate::errors::{ApiError, Reason};
use crate::model::{Change, Function, Namespace, Phase, Region, Settings, Token};
use crate::state::State;
use extract::Checker;
use paging::Paging;

/// Longest accepted description (the real limit is undocumented).
const MAX_DESCRIPTION: usize = 1000;

/// What an API handler answers.
type Answer = Result<Json<Value>, ApiError>;

/// The API routes, each requiring the secret key or an API key with the permission.
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
            &format!("{base}/functions/{{id}}/deploy"),
            post(functions::deploy),
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
        .route_layer(middleware::from_fn_with_state(
            app,
            auth::require_permission,
        ))
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
    /// When its creation (or, for a function, its deployment) began; none: not yet.
    fn started_at(&self) -> Option<OffsetDateTime>;
    fn deleted_at(&self) -> Option<OffsetDateTime>;
}

/// Implements [`Regional`] for a record with `region`, `deleted_at` and the named start field.
macro_rules! regional {
    ($record:ty, $not_found:literal, |$r:ident| $started_at:expr) => {
        impl Regional for $record {
            const NOT_FOUND: ApiError = ApiError::NotFound($not_found);
            fn region(&self) -> Region {
                self.region
            }
            fn started_at(&self) -> Option<OffsetDateTime> {
                let $r = self;
                $started_at
            }
            fn deleted_at(&self) -> Option<OffsetDateTime> {
                self.deleted_at
            }
        }
    };
}

regional!(Namespace, "Namespace was not found", |n| Some(n.created_at));
regional!(Function, "Function was not found", |f| f.deployed_at);
regional!(Token, "Token was not found", |t| Some(t.created_at));

/// `record` with its phase (`settled`: see [`App::settled`]), unless it is gone.
fn visible<T: Regional>(settled: OffsetDateTime, record: &T) -> Option<(&T, Phase)> {
    match Phase::at(settled, record.started_at(), record.deleted_at()) {
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

/// The `name` filter of namespace and function lists: the names containing it.
fn name_matches(filter: Option<&str>, name: &str) -> bool {
    filter.is_none_or(|f| name.contains(f))
}

/// A secret variable of a create body; only its name is kept.
#[derive(Deserialize)]
pub struct SecretVariable {
    key: String,
}

/// What namespace and function bodies may set and their answers echo.
#[derive(Deserialize)]
pub struct SettingsBody {
    description: Option<String>,
    tags: Option<Vec<String>>,
    environment_variables: Option<BTreeMap<String, String>>,
    secret_environment_variables: Option<Vec<SecretVariable>>,
}

/// The settings of a create body, refusing a too long description or an empty variable name.
fn settings(check: &mut Checker, body: SettingsBody) -> Settings {
    let description = check.text("description", body.description, MAX_DESCRIPTION);
    let environment_variables = body.environment_variables.unwrap_or_default();
    let secret_names: Vec<String> = (body.secret_environment_variables.unwrap_or_default())
        .into_iter()
        .map(|s| s.key)
        .collect();
    for (argument, names) in [
        (
            "environment_variables",
            environment_variables.keys().collect::<Vec<_>>(),
        ),
        (
            "secret_environment_variables",
            secret_names.iter().collect(),
        ),
    ] {
        if names.iter().any(|n| n.is_empty()) {
            check.refuse(
                argument,
                Reason::Constraint,
                "variable names must not be empty",
            );
        }
    }
    Settings {
        description,
        tags: body.tags.unwrap_or_default(),
        environment_variables,
        secret_names,
    }
}

/// The echoed settings as the API shows them; secret variables by name, their values hashed
/// away as the real API does.
fn settings_fields(settings: &Settings) -> [(&'static str, Value); 4] {
    let secrets: Vec<Value> = (settings.secret_names.iter())
        .map(|key| json!({ "key": key, "hashed_value": "<hidden>" }))
        .collect();
    [
        ("description", json!(settings.description)),
        ("tags", json!(settings.tags)),
        (
            "environment_variables",
            json!(settings.environment_variables),
        ),
        ("secret_environment_variables", json!(secrets)),
    ]
}

/// What a namespace or function name must be.
pub const NAME_RULE: &str = "1 to 63 lower-case letters, digits or hyphens";

/// Whether a namespace or function name follows [`NAME_RULE`].
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && (name.bytes()).all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A namespace or function name of a request body.
fn name(check: &mut Checker, name: Option<String>) -> String {
    let name = name.unwrap_or_default();
    if name.is_empty() {
        check.refuse("name", Reason::Required, "name is required");
    } else if !is_valid_name(&name) {
        check.refuse(
            "name",
            Reason::Constraint,
            format!("name must be {NAME_RULE}"),
        );
    }
    name
}

/// `n` random characters of `alphabet` (ids and suffixes that look like Scaleway's).
fn random_text(alphabet: &[u8], n: usize) -> String {
    let random = [Uuid::new_v4().into_bytes(), Uuid::new_v4().into_bytes()].concat();
    (random.iter().take(n))
        .map(|b| alphabet[usize::from(*b) % alphabet.len()] as char)
        .collect()
}
