//! What every request handler shares.

use std::sync::Arc;

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::api::Uploads;
use crate::args::Rules;
use crate::cors::GatewayCors;
use crate::gateway::Proxy;
use crate::model::Snapshot;
use crate::propagation::Propagation;
use crate::requests::RequestLog;
use crate::store::Store;

/// The ready line, also served at `/emulator/info`.
#[derive(Debug, Clone, Serialize)]
pub struct Info {
    pub api_url: String,
    pub secret_key: Uuid,
    pub region: &'static str,
    pub project_id: Uuid,
    /// The first namespace of the world (null when a seed file has none).
    pub namespace_id: Option<Uuid>,
    /// The first function of that namespace (null when it has none).
    pub function_id: Option<Uuid>,
    pub function_url: Option<String>,
}

/// Shared by all handlers.
pub struct App {
    pub store: Store,
    /// Time spent `creating` / `deleting`.
    pub delay: time::Duration,
    pub rsa_bits: usize,
    /// `--upstream`: where admitted calls of functions without their own upstream go.
    pub upstream: Option<String>,
    pub proxy: Proxy,
    /// `--gateway-preflight allow`: the origins whose pages may call private functions.
    pub gateway_cors: Option<GatewayCors>,
    pub rules: Rules,
    /// Which instance knows of which recent IAM change (`--iam-propagation`).
    pub propagation: Propagation,
    pub requests: RequestLog,
    /// Upload URLs handed out and the archives received.
    pub uploads: Uploads,
    /// The world at start-up, which `POST /emulator/reset` brings back.
    pub seeded: Snapshot,
    pub info: Info,
}

/// The handlers' state.
pub type Shared = Arc<App>;

impl App {
    /// The moment before which every creation and deletion has finished: now minus the
    /// configured delay (see [`crate::model::Phase::at`]). Read once per request: a list asks it
    /// of every record.
    pub fn settled(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() - self.delay
    }
}
