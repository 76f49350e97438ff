//! Functions: list, get, create, deploy, delete.

use axum::extract::State as Ctx;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use super::extract::{path_id, region, Body, Checker, PathArgs, QueryMap};
use super::namespaces::slug;
use super::paging::Paging;
use super::{commit, date, delete_live, find_live, find_visible, name, name_matches};
use super::{settings, settings_fields, visible_page, Answer, Regional, SettingsBody};
use crate::app::Shared;
use crate::errors::Reason;
use crate::model::{Change, Function, Namespace, Phase, Privacy, Settings};

/// The runtime of a function created without one.
const DEFAULT_RUNTIME: &str = "node22";

/// A new function of `namespace`, never deployed, reached at
/// `{namespace slug}-{name}.functions.fnc.{region}.scw.cloud`.
pub fn new_function(
    namespace: &Namespace,
    name: String,
    privacy: Privacy,
    runtime: Option<String>,
    settings: Settings,
) -> Function {
    let domain_name = format!(
        "{}-{name}.functions.fnc.{}.scw.cloud",
        slug(namespace),
        namespace.region.as_str()
    );
    Function {
        id: Uuid::new_v4(),
        name,
        namespace_id: namespace.id,
        region: namespace.region,
        privacy,
        runtime: runtime.unwrap_or_else(|| DEFAULT_RUNTIME.to_owned()),
        settings,
        domain_name,
        upstream: None,
        created_at: OffsetDateTime::now_utc(),
        deployed_at: None,
        deleted_at: None,
    }
}

fn view(function: &Function, phase: Phase) -> Value {
    let status = match phase {
        Phase::Waiting => "created",
        Phase::Creating => "pending",
        Phase::Ready => "ready",
        Phase::Deleting | Phase::Gone => "deleting",
    };
    let ready_at = match phase {
        Phase::Ready | Phase::Deleting => function.deployed_at.map(super::date),
        _ => None,
    };
    let updated_at = (function.deleted_at)
        .or(function.deployed_at)
        .unwrap_or(function.created_at);
    let mut fields = Map::new();
    for (name, value) in [
        ("build_message", Value::Null),
        ("cpu_limit", json!(140)),
        ("created_at", json!(date(function.created_at))),
        ("domain_name", json!(function.domain_name)),
        ("error_message", Value::Null),
        ("handler", json!("handler.handle")),
        ("http_option", json!("enabled")),
        ("id", json!(function.id)),
        ("max_scale", json!(20)),
        ("memory_limit", json!(256)),
        ("min_scale", json!(0)),
        ("name", json!(function.name)),
        ("namespace_id", json!(function.namespace_id)),
        ("privacy", json!(function.privacy)),
        ("private_network_id", Value::Null),
        ("ready_at", json!(ready_at)),
        ("region", json!(function.region.as_str())),
        ("runtime", json!(function.runtime)),
        ("runtime_message", json!("")),
        ("sandbox", json!("v2")),
        ("status", json!(status)),
        ("timeout", json!("300s")),
        ("updated_at", json!(date(updated_at))),
    ]
    .into_iter()
    .chain(settings_fields(&function.settings))
    {
        fields.insert(name.into(), value);
    }
    Value::Object(fields)
}

/// GET `.../functions` (`namespace_id`, `project_id`, `organization_id`, `name`)
pub async fn list(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    QueryMap(query): QueryMap,
) -> Answer {
    let region = region(&region_name)?;
    let mut check = Checker::default();
    let paging = Paging::read(&query, &mut check, true);
    let get = |name: &str| query.get(name).map(String::as_str);
    let namespace = check.uuid("namespace_id", get("namespace_id"));
    let project = check.uuid("project_id", get("project_id"));
    let organization = check.uuid("organization_id", get("organization_id"));
    let name = get("name");
    check.finish()?;
    let state = app.store.read();
    let owner = |f: &Function| state.namespaces.get(&f.namespace_id);
    let found = (state.functions.values())
        .filter(|f| namespace.is_none_or(|n| f.namespace_id == n))
        .filter(|f| project.is_none_or(|p| owner(f).is_some_and(|n| n.project_id == p)))
        .filter(|f| organization.is_none_or(|o| owner(f).is_some_and(|n| n.organization_id == o)))
        .filter(|f| name_matches(name, &f.name));
    let sorted = paging.sort(found, |f| f.created_at, |f| &f.name);
    visible_page(&app, paging, "functions", sorted, region, view)
}

/// GET `.../functions/{function_id}`
pub async fn get(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
) -> Answer {
    let region = region(&region_name)?;
    let id = path_id("function_id", &id)?;
    let state = app.store.read();
    let (function, phase) = find_visible(&app, &state.functions, id, region)?;
    Ok(Json(view(function, phase)))
}

/// Body of CreateFunction.
#[derive(Deserialize)]
pub struct CreateFunction {
    namespace_id: Option<String>,
    name: Option<String>,
    privacy: Option<String>,
    runtime: Option<String>,
    #[serde(flatten)]
    settings: SettingsBody,
}

/// POST `.../functions`: the function is `created` until its code is deployed.
pub async fn create(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    Body(body): Body<CreateFunction>,
) -> Answer {
    let region = region(&region_name)?;
    let mut check = Checker::default();
    let namespace_id = check.uuid("namespace_id", body.namespace_id.as_deref());
    if body.namespace_id.is_none() {
        check.refuse("namespace_id", Reason::Required, "namespace_id is required");
    }
    let name = name(&mut check, body.name);
    let privacy = match body.privacy.as_deref() {
        None | Some("public") => Privacy::Public,
        Some("private") => Privacy::Private,
        Some(_) => {
            let help = "privacy must be public or private";
            check.refuse("privacy", Reason::Constraint, help);
            Privacy::Public
        }
    };
    let runtime = Some(check.text("runtime", body.runtime, 64)).filter(|r| !r.is_empty());
    let settings = settings(&mut check, body.settings);
    check.finish()?;
    commit(&app, move |state| {
        let namespace = (namespace_id.ok_or(Namespace::NOT_FOUND))
            .and_then(|id| find_live(&state.namespaces, id, region))?;
        let function = new_function(namespace, name, privacy, runtime, settings);
        let answer = view(&function, Phase::Waiting);
        Ok((Change::Function(function), answer))
    })
    .await
}

/// POST `.../functions/{function_id}/deploy`: `pending`, then `ready` after the delay.
pub async fn deploy(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
) -> Answer {
    let region = region(&region_name)?;
    let id = path_id("function_id", &id)?;
    commit(&app, move |state| {
        let mut function = find_live(&state.functions, id, region)?.clone();
        function.deployed_at = Some(OffsetDateTime::now_utc());
        let answer = view(&function, Phase::Creating);
        Ok((Change::Function(function), answer))
    })
    .await
}

/// DELETE `.../functions/{function_id}`
pub async fn delete(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
) -> Answer {
    let region = region(&region_name)?;
    let id = path_id("function_id", &id)?;
    delete_live(&app, id, region, |state| &state.functions, view).await
}
