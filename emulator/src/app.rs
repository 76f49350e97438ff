//! What every request handler shares.

use std::sync::Arc;

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::gateway::Upstream;
use crate::store::Store;

/// The ready line, also served at `/emulator/info`.
#[derive(Debug, Clone, Serialize)]
pub struct Info {
    pub api_url: String,
    pub secret_key: Uuid,
    pub region: &'static str,
    pub project_id: Uuid,
    pub namespace_id: Uuid,
    pub function_id: Uuid,
    pub function_url: String,
}

/// Shared by all handlers.
pub struct App {
    pub store: Store,
    /// Time spent `creating` / `deleting`.
    pub delay: time::Duration,
    pub rsa_bits: usize,
    pub upstream: Option<Upstream>,
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
