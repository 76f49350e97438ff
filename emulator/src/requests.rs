//! The log of recent requests: one stderr line each, and the last ones kept for
//! `GET /emulator/requests`. Only the method, the path (never the query string, a header or a
//! body: no secret, no token), the status, the latency, why the gateway refused a call and the
//! public identifier of the credential it admitted one with.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::app::Shared;
use crate::refusal::Reason;

/// How many requests the log keeps.
const KEPT: usize = 500;

/// The credential the gateway admitted a call with, named by its public identifier: never the
/// secret key or the JWT the caller presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Credential {
    /// An IAM API key, by its access key (`SCW…`).
    AccessKey(String),
    /// A legacy function token, by its id.
    TokenId(Uuid),
}

/// One answered request.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub at: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub latency_ms: f64,
    /// Why the call was refused: a 403 of a private function, or an API call refused while IAM
    /// propagates (`propagating`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The credential an admitted call to a private function carried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<Credential>,
}

/// The last [`KEPT`] requests, oldest first, and how many were answered in all.
#[derive(Default)]
pub struct RequestLog {
    kept: Mutex<(VecDeque<Entry>, u64)>,
}

impl RequestLog {
    fn push(&self, entry: Entry) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.0.len() == KEPT {
            kept.0.pop_front();
        }
        kept.0.push_back(entry);
        kept.1 += 1;
    }

    /// `{"requests": [...oldest first], "total": n}`.
    pub fn view(&self) -> Value {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        json!({ "requests": kept.0, "total": kept.1 })
    }
}

/// Logs a request once it is answered; the emulator's own `/emulator/` calls only go to stderr,
/// so that polling the log does not fill it.
pub async fn log_request(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let status = response.status().as_u16();
    eprintln!("{method} {path} {status} {latency_ms:.2}ms");
    if !path.starts_with("/emulator/") {
        app.requests.push(Entry {
            at: OffsetDateTime::now_utc()
                .format(&Rfc3339)
                .unwrap_or_default(),
            method,
            path,
            status,
            latency_ms: (latency_ms * 100.0).round() / 100.0,
            reason: response.extensions().get::<Reason>().copied(),
            credential: response.extensions().get::<Credential>().cloned(),
        });
    }
    response
}
