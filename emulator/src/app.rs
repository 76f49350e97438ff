//! What every request handler shares.

use std::sync::Arc;

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::gateway::Upstream;
use crate::model::Phase;
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
    /// Where a record created (and maybe deleted) at these times stands now.
    pub fn phase(&self, created_at: OffsetDateTime, deleted_at: Option<OffsetDateTime>) -> Phase {
        Phase::at(
            OffsetDateTime::now_utc(),
            self.delay,
            created_at,
            deleted_at,
        )
    }
}
