//! Fault injection (`--faults`): `POST /emulator/faults` queues faults that the next matching
//! requests suffer (error statuses, dropped connections, slow, truncated or unreadable answers),
//! so that clients can be tested against the failures of a real network and a real API.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// Largest answer body the `truncated` fault reads before cutting it.
const MAX_TRUNCATED: usize = 1 << 20;

/// What a faulty answer looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `status` with a Scaleway-style JSON error body (429 carries `Retry-After`).
    Status,
    /// The connection is closed without an answer.
    Reset,
    /// Only `delay_ms`, then the real answer.
    Slow,
    /// The real answer's status, cut in the middle of its body.
    Truncated,
    /// 200 with `Content-Type: application/json` and a body that is not JSON.
    InvalidJson,
    /// `status` (default 502) with a proxy's HTML error page.
    Html,
}

/// One queued fault and the requests it applies to.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Fault {
    pub kind: Kind,
    /// For `status` (required) and `html` (default 502).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `Retry-After` value of a 429 (default `"0"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<String>,
    /// Waited before answering (any kind).
    #[serde(default)]
    pub delay_ms: u64,
    /// Run the real handler first (the change lands), then answer with the fault.
    #[serde(default)]
    pub after: bool,
    /// Only requests with this method (any when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only requests whose path contains this (any path outside `/emulator/` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// How many matching requests suffer it (default 1).
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

/// The queue and how many faults were applied.
#[derive(Default)]
struct Faults {
    queue: Mutex<(VecDeque<Fault>, u64)>,
}

impl Faults {
    /// Takes one use of the first queued fault matching this request.
    fn take(&self, method: &str, path: &str) -> Option<Fault> {
        if path.starts_with("/emulator/") {
            return None;
        }
        let mut guard = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let (queue, applied) = &mut *guard;
        let index = queue.iter().position(|f| {
            f.method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
                && f.path.as_deref().is_none_or(|p| path.contains(p))
        })?;
        let fault = queue[index].clone();
        if fault.times <= 1 {
            queue.remove(index);
        } else {
            queue[index].times -= 1;
        }
        *applied += 1;
        Some(fault)
    }
}

/// The queued faults: a JSON array, or one fault.
#[derive(Deserialize)]
#[serde(untagged)]
enum Queued {
    Many(Vec<Fault>),
    One(Fault),
}

/// Adds `/emulator/faults` and the layer applying the faults, when `enabled`.
pub fn install<S: Clone + Send + Sync + 'static>(router: Router<S>, enabled: bool) -> Router<S> {
    if !enabled {
        return router;
    }
    let faults = Arc::new(Faults::default());
    router
        .route(
            "/emulator/faults",
            post(enqueue)
                .get(pending)
                .delete(clear)
                .with_state(faults.clone()),
        )
        .layer(middleware::from_fn_with_state(faults, apply))
}

async fn enqueue(State(faults): State<Arc<Faults>>, Json(queued): Json<Queued>) -> Response {
    let list = match queued {
        Queued::Many(list) => list,
        Queued::One(fault) => vec![fault],
    };
    if let Some(bad) = list.iter().find(|f| {
        let status = f.status.unwrap_or(502);
        f.kind == Kind::Status && f.status.is_none() || !(100..=599).contains(&status)
    }) {
        let message = format!("fault {bad:?} needs a status in 100..=599");
        return (StatusCode::BAD_REQUEST, message).into_response();
    }
    let mut guard = faults.queue.lock().unwrap_or_else(|e| e.into_inner());
    guard.0.extend(list.into_iter().filter(|f| f.times > 0));
    StatusCode::NO_CONTENT.into_response()
}

async fn pending(State(faults): State<Arc<Faults>>) -> Response {
    let guard = faults.queue.lock().unwrap_or_else(|e| e.into_inner());
    Json(serde_json::json!({ "pending": guard.0, "applied": guard.1 })).into_response()
}

async fn clear(State(faults): State<Arc<Faults>>) -> StatusCode {
    faults
        .queue
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .0
        .clear();
    StatusCode::NO_CONTENT
}

/// Answers the request as its queued fault says, if one matches.
async fn apply(State(faults): State<Arc<Faults>>, request: Request, next: Next) -> Response {
    let Some(fault) = faults.take(request.method().as_str(), request.uri().path()) else {
        return next.run(request).await;
    };
    let real = if fault.after || matches!(fault.kind, Kind::Slow | Kind::Truncated) {
        Some(next.run(request).await)
    } else {
        None
    };
    tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    match fault.kind {
        Kind::Slow => real.unwrap_or_else(|| StatusCode::OK.into_response()),
        Kind::Truncated => truncate(real).await,
        Kind::Reset => Response::new(Body::new(Broken)),
        Kind::InvalidJson => (
            [(header::CONTENT_TYPE, "application/json")],
            "{\"id\": not json",
        )
            .into_response(),
        Kind::Html => {
            let code = status(fault.status.unwrap_or(502));
            let page = format!("<html><head><title>{code}</title></head><body><h1>{code}</h1><hr>nginx</body></html>");
            (code, [(header::CONTENT_TYPE, "text/html")], page).into_response()
        }
        Kind::Status => {
            let code = status(fault.status.unwrap_or(500));
            let body = serde_json::json!({
                "message": format!("emulated fault: HTTP {}", code.as_u16()),
                "type": if code == StatusCode::TOO_MANY_REQUESTS { "too_many_requests" } else { "internal" },
            });
            let mut response = (code, Json(body)).into_response();
            if code == StatusCode::TOO_MANY_REQUESTS {
                let after = fault.retry_after.as_deref().unwrap_or("0");
                if let Ok(value) = HeaderValue::from_str(after) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
            }
            response
        }
    }
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY)
}

/// The real answer with only the first half of its body.
async fn truncate(real: Option<Response>) -> Response {
    let Some(real) = real else {
        return StatusCode::OK.into_response();
    };
    let (mut parts, body) = real.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_TRUNCATED).await {
        Ok(bytes) => bytes,
        Err(_) => Bytes::new(),
    };
    let cut = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(cut))
}

/// A body that fails at once: the server closes the connection without answering.
struct Broken;

impl http_body::Body for Broken {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "emulated connection reset",
        ))))
    }
}
