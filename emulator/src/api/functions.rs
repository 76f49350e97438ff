//! Functions: list, get, create, delete.

use axum::extract::State as Ctx;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use super::extract::{path_id, region, Body, Checker, PathArgs, QueryMap};
use super::paging::Paging;
use super::{commit, date, delete_live, find_live, find_visible, in_order, name, visible_page};
use super::{Answer, Regional};
use crate::app::Shared;
use crate::errors::Reason;
use crate::model::{Change, Function, Namespace, Phase, Privacy};

/// A new function of `namespace`, reached at `{namespace-slug}-{name}.functions.fnc.{region}.scw.cloud`.
pub fn new_function(
    namespace: &Namespace,
    name: String,
    privacy: Privacy,
    runtime: String,
    description: String,
) -> Function {
    let slug: String = (namespace.name.chars())
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let domain_name = format!(
        "{slug}-{name}.functions.fnc.{}.scw.cloud",
        namespace.region.as_str()
    );
    Function {
        id: Uuid::new_v4(),
        name,
        namespace_id: namespace.id,
        region: namespace.region,
        privacy,
        runtime,
        description,
        domain_name,
        created_at: OffsetDateTime::now_utc(),
        deleted_at: None,
    }
}

fn view(function: &Function, phase: Phase) -> Value {
    let status = match phase {
        Phase::Creating => "created",
        Phase::Ready => "ready",
        Phase::Deleting | Phase::Gone => "deleting",
    };
    json!({
        "id": function.id,
        "name": function.name,
        "namespace_id": function.namespace_id,
        "status": status,
        "environment_variables": {},
        "min_scale": 0,
        "max_scale": 20,
        "runtime": function.runtime,
        "memory_limit": 256,
        "cpu_limit": 140,
        "timeout": "300s",
        "handler": "handler.handle",
        "error_message": null,
        "build_message": "",
        "privacy": function.privacy,
        "description": function.description,
        "domain_name": function.domain_name,
        "secret_environment_variables": [],
        "region": function.region.as_str(),
        "http_option": "enabled",
        "runtime_message": "",
        "sandbox": "v2",
        "tags": [],
        "created_at": date(function.created_at),
        "updated_at": date(function.deleted_at.unwrap_or(function.created_at)),
        "ready_at": null,
    })
}

/// GET `.../functions`
pub async fn list(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    QueryMap(query): QueryMap,
) -> Answer {
    let region = region(&region_name)?;
    let mut check = Checker::default();
    let paging = Paging::read(&query, &mut check);
    let namespace = check.uuid(
        "namespace_id",
        query.get("namespace_id").map(String::as_str),
    );
    check.finish()?;
    let state = app.store.read();
    let found = in_order(
        state.functions.values(),
        |f| f.created_at,
        paging.descending,
    )
    .filter(|f| namespace.is_none_or(|n| f.namespace_id == n));
    visible_page(&app, paging, "functions", found, region, view)
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
    description: Option<String>,
}

/// POST `.../functions`
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
            check.refuse(
                "privacy",
                Reason::Constraint,
                "privacy must be public or private",
            );
            Privacy::Public
        }
    };
    let description = check.text("description", body.description, super::MAX_DESCRIPTION);
    let runtime = check.text("runtime", body.runtime, 64);
    check.finish()?;
    commit(&app, move |state| {
        let namespace = (namespace_id.ok_or(Namespace::NOT_FOUND))
            .and_then(|id| find_live(&state.namespaces, id, region))?;
        let runtime = if runtime.is_empty() {
            "node22".to_owned()
        } else {
            runtime
        };
        let function = new_function(namespace, name, privacy, runtime, description);
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
