//! CORS for browser callers of the API and of functions.

use std::time::Duration;

use axum::http::HeaderValue;
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, Any, CorsLayer};

/// Allows the given origins (any when empty), `X-Auth-Token`, `Content-Type` and whatever else a
/// preflight asks for, and exposes every response header.
pub fn layer(origins: &[String]) -> Result<CorsLayer, String> {
    let allowed = if origins.is_empty() {
        AllowOrigin::any()
    } else {
        let values = (origins.iter())
            .map(|o| HeaderValue::from_str(o).map_err(|_| format!("bad --cors-origin {o:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        AllowOrigin::list(values)
    };
    Ok(CorsLayer::new()
        .allow_origin(allowed)
        .allow_methods(AllowMethods::mirror_request())
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(Any)
        .max_age(Duration::from_secs(600)))
}
