//! The records the emulator keeps, as stored in the state file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// A Scaleway region served by the emulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Region {
    FrPar,
    NlAms,
    PlWaw,
}

impl Region {
    /// The region of a path segment, if served.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "fr-par" => Some(Region::FrPar),
            "nl-ams" => Some(Region::NlAms),
            "pl-waw" => Some(Region::PlWaw),
            _ => None,
        }
    }

    /// The wire name, e.g. `fr-par`.
    pub fn as_str(self) -> &'static str {
        match self {
            Region::FrPar => "fr-par",
            Region::NlAms => "nl-ams",
            Region::PlWaw => "pl-waw",
        }
    }
}

/// Whether a function needs a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Privacy {
    Public,
    Private,
}

/// What namespaces and functions echo back as they were created with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub environment_variables: BTreeMap<String, String>,
    /// Names only: the values of secret variables are never kept.
    #[serde(default)]
    pub secret_names: Vec<String>,
}

/// Whether a function also answers plain HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HttpOption {
    /// HTTP and HTTPS.
    Enabled,
    /// HTTP answers a redirect to HTTPS.
    Redirected,
}

/// The sandbox a function runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sandbox {
    V1,
    V2,
}

/// How a function runs, as its create and update calls set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FunctionConfig {
    pub handler: String,
    /// In MB; the CPU share follows it.
    pub memory_limit: u32,
    pub min_scale: u32,
    pub max_scale: u32,
    pub timeout_seconds: u32,
    pub http_option: HttpOption,
    pub sandbox: Sandbox,
    pub private_network_id: Option<Uuid>,
}

impl Default for FunctionConfig {
    /// What a function created with none of these settings gets.
    fn default() -> Self {
        FunctionConfig {
            handler: "handler.handle".into(),
            memory_limit: 256,
            min_scale: 0,
            max_scale: 20,
            timeout_seconds: 300,
            http_option: HttpOption::Enabled,
            sandbox: Sandbox::V2,
            private_network_id: None,
        }
    }
}

/// A namespace and its token-signing key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Namespace {
    pub id: Uuid,
    pub name: String,
    pub region: Region,
    pub project_id: Uuid,
    pub organization_id: Uuid,
    #[serde(flatten)]
    pub settings: Settings,
    /// The 8 random characters after the namespace's name in its functions' domains.
    #[serde(default)]
    pub suffix: String,
    /// The id of its container registry namespace (shown once the namespace is ready).
    #[serde(default = "Uuid::new_v4")]
    pub registry_namespace_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When its settings were last changed.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub updated_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub deleted_at: Option<OffsetDateTime>,
    /// PKCS#1 DER of the RSA private key, base64.
    pub private_key: String,
}

/// A function of a namespace.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Function {
    pub id: Uuid,
    pub name: String,
    pub namespace_id: Uuid,
    pub region: Region,
    pub privacy: Privacy,
    pub runtime: String,
    #[serde(flatten)]
    pub config: FunctionConfig,
    #[serde(flatten)]
    pub settings: Settings,
    pub domain_name: String,
    /// Where admitted calls go (`http://...`); none: the emulator's `--upstream`, else the echo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When its code was last deployed; a function never deployed stays `created`.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub deployed_at: Option<OffsetDateTime>,
    /// When the deployment before the last one became ready: shown while a redeploy is pending.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub ready_before: Option<OffsetDateTime>,
    /// When its settings were last changed.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub updated_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub deleted_at: Option<OffsetDateTime>,
}

/// What a token opens: one function or every function of a namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Function(Uuid),
    Namespace(Uuid),
}

/// A token; its secret JWT is never stored (it is shown once, at creation).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Token {
    pub id: Uuid,
    pub scope: Scope,
    pub region: Region,
    pub description: String,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub deleted_at: Option<OffsetDateTime>,
}

/// An IAM application: the principal that API keys and policies belong to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Application {
    pub id: Uuid,
    pub name: String,
    pub organization_id: Uuid,
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// One rule of a policy: permission sets granted on projects or on the whole organization.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rule {
    pub id: Uuid,
    pub permission_set_names: Vec<String>,
    pub target: RuleTarget,
}

/// Where a rule applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleTarget {
    Projects(Vec<Uuid>),
    Organization(Uuid),
}

/// An IAM policy, attached to an application or to no principal at all.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Policy {
    pub id: Uuid,
    pub name: String,
    pub organization_id: Uuid,
    /// None: a policy without principal (`no_principal`), which grants nothing.
    pub application_id: Option<Uuid>,
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub rules: Vec<Rule>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub updated_at: Option<OffsetDateTime>,
}

/// An IAM API key of an application. The secret is kept: the gateway must recognise it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiKey {
    pub access_key: String,
    pub secret_key: Uuid,
    pub application_id: Uuid,
    pub description: String,
    pub default_project_id: Uuid,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// One acknowledged change: a journal line, replayed in order on start-up.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    Namespace(Namespace),
    Function(Function),
    Token(Token),
    /// Marks a namespace (with its functions and tokens), a function (with its tokens) or a token deleted.
    Delete {
        id: Uuid,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    Application(Application),
    Policy(Policy),
    ApiKey(ApiKey),
    /// Removes an IAM application (with its keys and policies), a policy or an API key at
    /// once: IAM deletions answer 204 and leave nothing visible behind.
    Forget {
        id: String,
    },
}

/// Everything the emulator keeps, as written to the snapshot file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub secret_key: Uuid,
    pub project_id: Uuid,
    pub organization_id: Uuid,
    pub namespaces: Vec<Namespace>,
    pub functions: Vec<Function>,
    pub tokens: Vec<Token>,
    #[serde(default)]
    pub applications: Vec<Application>,
    #[serde(default)]
    pub policies: Vec<Policy>,
    #[serde(default)]
    pub api_keys: Vec<ApiKey>,
}

/// Where a record stands in its life, from its timestamps and the configured delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for a step of its owner: a function whose code was never deployed.
    Waiting,
    Creating,
    Ready,
    Deleting,
    Gone,
}

impl Phase {
    /// The phase of a record whose creation (or deployment) began at `started_at` (none: not
    /// yet) and that was maybe deleted, when every creation and deletion begun before `settled`
    /// (now minus the configured delay) has finished.
    pub fn at(
        settled: OffsetDateTime,
        started_at: Option<OffsetDateTime>,
        deleted_at: Option<OffsetDateTime>,
    ) -> Self {
        match (deleted_at, started_at) {
            (Some(deleted), _) if deleted <= settled => Phase::Gone,
            (Some(_), _) => Phase::Deleting,
            (None, None) => Phase::Waiting,
            (None, Some(started)) if started > settled => Phase::Creating,
            (None, Some(_)) => Phase::Ready,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Phase;
    use time::{Duration, OffsetDateTime};

    #[test]
    fn a_record_is_creating_then_ready_and_deleting_then_gone_once_the_delay_has_passed() {
        let made = OffsetDateTime::UNIX_EPOCH;
        let delay = Duration::seconds(2);
        let at = |now: OffsetDateTime, deleted| Phase::at(now - delay, Some(made), deleted);
        assert_eq!(at(made, None), Phase::Creating);
        assert_eq!(
            at(made + Duration::milliseconds(1999), None),
            Phase::Creating
        );
        assert_eq!(at(made + delay, None), Phase::Ready);
        let deleted = made + Duration::seconds(10);
        assert_eq!(at(deleted, Some(deleted)), Phase::Deleting);
        assert_eq!(
            at(deleted + Duration::milliseconds(1999), Some(deleted)),
            Phase::Deleting
        );
        assert_eq!(at(deleted + delay, Some(deleted)), Phase::Gone);
        assert_eq!(
            Phase::at(made, Some(made), None),
            Phase::Ready,
            "no delay: ready at once"
        );
        assert_eq!(
            Phase::at(made, Some(made), Some(made)),
            Phase::Gone,
            "no delay: gone at once"
        );
        assert_eq!(
            Phase::at(made, None, None),
            Phase::Waiting,
            "never started: waiting"
        );
    }
}
