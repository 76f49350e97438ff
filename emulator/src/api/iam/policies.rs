//! IAM policies and their rules. New rules, and rules given to a new principal, take
//! `--iam-propagation` to be admitted everywhere.

use std::collections::BTreeSet;

use axum::extract::State as Ctx;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{common_filters, forget, iam_name, lookup, missing, organization, own, Deleted};
use crate::api::extract::{path_id, Body, Checker, Fields, PathArgs, Query};
use crate::api::paging::{By, Listed, Paging, SortKey};
use crate::api::{commit, date, Answer, MAX_DESCRIPTION};
use crate::app::Shared;
use crate::errors::{ApiError, Reason};
use crate::model::{Change, Policy, Rule, RuleTarget};
use crate::propagation::Grant;
use crate::state::State;

/// A policy as the API answers it.
#[derive(Serialize)]
pub struct PolicyView {
    id: Uuid,
    name: String,
    description: String,
    organization_id: Uuid,
    created_at: String,
    updated_at: String,
    editable: bool,
    deletable: bool,
    managed: bool,
    nb_rules: usize,
    nb_scopes: usize,
    nb_permission_sets: usize,
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    application_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    no_principal: Option<bool>,
}

impl PolicyView {
    /// The policy with its counters, which only a create answer shows at 0: IAM counts the
    /// rules later, as the recording shows.
    fn new(policy: &Policy, counted: bool) -> Self {
        let sets: BTreeSet<&String> = (policy.rules.iter())
            .flat_map(|r| &r.permission_set_names)
            .collect();
        let scopes: usize = (policy.rules.iter())
            .map(|r| match &r.target {
                RuleTarget::Projects(ids) => ids.len(),
                RuleTarget::Organization(_) => 1,
            })
            .sum();
        let count = |n: usize| if counted { n } else { 0 };
        PolicyView {
            id: policy.id,
            name: policy.name.clone(),
            description: policy.description.clone(),
            organization_id: policy.organization_id,
            created_at: date(policy.created_at),
            updated_at: date(policy.updated_at.unwrap_or(policy.created_at)),
            editable: true,
            deletable: true,
            managed: false,
            nb_rules: count(policy.rules.len()),
            nb_scopes: count(scopes),
            nb_permission_sets: count(sets.len()),
            tags: policy.tags.clone(),
            application_id: policy.application_id,
            no_principal: policy.application_id.is_none().then_some(true),
        }
    }
}

/// Where a rule applies, as the API answers it.
#[derive(Serialize)]
#[serde(tag = "permission_sets_scope_type", rename_all = "snake_case")]
enum ScopeView {
    Projects { project_ids: Vec<Uuid> },
    Organization { organization_id: Uuid },
}

/// A rule as the API answers it.
#[derive(Serialize)]
pub struct RuleView {
    id: Uuid,
    permission_set_names: Vec<String>,
    condition: &'static str,
    #[serde(flatten)]
    scope: ScopeView,
}

impl RuleView {
    fn new(rule: &Rule) -> Self {
        RuleView {
            id: rule.id,
            permission_set_names: rule.permission_set_names.clone(),
            condition: "",
            scope: match &rule.target {
                RuleTarget::Projects(ids) => ScopeView::Projects {
                    project_ids: ids.clone(),
                },
                RuleTarget::Organization(id) => ScopeView::Organization {
                    organization_id: *id,
                },
            },
        }
    }
}

/// One rule of a CreatePolicy or SetRules body.
#[derive(Deserialize)]
pub struct RuleSpecs {
    permission_set_names: Option<Vec<String>>,
    project_ids: Option<Vec<String>>,
    organization_id: Option<String>,
}

/// The rules of a body, each with permission sets and exactly one target; a rule equal to one
/// of `kept` is that rule (same id), so that setting rules again does not propagate them anew.
fn read_rules(check: &mut Checker, specs: Vec<RuleSpecs>, kept: &[Rule]) -> Vec<Rule> {
    let mut rules = Vec::new();
    for spec in specs {
        let sets = spec.permission_set_names.unwrap_or_default();
        if sets.is_empty() || sets.iter().any(String::is_empty) {
            let help = "each rule needs permission_set_names";
            check.refuse("rules.permission_set_names", Reason::Required, help);
        }
        let target = match (spec.project_ids, spec.organization_id) {
            (Some(ids), None) if !ids.is_empty() => {
                let ids: Vec<Uuid> = (ids.iter())
                    .filter_map(|id| check.uuid("rules.project_ids", Some(id)))
                    .collect();
                RuleTarget::Projects(ids)
            }
            (None, Some(org)) => match check.uuid("rules.organization_id", Some(&org)) {
                Some(org) => RuleTarget::Organization(org),
                None => continue,
            },
            _ => {
                let help = "each rule needs exactly one of project_ids and organization_id";
                check.refuse("rules.project_ids", Reason::Constraint, help);
                continue;
            }
        };
        let same = |r: &&Rule| r.permission_set_names == sets && r.target == target;
        rules.push(match kept.iter().find(same) {
            Some(rule) => rule.clone(),
            None => Rule {
                id: Uuid::new_v4(),
                permission_set_names: sets,
                target,
            },
        });
    }
    rules
}

/// A project named by a rule that the organization does not have.
fn unknown_project(state: &State, rules: &[Rule]) -> Option<Uuid> {
    let known = |id: &Uuid| {
        *id == state.identity.project_id || state.namespaces.values().any(|n| n.project_id == *id)
    };
    (rules.iter())
        .flat_map(|r| match &r.target {
            RuleTarget::Projects(ids) => ids.as_slice(),
            RuleTarget::Organization(_) => &[],
        })
        .find(|id| !known(id))
        .copied()
}

/// Who a policy applies to, as a body names it.
struct Principal {
    application_id: Option<String>,
    user_id: Option<String>,
    group_id: Option<String>,
    no_principal: Option<bool>,
}

impl Principal {
    fn take(check: &mut Checker, fields: &mut Fields) -> Self {
        Principal {
            application_id: fields.take(check, "application_id"),
            user_id: fields.take(check, "user_id"),
            group_id: fields.take(check, "group_id"),
            no_principal: fields.take(check, "no_principal"),
        }
    }

    /// Whether the body names a principal at all.
    fn given(&self) -> bool {
        self.application_id.is_some()
            || self.user_id.is_some()
            || self.group_id.is_some()
            || self.no_principal == Some(true)
    }

    /// The application named (`None` for `no_principal`); exactly one principal must be named,
    /// and users and groups, which the emulator does not have, are refused.
    fn read(self, check: &mut Checker) -> Option<Uuid> {
        let application = check.uuid("application_id", self.application_id.as_deref());
        let named = [
            self.application_id.is_some(),
            self.user_id.is_some(),
            self.group_id.is_some(),
            self.no_principal == Some(true),
        ];
        match named.iter().filter(|n| **n).count() {
            0 => {
                let help = "one of application_id, user_id, group_id or no_principal is required";
                check.refuse("application_id", Reason::Required, help);
            }
            1 if self.user_id.is_some() || self.group_id.is_some() => {
                let help = "the emulator has applications only, no users or groups";
                let name = if self.user_id.is_some() {
                    "user_id"
                } else {
                    "group_id"
                };
                check.refuse(name, Reason::Constraint, help);
            }
            1 => {}
            _ => {
                let help = "exactly one of application_id, user_id, group_id or no_principal";
                check.refuse("application_id", Reason::Constraint, help);
            }
        }
        application
    }
}

/// Starts propagating `rules`, newly in force at `at`.
fn propagate(app: &Shared, rules: &[Rule], at: OffsetDateTime) {
    (app.propagation).made(rules.iter().map(|r| Grant::Rule(r.id)), at);
}

/// POST `/iam/v1alpha1/policies` (principal: an application, or none with `no_principal`)
pub async fn create(Ctx(app): Ctx<Shared>, Body(mut fields): Body<Fields>) -> Answer<PolicyView> {
    let mut check = Checker::default();
    let organization_id: Option<String> = fields.take(&mut check, "organization_id");
    let organization = organization(&mut check, organization_id.as_deref());
    let name = fields.take(&mut check, "name");
    let name = iam_name(&mut check, name);
    let description = fields.take(&mut check, "description");
    let description = check.text("description", description, MAX_DESCRIPTION);
    let tags = fields.take(&mut check, "tags").unwrap_or_default();
    let application_id = Principal::take(&mut check, &mut fields).read(&mut check);
    let specs = fields.take(&mut check, "rules").unwrap_or_default();
    let rules = read_rules(&mut check, specs, &[]);
    check.finish()?;
    let policy = Policy {
        id: Uuid::new_v4(),
        name,
        organization_id: own(&app, organization, "policy")?,
        application_id,
        description,
        tags,
        rules,
        created_at: OffsetDateTime::now_utc(),
        updated_at: None,
    };
    propagate(&app, &policy.rules, policy.created_at);
    commit(&app, move |state| {
        if let Some(application_id) = policy.application_id {
            lookup(&state.applications, &application_id, "application")?;
        }
        if let Some(project) = unknown_project(state, &policy.rules) {
            return Err(missing("project", project));
        }
        let answer = PolicyView::new(&policy, false);
        Ok((Change::Policy(policy), answer))
    })
    .await
}

/// GET `/iam/v1alpha1/policies/{id}`
pub async fn get(Ctx(app): Ctx<Shared>, PathArgs(id): PathArgs<String>) -> Answer<PolicyView> {
    let id = path_id("policy_id", &id)?;
    let state = app.store.read();
    let policy = lookup(&state.policies, &id, "policy")?;
    Ok(Json(PolicyView::new(policy, true)))
}

/// PATCH `/iam/v1alpha1/policies/{id}` (UpdatePolicy): `name`, `description`, `tags` and the
/// principal. Rules given to another application propagate again.
pub async fn update(
    Ctx(app): Ctx<Shared>,
    PathArgs(id): PathArgs<String>,
    Body(mut fields): Body<Fields>,
) -> Answer<PolicyView> {
    let id = path_id("policy_id", &id)?;
    let now = OffsetDateTime::now_utc();
    let propagation = app.clone();
    commit(&app, move |state| {
        let mut policy = lookup(&state.policies, &id, "policy")?.clone();
        let mut check = Checker::default();
        if let Some(name) = fields.take(&mut check, "name") {
            policy.name = iam_name(&mut check, Some(name));
        }
        if let Some(description) = fields.take(&mut check, "description") {
            policy.description = check.text("description", Some(description), MAX_DESCRIPTION);
        }
        if let Some(tags) = fields.take(&mut check, "tags") {
            policy.tags = tags;
        }
        let principal = Principal::take(&mut check, &mut fields);
        let before = policy.application_id;
        if principal.given() {
            policy.application_id = principal.read(&mut check);
        }
        fields.refuse_others(&mut check);
        check.finish()?;
        if let Some(application_id) = policy.application_id {
            lookup(&state.applications, &application_id, "application")?;
        }
        if policy.application_id != before {
            propagate(&propagation, &policy.rules, now);
        }
        policy.updated_at = Some(now);
        let answer = PolicyView::new(&policy, true);
        Ok((Change::Policy(policy), answer))
    })
    .await
}

/// GET `/iam/v1alpha1/policies`: `organization_id`, `editable`, `application_ids`, `user_ids`,
/// `group_ids` (repeatable: the policies of any of these principals), `no_principal`,
/// `policy_name` (contained), `tag`, `policy_ids` (repeatable); ordered by `policy_name`
/// (the default) or `created_at`.
pub async fn list(Ctx(app): Ctx<Shared>, query: Query) -> Answer<Listed<PolicyView>> {
    let mut check = Checker::default();
    let orders = [("policy_name", By::Name), ("created_at", By::CreatedAt)];
    let paging = Paging::read(&query, &mut check, &orders);
    let any = common_filters(&app, &mut check, &query);
    let applications = check.uuids("application_ids", query.all("application_ids"));
    let users = check.uuids("user_ids", query.all("user_ids"));
    let groups = check.uuids("group_ids", query.all("group_ids"));
    let by_principal = !(applications.is_empty() && users.is_empty() && groups.is_empty());
    let no_principal = check.boolean("no_principal", query.get("no_principal"));
    let ids = check.uuids("policy_ids", query.all("policy_ids"));
    let (name, tag) = (query.get("policy_name"), query.get("tag"));
    check.finish()?;
    let state = app.store.read();
    let found = (state.policies.values())
        .filter(|_| any)
        .filter(|p| !by_principal || p.application_id.is_some_and(|a| applications.contains(&a)))
        .filter(|p| no_principal.is_none_or(|none| p.application_id.is_none() == none))
        .filter(|p| ids.is_empty() || ids.contains(&p.id))
        .filter(|p| name.is_none_or(|n| p.name.contains(n)))
        .filter(|p| tag.is_none_or(|t| p.tags.iter().any(|own| own == t)));
    let sorted = paging.sort(found, |p, by| match by {
        By::Name => SortKey::Text(&p.name),
        _ => SortKey::Date(Some(p.created_at)),
    });
    let view = |p| PolicyView::new(p, true);
    Ok(Json(paging.listed("policies", sorted, view)))
}

/// DELETE `/iam/v1alpha1/policies/{id}`
pub async fn delete(Ctx(app): Ctx<Shared>, PathArgs(id): PathArgs<String>) -> Deleted {
    let id = path_id("policy_id", &id)?;
    forget(&app, id.to_string(), move |state| {
        lookup(&state.policies, &id, "policy").map(drop)
    })
    .await
}

/// GET `/iam/v1alpha1/rules?policy_id=`
pub async fn list_rules(Ctx(app): Ctx<Shared>, query: Query) -> Answer<Listed<RuleView>> {
    let mut check = Checker::default();
    let policy_id = check.uuid("policy_id", query.get("policy_id"));
    if query.get("policy_id").is_none() {
        check.refuse("policy_id", Reason::Required, "policy_id is required");
    }
    let paging = Paging::read(&query, &mut check, &[("created_at", By::CreatedAt)]);
    check.finish()?;
    let state = app.store.read();
    let policy = policy_id
        .and_then(|id| state.policies.get(&id))
        .ok_or_else(|| missing("policy", policy_id.unwrap_or_default()))?;
    Ok(Json(paging.listed(
        "rules",
        policy.rules.iter(),
        RuleView::new,
    )))
}

/// Body of SetRules.
#[derive(Deserialize)]
pub struct SetRules {
    policy_id: Option<String>,
    rules: Option<Vec<RuleSpecs>>,
}

/// What SetRules answers: the policy's rules now.
#[derive(Serialize)]
pub struct SetRulesView {
    rules: Vec<RuleView>,
}

/// PUT `/iam/v1alpha1/rules` (SetRules): replaces every rule of a policy. Rules it had
/// already keep their id and stay in force; new ones propagate.
pub async fn set_rules(Ctx(app): Ctx<Shared>, Body(body): Body<SetRules>) -> Answer<SetRulesView> {
    let mut check = Checker::default();
    if body.policy_id.is_none() {
        check.refuse("policy_id", Reason::Required, "policy_id is required");
    }
    let policy_id = check.uuid("policy_id", body.policy_id.as_deref());
    if body.rules.is_none() {
        check.refuse("rules", Reason::Required, "rules is required");
    }
    check.finish()?;
    let (Some(policy_id), Some(specs)) = (policy_id, body.rules) else {
        return Err(ApiError::Internal(
            "policy_id and rules checked above".into(),
        ));
    };
    let now = OffsetDateTime::now_utc();
    let propagation = app.clone();
    commit(&app, move |state| {
        let mut policy = lookup(&state.policies, &policy_id, "policy")?.clone();
        let mut check = Checker::default();
        let rules = read_rules(&mut check, specs, &policy.rules);
        check.finish()?;
        if let Some(project) = unknown_project(state, &rules) {
            return Err(missing("project", project));
        }
        let new: Vec<Rule> = (rules.iter())
            .filter(|r| !policy.rules.iter().any(|old| old.id == r.id))
            .cloned()
            .collect();
        propagate(&propagation, &new, now);
        policy.rules = rules;
        policy.updated_at = Some(now);
        let answer = SetRulesView {
            rules: policy.rules.iter().map(RuleView::new).collect(),
        };
        Ok((Change::Policy(policy), answer))
    })
    .await
}
