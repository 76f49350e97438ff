//! Function code uploads. `GET .../functions/{id}/upload-url` answers a URL that stands for
//! Scaleway's presigned object-storage URL: the emulator itself accepts the archive there
//! (`PUT /emulator/uploads/{ticket}`), once, for its announced size, until the URL expires,
//! and answers refusals as object storage does (XML). It keeps each function's last archive's
//! size, not its bytes.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use axum::body::Body;
use axum::extract::State as Ctx;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body_util::BodyExt;
use serde::Serialize;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::extract::{path_id, region, Checker, PathArgs, Query};
use super::{find_live, Answer};
use crate::app::Shared;

/// How long an upload URL stays valid.
const VALIDITY: Duration = Duration::hours(1);

/// The largest archive a function takes (Scaleway's limit is 100 MB).
const MAX_ARCHIVE: u64 = 100 * 1024 * 1024;

/// What an upload URL allows: one function's archive of exactly this size, until it expires.
#[derive(Debug, Clone, Copy)]
pub struct Ticket {
    function_id: Uuid,
    content_length: u64,
    expires_at: OffsetDateTime,
}

/// Why an upload is refused, in object storage's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// No such URL (never handed out, or forged).
    Unknown,
    Expired,
    /// More bytes than the URL was made for.
    TooLarge,
    /// Fewer bytes than the URL was made for.
    Incomplete,
}

impl Ticket {
    /// Whether an upload of `size` bytes (as far as read) may go on at `now`.
    fn admits(&self, now: OffsetDateTime, size: u64) -> Result<(), Refusal> {
        if now >= self.expires_at {
            Err(Refusal::Expired)
        } else if size > self.content_length {
            Err(Refusal::TooLarge)
        } else {
            Ok(())
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            Refusal::Unknown => (
                StatusCode::FORBIDDEN,
                "AccessDenied",
                "The request signature does not match.",
            ),
            Refusal::Expired => (StatusCode::FORBIDDEN, "AccessDenied", "Request has expired"),
            Refusal::TooLarge => (
                StatusCode::BAD_REQUEST,
                "EntityTooLarge",
                "Your proposed upload exceeds the size the URL was signed for.",
            ),
            Refusal::Incomplete => (
                StatusCode::BAD_REQUEST,
                "IncompleteBody",
                "You did not provide the number of bytes specified by the URL.",
            ),
        };
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>"
        );
        (status, [(CONTENT_TYPE, "application/xml")], body).into_response()
    }
}

/// The last archive uploaded for a function.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Archive {
    function_id: Uuid,
    size: u64,
    #[serde(with = "time::serde::rfc3339")]
    uploaded_at: OffsetDateTime,
}

/// The upload URLs handed out and the archives received (in memory only).
#[derive(Default)]
pub struct Uploads {
    tickets: Mutex<HashMap<Uuid, Ticket>>,
    archives: Mutex<BTreeMap<Uuid, Archive>>,
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Uploads {
    /// The archives received, one per function.
    pub fn archives(&self) -> Vec<Archive> {
        locked(&self.archives).values().copied().collect()
    }

    /// Forgets every URL and archive (a reset).
    pub fn clear(&self) {
        locked(&self.tickets).clear();
        locked(&self.archives).clear();
    }
}

/// What GetFunctionUploadURL answers.
#[derive(Serialize)]
pub struct UploadUrl {
    url: String,
    /// The headers the upload must carry, each with its values.
    headers: BTreeMap<&'static str, [String; 1]>,
}

/// GET `.../functions/{function_id}/upload-url?content_length=N`
pub async fn upload_url(
    Ctx(app): Ctx<Shared>,
    PathArgs((region_name, id)): PathArgs<(String, String)>,
    query: Query,
) -> Answer<UploadUrl> {
    let region = region(&region_name)?;
    let id = path_id("function_id", &id)?;
    let mut check = Checker::default();
    let length = query.get("content_length");
    if length.is_none() {
        let help = "content_length is required";
        check.refuse("content_length", crate::errors::Reason::Required, help);
    }
    let max = usize::try_from(MAX_ARCHIVE).unwrap_or(usize::MAX);
    let content_length = check.number("content_length", length, 1..=max, 0) as u64;
    check.finish()?;
    find_live(&app.store.read().functions, id, region)?;
    let ticket = Uuid::new_v4();
    locked(&app.uploads.tickets).insert(
        ticket,
        Ticket {
            function_id: id,
            content_length,
            expires_at: OffsetDateTime::now_utc() + VALIDITY,
        },
    );
    let headers = BTreeMap::from([
        ("content-length", [content_length.to_string()]),
        ("content-type", ["application/octet-stream".to_owned()]),
    ]);
    Ok(Json(UploadUrl {
        url: format!("{}/emulator/uploads/{ticket}", app.info.api_url),
        headers,
    }))
}

/// PUT `/emulator/uploads/{ticket}`: receives an archive for the URL's function. Nothing is
/// kept unless the whole archive arrives, of the announced size, before the URL expires.
pub async fn receive(
    Ctx(app): Ctx<Shared>,
    PathArgs(ticket): PathArgs<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let ticket = Uuid::try_parse(&ticket)
        .ok()
        .and_then(|id| locked(&app.uploads.tickets).get(&id).copied());
    let Some(ticket) = ticket else {
        return Refusal::Unknown.into_response();
    };
    let announced = (headers.get("content-length"))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    if let Err(refusal) = ticket.admits(OffsetDateTime::now_utc(), announced) {
        return refusal.into_response();
    }
    let mut size: u64 = 0;
    let mut body = body;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Refusal::Incomplete.into_response();
        };
        if let Some(data) = frame.data_ref() {
            size += data.len() as u64;
            if let Err(refusal) = ticket.admits(OffsetDateTime::now_utc(), size) {
                return refusal.into_response();
            }
        }
    }
    if size < ticket.content_length {
        return Refusal::Incomplete.into_response();
    }
    let archive = Archive {
        function_id: ticket.function_id,
        size,
        uploaded_at: OffsetDateTime::now_utc(),
    };
    locked(&app.uploads.archives).insert(ticket.function_id, archive);
    StatusCode::OK.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_url_takes_its_size_until_it_expires() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let ticket = Ticket {
            function_id: Uuid::new_v4(),
            content_length: 780,
            expires_at: now + VALIDITY,
        };
        assert_eq!(ticket.admits(now, 780), Ok(()));
        assert_eq!(ticket.admits(now, 781), Err(Refusal::TooLarge));
        assert_eq!(ticket.admits(now + VALIDITY, 10), Err(Refusal::Expired));
    }
}
