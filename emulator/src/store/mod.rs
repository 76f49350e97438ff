//! The state behind locks: readers never wait for the disk; writers go one at a time.

mod journal;

use std::path::Path;
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use time::OffsetDateTime;
use uuid::Uuid;

use crate::errors::ApiError;
use crate::model::{Change, Snapshot};
use crate::state::{Identity, State};
use journal::Journal;

/// The shared state and, with `--state`, its journal.
pub struct Store {
    state: RwLock<State>,
    /// Held for the whole of a change, so that changes are validated, journaled and applied in order.
    writer: Mutex<Option<Journal>>,
}

impl Store {
    /// Opens the state file (if any) and restores what it holds; `secret_key` overrides the stored one.
    pub fn open(path: Option<&Path>, secret_key: Option<Uuid>) -> Result<Self, String> {
        let (journal, mut state) = match path {
            None => (None, State::new(fresh_identity())),
            Some(path) => {
                let (journal, recovered) = Journal::open(path)
                    .map_err(|e| format!("cannot open state {}: {e}", path.display()))?;
                let mut state = match recovered.snapshot {
                    Some(snapshot) => State::from_snapshot(snapshot)?,
                    None => State::new(fresh_identity()),
                };
                for change in recovered.changes {
                    state.apply(change)?;
                }
                (Some(journal), state)
            }
        };
        // Deletions were acknowledged before the restart; their delay has run out.
        state.purge(OffsetDateTime::now_utc() + time::Duration::days(36_500));
        if let Some(key) = secret_key {
            state.identity.secret_key = key;
        }
        Ok(Store {
            state: RwLock::new(state),
            writer: Mutex::new(journal),
        })
    }

    /// Reads the state (never blocked by disk writes).
    pub fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    fn writer(&self) -> MutexGuard<'_, Option<Journal>> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes one change: `plan` checks it against the current state and returns it with the
    /// answer; the change is on disk before it is applied and before this returns.
    pub fn commit<T>(
        &self,
        plan: impl FnOnce(&State) -> Result<(Change, T), ApiError>,
    ) -> Result<T, ApiError> {
        let mut journal = self.writer();
        let (change, answer) = plan(&self.read())?;
        if let Some(journal) = journal.as_mut() {
            journal
                .append(&change)
                .map_err(|e| ApiError::Internal(format!("cannot write the journal: {e}")))?;
        }
        self.write().apply(change).map_err(ApiError::Internal)?;
        Ok(answer)
    }

    /// Replaces every record with those of `snapshot` (also on disk, with `--state`).
    pub fn reset(&self, snapshot: Snapshot) -> Result<(), String> {
        let mut journal = self.writer();
        let state = State::from_snapshot(snapshot)?;
        if let Some(journal) = journal.as_mut() {
            journal
                .compact(&state.snapshot())
                .map_err(|e| format!("cannot write the state file: {e}"))?;
        }
        *self.write() = state;
        Ok(())
    }

    /// Forgets records deleted at or before `until`.
    pub fn purge(&self, until: OffsetDateTime) {
        let _journal = self.writer();
        self.write().purge(until);
    }

    /// Folds the journal into the snapshot file (no-op without `--state`).
    pub fn compact(&self) -> Result<(), String> {
        let mut journal = self.writer();
        match journal.as_mut() {
            Some(journal) => journal
                .compact(&self.read().snapshot())
                .map_err(|e| format!("cannot write the state file: {e}")),
            None => Ok(()),
        }
    }
}

fn fresh_identity() -> Identity {
    Identity {
        secret_key: Uuid::new_v4(),
        project_id: Uuid::new_v4(),
        organization_id: Uuid::new_v4(),
    }
}
