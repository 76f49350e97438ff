//! Namespaces: list, get, create, update, delete.

use axum::extract::State as Ctx;
use axum::Json;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::extract::{path_id, region, Body, Checker, Fields, PathArgs, Query};
use super::paging::{By, Listed, Paging, SortKey};
use super::NAMED_ORDERS;
use super::{commit, date, delete_live, find_live, find_visible, name, name_matches};
use super::{random_text, read_settings, stored_date, visible_page, Answer, SettingsView};
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
        updated_at: None,
        deleted_at: None,
        private_key,
    })
}

/// The first 20 letters and digits of the namespace's name, lower-cased, then its random
/// suffix: the start of its functions' domains and the end of its registry's name.
pub fn slug(namespace: &Namespace) -> String {
    let name = (namespace.name.chars())
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .take(20);
    name.chain(namespace.suffix.chars()).collect()
}

/// A namespace as the API answers it.
#[derive(Serialize)]
pub struct NamespaceView {
    created_at: String,
    error_message: Option<String>,
    id: Uuid,
    name: String,
    organization_id: Uuid,
    project_id: Uuid,
    region: &'static str,
    registry_endpoint: String,
    registry_namespace_id: String,
    status: &'static str,
    updated_at: String,
    vpc_integration_activated: bool,
    #[serde(flatten)]
    settings: SettingsView,
}

impl NamespaceView {
    fn new(namespace: &Namespace, phase: Phase) -> Self {
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
        let updated_at = [namespace.updated_at, namespace.deleted_at]
            .into_iter()
            .flatten()
            .fold(namespace.created_at, OffsetDateTime::max);
        NamespaceView {
            created_at: stored_date(namespace.created_at),
            error_message: None,
            id: namespace.id,
            name: namespace.name.clone(),
            organization_id: namespace.organization_id,
            project_id: namespace.project_id,
            region: namespace.region.as_str(),
            registry_endpoint,
            registry_namespace_id,
            status,
            updated_at: stored_date(updated_at),
            vpc_integration_activated: false,
            settings: SettingsView::new(&namespace.settings),
        }
    }

    /// The create answer: the only one whose dates have nanoseconds.
    fn created(namespace: &Namespace) -> Self {
        NamespaceView {
            created_at: date(namespace.created_at),
            updated_at: date(namespace.created_at),
            ..NamespaceView::new(namespace, Phase::Creating)
        }
    }
}

/// GET `.../namespaces` (`project_id`, `organization_id`, `name`)
pub async fn list(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    query: Query,
) -> Answer<Listed<NamespaceView>> {
    let region = region(&region_name)?;
    let mut check = Checker::default();
    let paging = Paging::read(&query, &mut check, NAMED_ORDERS);
    let project = check.uuid("project_id", query.get("project_id"));
    let organization = check.uuid("organization_id", query.get("organization_id"));
    let name = query.get("name");
    check.finish()?;
    let state = app.store.read();
    let found = (state.namespaces.values())
        .filter(|n| project.is_none_or(|p| n.project_id == p))
        .filter(|n| organization.is_none_or(|o| n.organization_id == o))
        .filter(|n| name_matches(name, &n.name));
    let sorted = paging.sort(found, |n, by| match by {
        By::Name => SortKey::Text(&n.name),
        _ => SortKey::Date(Some(n.created_at)),
    });
    visible_page(
        &app,
        paging,
        "namespaces",
        sorted,
        region,
        NamespaceView::new,
    )
}

/// GET `.../namespaces/{namespace_id}`
pub async fn get(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
) -> Answer<NamespaceView> {
    let region = region(&region_name)?;
    let id = path_id("namespace_id", &id)?;
    let state = app.store.read();
    let (namespace, phase) = find_visible(&app, &state.namespaces, id, region)?;
    Ok(Json(NamespaceView::new(namespace, phase)))
}

/// POST `.../namespaces`
pub async fn create(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    Body(mut fields): Body<Fields>,
) -> Answer<NamespaceView> {
    let region = region(&region_name)?;
    let mut check = Checker::default();
    let name = name(&mut check, &mut fields);
    let project_id: Option<String> = fields.take(&mut check, "project_id");
    let project_id = check.uuid("project_id", project_id.as_deref());
    let mut settings = Settings::default();
    read_settings(&mut check, &mut fields, &mut settings);
    check.finish()?;
    let identity = app.store.read().identity;
    let bits = app.rsa_bits;
    let namespace = tokio::task::spawn_blocking(move || {
        new_namespace(&identity, region, name, project_id, settings, bits)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(ApiError::Internal)?;
    let answer = NamespaceView::created(&namespace);
    commit(&app, move |_| Ok((Change::Namespace(namespace), answer))).await
}

/// PATCH `.../namespaces/{namespace_id}` (UpdateNamespace): `description`, `tags`,
/// `environment_variables`, `secret_environment_variables`.
pub async fn update(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
    Body(mut fields): Body<Fields>,
) -> Answer<NamespaceView> {
    let region = region(&region_name)?;
    let id = path_id("namespace_id", &id)?;
    let settled = app.settled();
    commit(&app, move |state| {
        let mut namespace = find_live(&state.namespaces, id, region)?.clone();
        let mut check = Checker::default();
        read_settings(&mut check, &mut fields, &mut namespace.settings);
        fields.refuse_others(&mut check);
        check.finish()?;
        namespace.updated_at = Some(OffsetDateTime::now_utc());
        let phase = Phase::at(settled, Some(namespace.created_at), None);
        let answer = NamespaceView::new(&namespace, phase);
        Ok((Change::Namespace(namespace), answer))
    })
    .await
}

/// DELETE `.../namespaces/{namespace_id}`
pub async fn delete(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
) -> Answer<NamespaceView> {
    let region = region(&region_name)?;
    let id = path_id("namespace_id", &id)?;
    delete_live(
        &app,
        id,
        region,
        |state| &state.namespaces,
        NamespaceView::new,
    )
    .await
}
