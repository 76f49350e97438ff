//! Functions: list, get, create, update, deploy, delete, and the upload URL of their code.

use axum::extract::State as Ctx;
use axum::Json;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::extract::{path_id, region, Body, Checker, Fields, PathArgs, Query};
use super::namespaces::slug;
use super::paging::{By, Listed, Paging, SortKey};
use super::NAMED_ORDERS;
use super::{commit, date, delete_live, find_live, find_visible, name, name_matches};
use super::{read_settings, stored_date, visible_page, Answer, Regional, SettingsView};
use crate::app::Shared;
use crate::errors::{ApiError, Reason};
use crate::model::{
    Change, Function, FunctionConfig, HttpOption, Namespace, Phase, Privacy, Region, Sandbox,
    Settings,
};

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
        config: FunctionConfig::default(),
        settings,
        domain_name,
        upstream: None,
        created_at: OffsetDateTime::now_utc(),
        deployed_at: None,
        ready_before: None,
        updated_at: None,
        deleted_at: None,
    }
}

/// The memory sizes a function may have, in MB.
const MEMORY_LIMITS: [u32; 7] = [128, 256, 512, 1024, 2048, 3072, 4096];

/// The longest a function may run, in seconds.
const MAX_TIMEOUT: u32 = 900;

/// A function as the API answers it.
#[derive(Serialize)]
pub struct FunctionView {
    build_message: Option<String>,
    /// In thousandths of a vCPU: 140 for 256 MB, in proportion for the other sizes.
    cpu_limit: u32,
    created_at: String,
    domain_name: String,
    error_message: Option<String>,
    handler: String,
    http_option: HttpOption,
    id: Uuid,
    max_scale: u32,
    memory_limit: u32,
    min_scale: u32,
    name: String,
    namespace_id: Uuid,
    privacy: Privacy,
    private_network_id: Option<Uuid>,
    ready_at: Option<String>,
    region: &'static str,
    runtime: String,
    runtime_message: &'static str,
    sandbox: Sandbox,
    status: &'static str,
    timeout: String,
    updated_at: String,
    #[serde(flatten)]
    settings: SettingsView,
}

impl FunctionView {
    fn new(function: &Function, phase: Phase) -> Self {
        let status = match phase {
            Phase::Waiting => "created",
            Phase::Creating => "pending",
            Phase::Ready => "ready",
            Phase::Deleting | Phase::Gone => "deleting",
        };
        // A redeploy keeps showing when the previous deployment became ready.
        let ready_at = match phase {
            Phase::Ready | Phase::Deleting => function.deployed_at,
            Phase::Creating => function.ready_before,
            Phase::Waiting | Phase::Gone => None,
        };
        let updated_at = [
            function.deployed_at,
            function.updated_at,
            function.deleted_at,
        ]
        .into_iter()
        .flatten()
        .fold(function.created_at, OffsetDateTime::max);
        let config = &function.config;
        FunctionView {
            build_message: None,
            cpu_limit: config.memory_limit * 140 / 256,
            created_at: stored_date(function.created_at),
            domain_name: function.domain_name.clone(),
            error_message: None,
            handler: config.handler.clone(),
            http_option: config.http_option,
            id: function.id,
            max_scale: config.max_scale,
            memory_limit: config.memory_limit,
            min_scale: config.min_scale,
            name: function.name.clone(),
            namespace_id: function.namespace_id,
            privacy: function.privacy,
            private_network_id: config.private_network_id,
            ready_at: ready_at.map(stored_date),
            region: function.region.as_str(),
            runtime: function.runtime.clone(),
            runtime_message: "",
            sandbox: config.sandbox,
            status,
            timeout: format!("{}s", config.timeout_seconds),
            updated_at: stored_date(updated_at),
            settings: SettingsView::new(&function.settings),
        }
    }

    /// The create answer: the only one whose dates have nanoseconds.
    fn created(function: &Function) -> Self {
        FunctionView {
            created_at: date(function.created_at),
            updated_at: date(function.created_at),
            ..FunctionView::new(function, Phase::Waiting)
        }
    }
}

/// An enumerated value of a body: one of `known` by wire name; the SDKs' `unknown_...` zero
/// value reads as absent.
fn choice<T: Copy>(
    check: &mut Checker,
    fields: &mut Fields,
    name: &str,
    known: &[(&str, T)],
) -> Option<T> {
    let value: String = fields.take(check, name)?;
    if value.starts_with("unknown_") {
        return None;
    }
    let found = known
        .iter()
        .find(|(wire, _)| *wire == value)
        .map(|(_, v)| *v);
    if found.is_none() {
        let names: Vec<&str> = known.iter().map(|(wire, _)| *wire).collect();
        let help = format!("{name} must be one of {}", names.join(", "));
        check.refuse(name, Reason::Constraint, help);
    }
    found
}

/// A timeout as the SDKs send it, `300s` (fractions of a second are dropped), in seconds.
fn timeout_seconds(value: &str) -> Option<u32> {
    let seconds = value.strip_suffix('s')?;
    let whole = seconds
        .split_once('.')
        .map_or(seconds, |(whole, fraction)| {
            if fraction.bytes().all(|b| b.is_ascii_digit()) {
                whole
            } else {
                ""
            }
        });
    whole.parse().ok()
}

/// What create and update bodies set of a function.
struct Spec {
    privacy: Privacy,
    runtime: String,
    config: FunctionConfig,
    settings: Settings,
}

impl Spec {
    /// What a function created with none of these fields gets.
    fn new() -> Self {
        Spec {
            privacy: Privacy::Public,
            runtime: DEFAULT_RUNTIME.to_owned(),
            config: FunctionConfig::default(),
            settings: Settings::default(),
        }
    }

    fn of(function: &Function) -> Self {
        Spec {
            privacy: function.privacy,
            runtime: function.runtime.clone(),
            config: function.config.clone(),
            settings: function.settings.clone(),
        }
    }

    fn apply_to(self, function: &mut Function) {
        function.privacy = self.privacy;
        function.runtime = self.runtime;
        function.config = self.config;
        function.settings = self.settings;
    }

    /// Reads what a body sets (an update changes only what it names), checking each value and
    /// that `min_scale` stays at most `max_scale`.
    fn read(&mut self, check: &mut Checker, fields: &mut Fields) {
        let privacies = [("public", Privacy::Public), ("private", Privacy::Private)];
        if let Some(privacy) = choice(check, fields, "privacy", &privacies) {
            self.privacy = privacy;
        }
        if let Some(runtime) = fields.take::<String>(check, "runtime") {
            if !runtime.is_empty() && !runtime.starts_with("unknown_") {
                self.runtime = check.text("runtime", Some(runtime), 64);
            }
        }
        let config = &mut self.config;
        if let Some(handler) = fields.take(check, "handler") {
            config.handler = check.text("handler", Some(handler), 256);
        }
        if let Some(memory) = fields.take::<u32>(check, "memory_limit") {
            if MEMORY_LIMITS.contains(&memory) {
                config.memory_limit = memory;
            } else {
                let help = format!("memory_limit must be one of {MEMORY_LIMITS:?} (MB)");
                check.refuse("memory_limit", Reason::Constraint, help);
            }
        }
        if let Some(min_scale) = fields.take(check, "min_scale") {
            config.min_scale = min_scale;
        }
        if let Some(max_scale) = fields.take(check, "max_scale") {
            config.max_scale = max_scale;
        }
        if config.min_scale > config.max_scale {
            let help = "min_scale must be at most max_scale";
            check.refuse("min_scale", Reason::Constraint, help);
        }
        if let Some(timeout) = fields.take::<String>(check, "timeout") {
            match timeout_seconds(&timeout) {
                Some(seconds) if (1..=MAX_TIMEOUT).contains(&seconds) => {
                    config.timeout_seconds = seconds;
                }
                Some(_) => {
                    let help = format!("timeout must be between 1s and {MAX_TIMEOUT}s");
                    check.refuse("timeout", Reason::Constraint, help);
                }
                None => {
                    let help = "timeout must be a number of seconds, e.g. 300s";
                    check.refuse("timeout", Reason::Format, help);
                }
            }
        }
        let options = [
            ("enabled", HttpOption::Enabled),
            ("redirected", HttpOption::Redirected),
        ];
        if let Some(option) = choice(check, fields, "http_option", &options) {
            config.http_option = option;
        }
        let sandboxes = [("v1", Sandbox::V1), ("v2", Sandbox::V2)];
        if let Some(sandbox) = choice(check, fields, "sandbox", &sandboxes) {
            config.sandbox = sandbox;
        }
        if let Some(network) = fields.take::<String>(check, "private_network_id") {
            config.private_network_id = check.uuid("private_network_id", Some(&network));
        }
        read_settings(check, fields, &mut self.settings);
    }
}

/// Starts deploying `function`'s code now, keeping when its previous deployment became ready
/// (`settled`: see [`crate::app::App::settled`]).
fn start_deploy(function: &mut Function, settled: OffsetDateTime) {
    if Phase::at(settled, function.deployed_at, None) == Phase::Ready {
        function.ready_before = function.deployed_at;
    }
    function.deployed_at = Some(OffsetDateTime::now_utc());
}

/// GET `.../functions` (`namespace_id`, `project_id`, `organization_id`, `name`)
pub async fn list(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    query: Query,
) -> Answer<Listed<FunctionView>> {
    let region = region(&region_name)?;
    let mut check = Checker::default();
    let paging = Paging::read(&query, &mut check, NAMED_ORDERS);
    let namespace = check.uuid("namespace_id", query.get("namespace_id"));
    let project = check.uuid("project_id", query.get("project_id"));
    let organization = check.uuid("organization_id", query.get("organization_id"));
    let name = query.get("name");
    check.finish()?;
    let state = app.store.read();
    let owner = |f: &Function| state.namespaces.get(&f.namespace_id);
    let found = (state.functions.values())
        .filter(|f| namespace.is_none_or(|n| f.namespace_id == n))
        .filter(|f| project.is_none_or(|p| owner(f).is_some_and(|n| n.project_id == p)))
        .filter(|f| organization.is_none_or(|o| owner(f).is_some_and(|n| n.organization_id == o)))
        .filter(|f| name_matches(name, &f.name));
    let sorted = paging.sort(found, |f, by| match by {
        By::Name => SortKey::Text(&f.name),
        _ => SortKey::Date(Some(f.created_at)),
    });
    visible_page(&app, paging, "functions", sorted, region, FunctionView::new)
}

/// GET `.../functions/{function_id}`
pub async fn get(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
) -> Answer<FunctionView> {
    let region = region(&region_name)?;
    let id = path_id("function_id", &id)?;
    let state = app.store.read();
    let (function, phase) = find_visible(&app, &state.functions, id, region)?;
    Ok(Json(FunctionView::new(function, phase)))
}

/// POST `.../functions`: the function is `created` until its code is deployed.
pub async fn create(
    Ctx(app): Ctx<Shared>,
    PathArgs(region_name): PathArgs<String>,
    Body(mut fields): Body<Fields>,
) -> Answer<FunctionView> {
    let region = region(&region_name)?;
    let mut check = Checker::default();
    let namespace_id: Option<String> = fields.take(&mut check, "namespace_id");
    if namespace_id.is_none() {
        check.refuse("namespace_id", Reason::Required, "namespace_id is required");
    }
    let namespace_id = check.uuid("namespace_id", namespace_id.as_deref());
    let name = name(&mut check, &mut fields);
    let mut spec = Spec::new();
    spec.read(&mut check, &mut fields);
    check.finish()?;
    commit(&app, move |state| {
        let namespace = (namespace_id.ok_or(Namespace::NOT_FOUND))
            .and_then(|id| find_live(&state.namespaces, id, region))?;
        let mut function = new_function(namespace, name, spec.privacy, None, Settings::default());
        spec.apply_to(&mut function);
        let answer = FunctionView::created(&function);
        Ok((Change::Function(function), answer))
    })
    .await
}

/// Changes the live function `id` of `region` with `edit`, which is given the moment every
/// deployment begun before has finished and returns the function's phase once changed; answers
/// the changed function.
async fn change(
    app: &Shared,
    region: Region,
    id: Uuid,
    edit: impl FnOnce(&mut Function, OffsetDateTime) -> Result<Phase, ApiError> + Send + 'static,
) -> Answer<FunctionView> {
    let settled = app.settled();
    commit(app, move |state| {
        let mut function = find_live(&state.functions, id, region)?.clone();
        let phase = edit(&mut function, settled)?;
        let answer = FunctionView::new(&function, phase);
        Ok((Change::Function(function), answer))
    })
    .await
}

/// PATCH `.../functions/{function_id}` (UpdateFunction): any setting of a create body but the
/// name and namespace; `redeploy: true` deploys the code again.
pub async fn update(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
    Body(mut fields): Body<Fields>,
) -> Answer<FunctionView> {
    let region = region(&region_name)?;
    let id = path_id("function_id", &id)?;
    change(&app, region, id, move |function, settled| {
        let mut check = Checker::default();
        let mut spec = Spec::of(function);
        spec.read(&mut check, &mut fields);
        let redeploy: Option<bool> = fields.take(&mut check, "redeploy");
        fields.refuse_others(&mut check);
        check.finish()?;
        spec.apply_to(function);
        function.updated_at = Some(OffsetDateTime::now_utc());
        if redeploy == Some(true) {
            start_deploy(function, settled);
        }
        Ok(Phase::at(settled, function.deployed_at, None))
    })
    .await
}

/// POST `.../functions/{function_id}/deploy`: `pending`, then `ready` after the delay.
pub async fn deploy(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
) -> Answer<FunctionView> {
    let region = region(&region_name)?;
    let id = path_id("function_id", &id)?;
    change(&app, region, id, |function, settled| {
        start_deploy(function, settled);
        Ok(Phase::Creating)
    })
    .await
}

/// DELETE `.../functions/{function_id}`
pub async fn delete(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
) -> Answer<FunctionView> {
    let region = region(&region_name)?;
    let id = path_id("function_id", &id)?;
    delete_live(
        &app,
        id,
        region,
        |state| &state.functions,
        FunctionView::new,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::timeout_seconds;

    #[test]
    fn a_timeout_is_whole_seconds_as_the_sdks_write_them() {
        assert_eq!(timeout_seconds("300s"), Some(300));
        assert_eq!(
            timeout_seconds("300.000000000s"),
            Some(300),
            "the Go SDK's form"
        );
        assert_eq!(timeout_seconds("59.9s"), Some(59));
        for bad in ["300", "5m", "s", "1.s5", "-1s", "1.5.0s"] {
            assert_eq!(timeout_seconds(bad), None, "{bad}");
        }
    }
}
