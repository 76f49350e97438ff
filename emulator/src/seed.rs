//! The world the emulator starts from (and `POST /emulator/reset` brings back): the demo
//! namespace, or what a `--seed FILE` describes. A bad file stops the emulator with a message
//! naming the file and the field or line.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::api::{is_valid_name, new_function, new_namespace, NAME_RULE};
use crate::gateway::base_url;
use crate::model::{
    ApiKey, Application, Function, Policy, Privacy, Region, Rule, RuleTarget, Scope, Settings,
    Snapshot, Token,
};
use crate::state::Identity;

/// A seed file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    secret_key: Option<Uuid>,
    project_id: Option<Uuid>,
    organization_id: Option<Uuid>,
    #[serde(default)]
    namespaces: Vec<SeedNamespace>,
    #[serde(default)]
    applications: Vec<SeedApplication>,
    #[serde(default)]
    policies: Vec<SeedPolicy>,
    #[serde(default)]
    api_keys: Vec<SeedApiKey>,
    #[serde(default)]
    tokens: Vec<SeedToken>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedNamespace {
    id: Option<Uuid>,
    name: String,
    region: Option<Region>,
    #[serde(flatten)]
    settings: SeedSettings,
    #[serde(default)]
    functions: Vec<SeedFunction>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFunction {
    id: Option<Uuid>,
    name: String,
    privacy: Privacy,
    runtime: Option<String>,
    /// Where its admitted calls go (`http://...`).
    upstream: Option<String>,
    #[serde(flatten)]
    settings: SeedSettings,
}

#[derive(Debug, Default, Deserialize)]
struct SeedSettings {
    #[serde(default)]
    description: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    environment_variables: BTreeMap<String, String>,
    /// Names of secret variables.
    #[serde(default)]
    secret_environment_variables: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedApplication {
    id: Option<Uuid>,
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedPolicy {
    id: Option<Uuid>,
    name: String,
    application_id: Uuid,
    rules: Vec<SeedRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedRule {
    permission_set_names: Vec<String>,
    project_ids: Option<Vec<Uuid>>,
    organization_id: Option<Uuid>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedApiKey {
    access_key: Option<String>,
    secret_key: Uuid,
    application_id: Uuid,
    #[serde(default)]
    description: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    expires_at: Option<OffsetDateTime>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedToken {
    id: Option<Uuid>,
    function_id: Option<Uuid>,
    namespace_id: Option<Uuid>,
    #[serde(default)]
    description: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    expires_at: Option<OffsetDateTime>,
}

impl From<SeedSettings> for Settings {
    fn from(s: SeedSettings) -> Self {
        Settings {
            description: s.description,
            tags: s.tags,
            environment_variables: s.environment_variables,
            secret_names: s.secret_environment_variables,
        }
    }
}

impl Seed {
    /// The default world: namespace `demo` (fr-par) with one private function `hello`.
    pub fn demo() -> Self {
        Seed {
            namespaces: vec![SeedNamespace {
                id: None,
                name: "demo".into(),
                region: None,
                settings: SeedSettings {
                    description: "Seeded by scw-emulator".into(),
                    ..SeedSettings::default()
                },
                functions: vec![SeedFunction {
                    id: None,
                    name: "hello".into(),
                    privacy: Privacy::Private,
                    runtime: None,
                    upstream: None,
                    settings: SeedSettings::default(),
                }],
            }],
            ..Seed::default()
        }
    }

    /// Reads and checks a seed file.
    pub fn load(path: &Path) -> Result<Self, String> {
        let name = path.display();
        let bytes = std::fs::read(path).map_err(|e| format!("seed {name}: {e}"))?;
        let seed: Seed = serde_json::from_slice(&bytes).map_err(|e| format!("seed {name}: {e}"))?;
        seed.check().map_err(|e| format!("seed {name}: {e}"))?;
        Ok(seed)
    }

    /// Refuses duplicate ids, names or keys, references to records the seed does not have,
    /// names the API would refuse and upstreams that are not http://.
    fn check(&self) -> Result<(), String> {
        let mut ids = Unique::default();
        let mut functions = HashSet::new();
        let mut namespaces = HashSet::new();
        for (n, namespace) in self.namespaces.iter().enumerate() {
            let at = format!("namespaces[{n}]");
            ids.add(&format!("{at}.id"), namespace.id)?;
            namespaces.extend(namespace.id);
            valid_name(&format!("{at}.name"), &namespace.name)?;
            let mut names = HashSet::new();
            for (f, function) in namespace.functions.iter().enumerate() {
                let at = format!("{at}.functions[{f}]");
                ids.add(&format!("{at}.id"), function.id)?;
                functions.extend(function.id);
                valid_name(&format!("{at}.name"), &function.name)?;
                if !names.insert(&function.name) {
                    return Err(format!(
                        "{at}.name: duplicate function name {:?}",
                        function.name
                    ));
                }
                if let Some(upstream) = &function.upstream {
                    base_url(upstream).map_err(|e| format!("{at}.upstream: {e}"))?;
                }
            }
        }
        let mut applications = HashSet::new();
        for (a, application) in self.applications.iter().enumerate() {
            ids.add(&format!("applications[{a}].id"), application.id)?;
            applications.extend(application.id);
        }
        let known_application = |at: String, id: &Uuid| {
            (applications.contains(id))
                .then_some(())
                .ok_or_else(|| format!("{at}: no application {id} in the seed (give it an id)"))
        };
        for (p, policy) in self.policies.iter().enumerate() {
            ids.add(&format!("policies[{p}].id"), policy.id)?;
            known_application(
                format!("policies[{p}].application_id"),
                &policy.application_id,
            )?;
            for (r, rule) in policy.rules.iter().enumerate() {
                let single = rule.project_ids.is_some() != rule.organization_id.is_some();
                if !single || rule.permission_set_names.is_empty() {
                    return Err(format!("policies[{p}].rules[{r}]: needs permission_set_names and exactly one of project_ids and organization_id"));
                }
            }
        }
        let mut access_keys = HashSet::new();
        let mut secrets = HashSet::new();
        for (k, key) in self.api_keys.iter().enumerate() {
            let at = format!("api_keys[{k}]");
            known_application(format!("{at}.application_id"), &key.application_id)?;
            if let Some(access_key) = &key.access_key {
                let shaped = access_key.len() == 20
                    && access_key.starts_with("SCW")
                    && (access_key.bytes()).all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
                if !shaped {
                    return Err(format!(
                        "{at}.access_key: must be SCW and 17 upper-case letters or digits"
                    ));
                }
                if !access_keys.insert(access_key) {
                    return Err(format!(
                        "{at}.access_key: duplicate access key {access_key}"
                    ));
                }
            }
            if !secrets.insert(key.secret_key) || Some(key.secret_key) == self.secret_key {
                return Err(format!("{at}.secret_key: duplicate secret key"));
            }
        }
        for (t, token) in self.tokens.iter().enumerate() {
            let at = format!("tokens[{t}]");
            ids.add(&format!("{at}.id"), token.id)?;
            match (token.function_id, token.namespace_id) {
                (Some(id), None) if functions.contains(&id) => {}
                (None, Some(id)) if namespaces.contains(&id) => {}
                (Some(id), None) => {
                    return Err(format!(
                        "{at}.function_id: no function {id} in the seed (give it an id)"
                    ))
                }
                (None, Some(id)) => {
                    return Err(format!(
                        "{at}.namespace_id: no namespace {id} in the seed (give it an id)"
                    ))
                }
                _ => {
                    return Err(format!(
                        "{at}: needs exactly one of function_id and namespace_id"
                    ))
                }
            }
        }
        Ok(())
    }

    /// Builds the seeded records for this identity (the seed's own ids override it).
    pub fn world(self, identity: Identity, rsa_bits: usize) -> Result<Snapshot, String> {
        let identity = Identity {
            secret_key: self.secret_key.unwrap_or(identity.secret_key),
            project_id: self.project_id.unwrap_or(identity.project_id),
            organization_id: self.organization_id.unwrap_or(identity.organization_id),
        };
        let mut clock = Clock::default();
        let mut world = Snapshot {
            secret_key: identity.secret_key,
            project_id: identity.project_id,
            organization_id: identity.organization_id,
            namespaces: Vec::new(),
            functions: Vec::new(),
            tokens: Vec::new(),
            applications: Vec::new(),
            policies: Vec::new(),
            api_keys: Vec::new(),
        };
        for seeded in self.namespaces {
            let region = seeded.region.unwrap_or(Region::FrPar);
            let settings = seeded.settings.into();
            let mut namespace =
                new_namespace(&identity, region, seeded.name, None, settings, rsa_bits)?;
            namespace.id = seeded.id.unwrap_or(namespace.id);
            namespace.created_at = clock.tick();
            for seeded in seeded.functions {
                let settings = seeded.settings.into();
                let function = Function {
                    id: seeded.id.unwrap_or_else(Uuid::new_v4),
                    upstream: seeded.upstream.as_deref().map(base_url).transpose()?,
                    created_at: clock.tick(),
                    deployed_at: Some(clock.now),
                    ..new_function(
                        &namespace,
                        seeded.name,
                        seeded.privacy,
                        seeded.runtime,
                        settings,
                    )
                };
                world.functions.push(function);
            }
            world.namespaces.push(namespace);
        }
        for seeded in self.applications {
            world.applications.push(Application {
                id: seeded.id.unwrap_or_else(Uuid::new_v4),
                name: seeded.name,
                organization_id: identity.organization_id,
                description: seeded.description,
                tags: Vec::new(),
                created_at: clock.tick(),
            });
        }
        for seeded in self.policies {
            let rules = (seeded.rules.into_iter())
                .map(|r| Rule {
                    id: Uuid::new_v4(),
                    permission_set_names: r.permission_set_names,
                    target: match (r.project_ids, r.organization_id) {
                        (Some(ids), _) => RuleTarget::Projects(ids),
                        (None, org) => {
                            RuleTarget::Organization(org.unwrap_or(identity.organization_id))
                        }
                    },
                })
                .collect();
            world.policies.push(Policy {
                id: seeded.id.unwrap_or_else(Uuid::new_v4),
                name: seeded.name,
                organization_id: identity.organization_id,
                application_id: Some(seeded.application_id),
                description: String::new(),
                tags: Vec::new(),
                rules,
                created_at: clock.tick(),
                updated_at: None,
            });
        }
        for seeded in self.api_keys {
            world.api_keys.push(ApiKey {
                access_key: seeded.access_key.unwrap_or_else(crate::api::new_access_key),
                secret_key: seeded.secret_key,
                application_id: seeded.application_id,
                description: seeded.description,
                default_project_id: identity.project_id,
                expires_at: seeded.expires_at,
                created_at: clock.tick(),
            });
        }
        for seeded in self.tokens {
            let (scope, region) = match (seeded.function_id, seeded.namespace_id) {
                (Some(id), _) => (
                    Scope::Function(id),
                    (world.functions.iter())
                        .find(|f| f.id == id)
                        .map(|f| f.region),
                ),
                (None, Some(id)) => (
                    Scope::Namespace(id),
                    (world.namespaces.iter())
                        .find(|n| n.id == id)
                        .map(|n| n.region),
                ),
                (None, None) => return Err("a token needs function_id or namespace_id".into()),
            };
            world.tokens.push(Token {
                id: seeded.id.unwrap_or_else(Uuid::new_v4),
                scope,
                region: region.unwrap_or(Region::FrPar),
                description: seeded.description,
                expires_at: seeded.expires_at,
                created_at: clock.tick(),
                deleted_at: None,
            });
        }
        Ok(world)
    }
}

/// A name the API would accept.
fn valid_name(at: &str, name: &str) -> Result<(), String> {
    (is_valid_name(name))
        .then_some(())
        .ok_or_else(|| format!("{at}: {name:?} must be {NAME_RULE}"))
}

/// Ids seen so far.
#[derive(Default)]
struct Unique(HashSet<Uuid>);

impl Unique {
    fn add(&mut self, at: &str, id: Option<Uuid>) -> Result<(), String> {
        match id {
            Some(id) if !self.0.insert(id) => Err(format!("{at}: duplicate id {id}")),
            _ => Ok(()),
        }
    }
}

/// Creation times one microsecond apart, so that the seed's order is the listing order.
struct Clock {
    now: OffsetDateTime,
}

impl Default for Clock {
    fn default() -> Self {
        let now = OffsetDateTime::now_utc();
        // Whole microseconds, as the API shows them once read back.
        let now = now
            .replace_nanosecond(now.microsecond() * 1000)
            .unwrap_or(now);
        Clock { now }
    }
}

impl Clock {
    fn tick(&mut self) -> OffsetDateTime {
        self.now += time::Duration::microseconds(1);
        self.now
    }
}
