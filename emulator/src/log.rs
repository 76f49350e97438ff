//! One stderr line per request: method, path (never the query string or headers), status, latency.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

/// Logs a request once it is answered.
pub async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    eprintln!(
        "{method} {path} {} {millis:.2}ms",
        response.status().as_u16()
    );
    response
}
