//! CORS, strict by default like Scaleway: no headers for other origins unless a flag allows them.

use std::time::Duration;

use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, Any, CorsLayer};

/// How long a browser may cache a preflight answer.
const MAX_AGE: Duration = Duration::from_secs(600);

/// The API's CORS (`--cors-origin`): none when no origin is given. Allows `X-Auth-Token`,
/// `Content-Type` and whatever else a preflight asks for, and exposes every response header.
pub fn api_layer(origins: &[String]) -> Result<Option<CorsLayer>, String> {
    if origins.is_empty() {
        return Ok(None);
    }
    let values = (origins.iter())
        .map(|o| HeaderValue::from_str(o).map_err(|_| format!("bad --cors-origin {o:?}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(values))
            .allow_methods(AllowMethods::mirror_request())
            .allow_headers(AllowHeaders::mirror_request())
            .expose_headers(Any)
            .max_age(MAX_AGE),
    ))
}

/// The origins whose pages may call private functions (`--gateway-preflight allow`): those of
/// `--cors-origin`, or any origin when none is given.
pub struct GatewayCors {
    origins: Vec<String>,
}

impl GatewayCors {
    /// Allows these origins (any when empty).
    pub fn new(origins: &[String]) -> Self {
        GatewayCors {
            origins: origins.to_vec(),
        }
    }

    /// The request's `Origin` when it is allowed.
    fn allowed(&self, headers: &HeaderMap) -> Option<HeaderValue> {
        let origin = headers.get(ORIGIN)?;
        let text = origin.to_str().ok()?;
        (self.origins.is_empty() || self.origins.iter().any(|o| o == text)).then(|| origin.clone())
    }

    /// The answer to a preflight from an allowed origin; `None` for any other request.
    pub fn preflight(&self, method: &Method, headers: &HeaderMap) -> Option<Response> {
        if method != Method::OPTIONS || !headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD) {
            return None;
        }
        let origin = self.allowed(headers)?;
        let mut answer = StatusCode::NO_CONTENT.into_response();
        let out = answer.headers_mut();
        out.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        for (asked, allowed) in [
            (ACCESS_CONTROL_REQUEST_METHOD, ACCESS_CONTROL_ALLOW_METHODS),
            (ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_ALLOW_HEADERS),
        ] {
            if let Some(value) = headers.get(asked) {
                out.insert(allowed, value.clone());
            }
        }
        out.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from(MAX_AGE.as_secs()));
        out.insert(VARY, HeaderValue::from_static("origin"));
        Some(answer)
    }

    /// Adds the CORS headers of an allowed origin to a function's answer.
    pub fn decorate(&self, request: &HeaderMap, response: &mut Response) {
        if let Some(origin) = self.allowed(request) {
            let out = response.headers_mut();
            out.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            out.insert(ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("*"));
            out.append(VARY, HeaderValue::from_static("origin"));
        }
    }
}
