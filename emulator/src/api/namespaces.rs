//! Namespaces: list, get, create, delete.

use axum::extract::State as Ctx;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use super::extract::{path_id, region, Body, Checker, PathArgs, QueryMap};
use super::paging::Paging;
use super::{commit, date, delete_live, find_visible, in_order, name, visible_page, Answer};
use crate::app::Shared;
use crate::errors::ApiError;
use crate::jwt::NamespaceKey;
use crate::model::{Change, Namespace, Phase, Region};
use crate::state::Identity;

/// A new namespace with a fresh signing key (slow: generates an RSA key).
pub fn new_namespace(
    identity: &Identity,
    region: Region,
    name: String,
    project_id: Option<Uuid>,
    description: String,
    bits: usize,
) -> Result<Namespace, String> {
    let (private_key, _) = NamespaceKey::generate(bits)?;
    Ok(Namespace {
        id: Uuid::new_v4(),
        name,
        region,
        project_id: project_id.unwrap_or(identity.project_id),
        organization_id: identity.organization_id,
        description,
        created_at: OffsetDateTime::now_utc(),
        deleted_at: None,
        private_key,
    })
}

fn view(namespace: &Namespace, phase: Phase) -> Value {
    let status = match phase {
        Phase::Creating => "pending",
        Phase::Ready => "ready",
        Phase::Deleting | Phase::Gone => "deleting",
    };
    json!({
        "id": namespace.id,
        "name": namespace.name,
        "environment_variables": {},
        "organization_id": namespace.organization_id,
        "project_id": namespace.project_id,
        "status": status,
        "registry_namespace_id": "",
        "error_message": null,
        "registry_endpoint": "",
        "description": namespace.description,
        "secret_environment_variables": [],
        "region": namespace.region.as_str(),
        "tags": [],
        "created_at": date(namespace.created_at),
        "updated_at": date(namespace.deleted_at.unwrap_or(namespace.created_at)),
        "vpc_integration_activated": false,
    })
}

/// GET `.../namespaces`
pub async fn list(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    QueryMap(query): QueryMap,
) -> Answer {
    let region = region(&region_name)?;
    let mut check = Checker::default();
    let paging = Paging::read(&query, &mut check);
    let project = check.uuid("project_id", query.get("project_id").map(String::as_str));
    check.finish()?;
    let state = app.store.read();
    let found = in_order(
        state.namespaces.values(),
        |n| n.created_at,
        paging.descending,
    )
    .filter(|n| project.is_none_or(|p| n.project_id == p));
    visible_page(&app, paging, "namespaces", found, region, view)
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
    description: Option<String>,
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
    let description = check.text("description", body.description, super::MAX_DESCRIPTION);
    check.finish()?;
    let identity = app.store.read().identity;
    let bits = app.rsa_bits;
    let namespace = tokio::task::spawn_blocking(move || {
        new_namespace(&identity, region, name, project_id, description, bits)
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
