//! IAM applications: the principals that API keys and policies belong to.

use axum::extract::State as Ctx;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{common_filters, forget, iam_name, lookup, organization, own, Deleted};
use crate::api::extract::{path_id, Body, Checker, PathArgs, Query};
use crate::api::paging::{By, Listed, Paging, SortKey};
use crate::api::{commit, date, Answer, MAX_DESCRIPTION};
use crate::app::Shared;
use crate::model::{Application, Change};
use crate::state::State;

/// An application as the API answers it.
#[derive(Serialize)]
pub struct ApplicationView {
    id: Uuid,
    name: String,
    description: String,
    created_at: String,
    updated_at: String,
    organization_id: Uuid,
    editable: bool,
    deletable: bool,
    managed: bool,
    nb_api_keys: usize,
    tags: Vec<String>,
}

impl ApplicationView {
    fn new(state: &State, application: &Application) -> Self {
        let keys = (state.api_keys.values())
            .filter(|k| k.application_id == application.id)
            .count();
        ApplicationView {
            id: application.id,
            name: application.name.clone(),
            description: application.description.clone(),
            created_at: date(application.created_at),
            updated_at: date(application.created_at),
            organization_id: application.organization_id,
            editable: true,
            deletable: true,
            managed: false,
            nb_api_keys: keys,
            tags: application.tags.clone(),
        }
    }
}

/// Body of CreateApplication.
#[derive(Deserialize)]
pub struct CreateApplication {
    name: Option<String>,
    organization_id: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
}

/// POST `/iam/v1alpha1/applications`
pub async fn create(
    Ctx(app): Ctx<Shared>,
    Body(body): Body<CreateApplication>,
) -> Answer<ApplicationView> {
    let mut check = Checker::default();
    let organization = organization(&mut check, body.organization_id.as_deref());
    let name = iam_name(&mut check, body.name);
    let description = check.text("description", body.description, MAX_DESCRIPTION);
    check.finish()?;
    let application = Application {
        id: Uuid::new_v4(),
        name,
        organization_id: own(&app, organization, "application")?,
        description,
        tags: body.tags.unwrap_or_default(),
        created_at: OffsetDateTime::now_utc(),
    };
    commit(&app, move |state| {
        let answer = ApplicationView::new(state, &application);
        Ok((Change::Application(application), answer))
    })
    .await
}

/// GET `/iam/v1alpha1/applications/{id}`
pub async fn get(Ctx(app): Ctx<Shared>, PathArgs(id): PathArgs<String>) -> Answer<ApplicationView> {
    let id = path_id("application_id", &id)?;
    let state = app.store.read();
    let application = lookup(&state.applications, &id, "application")?;
    Ok(Json(ApplicationView::new(&state, application)))
}

/// GET `/iam/v1alpha1/applications` (`organization_id`, `editable`, `application_ids`
/// (repeatable), `name` (contained), `tag`; orders by `created_at`, `updated_at`, `name`)
pub async fn list(Ctx(app): Ctx<Shared>, query: Query) -> Answer<Listed<ApplicationView>> {
    let mut check = Checker::default();
    let orders = [
        ("created_at", By::CreatedAt),
        ("updated_at", By::UpdatedAt),
        ("name", By::Name),
    ];
    let paging = Paging::read(&query, &mut check, &orders);
    let any = common_filters(&app, &mut check, &query);
    let ids = check.uuids("application_ids", query.all("application_ids"));
    let (name, tag) = (query.get("name"), query.get("tag"));
    check.finish()?;
    let state = app.store.read();
    let found = (state.applications.values())
        .filter(|_| any)
        .filter(|a| ids.is_empty() || ids.contains(&a.id))
        .filter(|a| name.is_none_or(|n| a.name.contains(n)))
        .filter(|a| tag.is_none_or(|t| a.tags.iter().any(|own| own == t)));
    let sorted = paging.sort(found, |a, by| match by {
        By::Name => SortKey::Text(&a.name),
        _ => SortKey::Date(Some(a.created_at)),
    });
    let view = |a| ApplicationView::new(&state, a);
    Ok(Json(paging.listed("applications", sorted, view)))
}

/// DELETE `/iam/v1alpha1/applications/{id}`: its API keys and policies go with it.
pub async fn delete(Ctx(app): Ctx<Shared>, PathArgs(id): PathArgs<String>) -> Deleted {
    let id = path_id("application_id", &id)?;
    forget(&app, id.to_string(), move |state| {
        lookup(&state.applications, &id, "application").map(drop)
    })
    .await
}
