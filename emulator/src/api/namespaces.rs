//! Namespaces: list, get, create, delete.

use axum::extract::State as Ctx;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use super::extract::{path_id, region, Body, Checker, PathArgs, QueryMap};
use super::paging::Paging;
use super::{commit, date, delete_live, find_visible, name, name_matches, random_text};
use super::{settings, settings_fields, visible_page, Answer, SettingsBody};
use crate::app::Shared;
use crate::errors::ApiError;
use crate::jwt::NamespaceKey;
use crate::model::{Change, Namespace, Phase, Region, Settings};
use crate::state::Identity;

/// A new namespace with a fresh signing key (slow: generates an RSA key).
pub fn new_namespace(
    identity: &Identity,
    region: Region,
    name: String,
    project_id: Option<Uuid>,
    settings: Settings,
    bits: usize,
) -> Result<Namespace, String> {
    let (private_key, _) = NamespaceKey::generate(bits)?;
    Ok(Namespace {
        id: Uuid::new_v4(),
        name,
        region,
        project_id: project_id.unwrap_or(identity.project_id),
        organization_id: identity.organization_id,
        settings,
        suffix: random_text(b"abcdefghijklmnopqrstuvwxyz0123456789", 8),
        registry_namespace_id: Uuid::new_v4(),
        created_at: OffsetDateTime::now_utc(),
        deleted_at: None,
        private_key,
    })
}

/// The namespace's name without its non-alphanumeric characters, then its random suffix: the
/// start of its functions' domains and the end of its registry's name.
pub fn slug(namespace: &Namespace) -> String {
    let name = namespace.name.chars().filter(char::is_ascii_alphanumeric);
    name.chain(namespace.suffix.chars()).collect()
}

fn view(namespace: &Namespace, phase: Phase) -> Value {
    let status = match phase {
        Phase::Waiting | Phase::Creating => "pending",
        Phase::Ready => "ready",
        Phase::Deleting | Phase::Gone => "deleting",
    };
    // The container registry exists once the namespace is ready.
    let (registry_endpoint, registry_namespace_id) = match phase {
        Phase::Ready | Phase::Deleting => (
            format!(
                "rg.{}.scw.cloud/funcscw{}",
                namespace.region.as_str(),
                slug(namespace)
            ),
            namespace.registry_namespace_id.to_string(),
        ),
        _ => (String::new(), String::new()),
    };
    let mut fields = Map::new();
    for (name, value) in [
        ("created_at", json!(date(namespace.created_at))),
        ("error_message", Value::Null),
        ("id", json!(namespace.id)),
        ("name", json!(namespace.name)),
        ("organization_id", json!(namespace.organization_id)),
        ("project_id", json!(namespace.project_id)),
        ("region", json!(namespace.region.as_str())),
        ("registry_endpoint", json!(registry_endpoint)),
        ("registry_namespace_id", json!(registry_namespace_id)),
        ("status", json!(status)),
        (
            "updated_at",
            json!(date(namespace.deleted_at.unwrap_or(namespace.created_at))),
        ),
        ("vpc_integration_activated", json!(false)),
    ]
    .into_iter()
    .chain(settings_fields(&namespace.settings))
    {
        fields.insert(name.into(), value);
    }
    Value::Object(fields)
}

/// GET `.../namespaces` (`project_id`, `organization_id`, `name`)
pub async fn list(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    QueryMap(query): QueryMap,
) -> Answer {
    let region = region(&region_name)?;
    let mut check = Checker::default();
    let paging = Paging::read(&query, &mut check, true);
    let get = |name: &str| query.get(name).map(String::as_str);
    let project = check.uuid("project_id", get("project_id"));
    let organization = check.uuid("organization_id", get("organization_id"));
    let name = get("name");
    check.finish()?;
    let state = app.store.read();
    let found = (state.namespaces.values())
        .filter(|n| project.is_none_or(|p| n.project_id == p))
        .filter(|n| organization.is_none_or(|o| n.organization_id == o))
        .filter(|n| name_matches(name, &n.name));
    let sorted = paging.sort(found, |n| n.created_at, |n| &n.name);
    visible_page(&app, paging, "namespaces", sorted, region, view)
}

/// GET `.../namespaces/{namespace_id}`
pub async fn get(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
) -> Answer {
    let region = region(&region_name)?;
    let id = path_id("namespace_id", &id)?;
    let state = app.store.read();
    let (namespace, phase) = find_visible(&app, &state.namespaces, id, region)?;
    Ok(Json(view(namespace, phase)))
}

/// Body of CreateNamespace.
#[derive(Deserialize)]
pub struct CreateNamespace {
    name: Option<String>,
    project_id: Option<String>,
    #[serde(flatten)]
    settings: SettingsBody,
}

/// POST `.../namespaces`
pub async fn create(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    Body(body): Body<CreateNamespace>,
) -> Answer {
    let region = region(&region_name)?;
    let mut check = Checker::default();
    let name = name(&mut check, body.name);
    let project_id = check.uuid("project_id", body.project_id.as_deref());
    let settings = settings(&mut check, body.settings);
    check.finish()?;
    let identity = app.store.read().identity;
    let bits = app.rsa_bits;
    let namespace = tokio::task::spawn_blocking(move || {
        new_namespace(&identity, region, name, project_id, settings, bits)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(ApiError::Internal)?;
    let answer = view(&namespace, Phase::Creating);
    commit(&app, move |_| Ok((Change::Namespace(namespace), answer))).await
}

/// DELETE `.../namespaces/{namespace_id}`
pub async fn delete(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
) -> Answer {
    let region = region(&region_name)?;
    let id = path_id("namespace_id", &id)?;
    delete_live(&app, id, region, |state| &state.namespaces, view).await
}
