//! The Functions API v1beta1 (`/functions/v1beta1/regions/{region}/...`) and the IAM subset
//! (`/iam/v1alpha1/...`), behind the emulator's own secret key.

mod auth;
mod extract;
mod functions;
mod iam;
mod namespaces;
mod paging;
mod tokens;
mod uploads;

use std::collections::{BTreeMap, HashMap};

use axum::http::HeaderValue;
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

pub use auth::presented_key;
pub use functions::new_function;
pub use iam::api_keys::new_access_key;
pub use namespaces::new_namespace;
pub use tokens::sign;
pub use uploads::{receive as receive_upload, Uploads};

use crate::app::{App, Shared};
use crate::errors::{ApiError, Reason};
use crate::model::{Change, Function, Namespace, Phase, Region, Settings, Token};
use crate::state::State;
use extract::{Checker, Fields};
use iam::{api_keys, applications, policies};
use paging::{By, Listed, Paging};

/// The orders of namespace and function lists (`created_at_asc` by default).
const NAMED_ORDERS: &[(&str, By)] = &[("created_at", By::CreatedAt), ("name", By::Name)];

/// Longest accepted description (the real limit is undocumented).
const MAX_DESCRIPTION: usize = 1000;

/// What an API handler answers: the view of a resource, or a list of them.
type Answer<T> = Result<Json<T>, ApiError>;

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
            get(namespaces::get)
                .patch(namespaces::update)
                .delete(namespaces::delete),
        )
        .route(
            &format!("{base}/functions"),
            get(functions::list).post(functions::create),
        )
        .route(
            &format!("{base}/functions/{{id}}"),
            get(functions::get)
                .patch(functions::update)
                .delete(functions::delete),
        )
        .route(
            &format!("{base}/functions/{{id}}/deploy"),
            post(functions::deploy),
        )
        .route(
            &format!("{base}/functions/{{id}}/upload-url"),
            get(uploads::upload_url),
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
            get(applications::list).post(applications::create),
        )
        .route(
            "/iam/v1alpha1/applications/{id}",
            get(applications::get).delete(applications::delete),
        )
        .route(
            "/iam/v1alpha1/policies",
            get(policies::list).post(policies::create),
        )
        .route(
            "/iam/v1alpha1/policies/{id}",
            get(policies::get)
                .patch(policies::update)
                .delete(policies::delete),
        )
        .route(
            "/iam/v1alpha1/rules",
            get(policies::list_rules).put(policies::set_rules),
        )
        .route(
            "/iam/v1alpha1/api-keys",
            get(api_keys::list).post(api_keys::create),
        )
        .route(
            "/iam/v1alpha1/api-keys/{id}",
            get(api_keys::get).delete(api_keys::delete),
        )
        .route_layer(middleware::from_fn_with_state(
            app,
            auth::require_permission,
        ))
        .layer(middleware::map_response(with_request_id))
}

/// Gives an API answer, error or not, its own `X-Request-Id` (a UUID), as Scaleway's answers
/// carry one.
async fn with_request_id(mut response: Response) -> Response {
    if let Ok(id) = HeaderValue::from_str(&Uuid::new_v4().to_string()) {
        response.headers_mut().insert("x-request-id", id);
    }
    response
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
fn visible_page<'a, T: Regional + 'a, V>(
    app: &App,
    paging: Paging,
    field: &'static str,
    records: impl Iterator<Item = &'a T>,
    region: Region,
    view: impl Fn(&T, Phase) -> V,
) -> Answer<Listed<V>> {
    let settled = app.settled();
    let found = (records.filter(|r| r.region() == region)).filter_map(|r| visible(settled, r));
    Ok(Json(
        paging.listed(field, found, |(r, phase)| view(r, phase)),
    ))
}

/// Marks the live record `id` of `region` deleted; answers its view as `deleting`.
async fn delete_live<T: Regional + 'static, V: Send + 'static>(
    app: &Shared,
    id: Uuid,
    region: Region,
    records: fn(&State) -> &HashMap<Uuid, T>,
    view: fn(&T, Phase) -> V,
) -> Answer<V> {
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

/// A namespace's or function's date as reads show it: whole microseconds, where only the
/// create answer has nanoseconds (as recorded).
fn stored_date(at: OffsetDateTime) -> String {
    date(at.replace_nanosecond(at.microsecond() * 1000).unwrap_or(at))
}

/// The `name` filter of namespace and function lists: the names containing it.
fn name_matches(filter: Option<&str>, name: &str) -> bool {
    filter.is_none_or(|f| name.contains(f))
}

/// A secret variable of a create or update body: a value sets it (only its name is kept), no
/// value removes it.
#[derive(Deserialize)]
struct SecretVariable {
    key: String,
    value: Option<String>,
}

/// Reads the settings that namespace and function bodies share into `settings`: a create
/// starts from the defaults, an update changes only what it names. `environment_variables`
/// replaces the variables; `secret_environment_variables` adds, replaces or removes by name.
fn read_settings(check: &mut Checker, fields: &mut Fields, settings: &mut Settings) {
    if let Some(description) = fields.take(check, "description") {
        settings.description = check.text("description", Some(description), MAX_DESCRIPTION);
    }
    if let Some(tags) = fields.take(check, "tags") {
        settings.tags = tags;
    }
    if let Some(variables) = fields.take::<BTreeMap<String, String>>(check, "environment_variables")
    {
        if variables.keys().any(String::is_empty) {
            let help = "variable names must not be empty";
            check.refuse("environment_variables", Reason::Constraint, help);
        }
        settings.environment_variables = variables;
    }
    let secrets: Vec<SecretVariable> =
        (fields.take(check, "secret_environment_variables")).unwrap_or_default();
    for secret in secrets {
        if secret.key.is_empty() {
            let help = "variable names must not be empty";
            check.refuse("secret_environment_variables", Reason::Constraint, help);
        }
        settings.secret_names.retain(|name| *name != secret.key);
        if secret.value.is_some() {
            settings.secret_names.push(secret.key);
        }
    }
}

/// A secret variable as answers show it: its value is never kept.
#[derive(Serialize)]
struct HashedSecret {
    key: String,
    hashed_value: &'static str,
}

/// The echoed settings of a namespace or function.
#[derive(Serialize)]
struct SettingsView {
    description: String,
    tags: Vec<String>,
    environment_variables: BTreeMap<String, String>,
    secret_environment_variables: Vec<HashedSecret>,
}

impl SettingsView {
    fn new(settings: &Settings) -> Self {
        SettingsView {
            description: settings.description.clone(),
            tags: settings.tags.clone(),
            environment_variables: settings.environment_variables.clone(),
            secret_environment_variables: (settings.secret_names.iter())
                .map(|key| HashedSecret {
                    key: key.clone(),
                    hashed_value: "<hidden>",
                })
                .collect(),
        }
    }
}

/// What a namespace or function name must be.
pub const NAME_RULE: &str = "1 to 63 lower-case letters, digits or hyphens";

/// Whether a namespace or function name follows [`NAME_RULE`].
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && (name.bytes()).all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The name of a create body.
fn name(check: &mut Checker, fields: &mut Fields) -> String {
    let name: String = fields.take(check, "name").unwrap_or_default();
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
