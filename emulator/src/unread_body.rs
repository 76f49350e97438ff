//! An answer given before its request's body was read to the end closes the connection, and says
//! so. hyper closes such a connection anyway when the rest of the body has not arrived yet, but
//! silently: a keep-alive client would send its next request on it and see it reset. Refusals
//! (401, 403, 404) are answered without reading the body, so this is every client's concern.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{HeaderValue, CONNECTION};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};

/// Adds `Connection: close` to the answer of a request whose body was not read to its end.
pub async fn close_if_unread(request: Request, next: Next) -> Response {
    let ended = Arc::new(AtomicBool::new(false));
    let request = request.map(|body| {
        ended.store(http_body::Body::is_end_stream(&body), Ordering::Relaxed);
        Body::new(Watched {
            body,
            ended: ended.clone(),
        })
    });
    let mut response = next.run(request).await;
    if !ended.load(Ordering::Relaxed) {
        (response.headers_mut()).insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// A request body that records when it has been read to its end.
struct Watched {
    body: Body,
    ended: Arc<AtomicBool>,
}

impl http_body::Body for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.body.is_end_stream() {
            self.ended.store(true, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
