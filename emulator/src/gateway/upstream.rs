//! Where an admitted call goes: a local upstream server, or the echo function.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::json;

use crate::refusal::plain;

/// Largest request body a function accepts (Scaleway's limit is 6 MB).
const MAX_FUNCTION_BODY: usize = 6 * 1024 * 1024;

/// An upstream base URL (`http://host:port[/prefix]`, no trailing slash), else why not.
pub fn base_url(url: &str) -> Result<String, String> {
    let base = url.trim_end_matches('/').to_owned();
    match base.parse::<Uri>() {
        Ok(uri)
            if uri.scheme_str() == Some("http")
                && uri.authority().is_some()
                && uri.query().is_none() =>
        {
            Ok(base)
        }
        _ => Err(format!(
            "{url:?} is not an http:// URL (the emulator proxies to local http servers only)"
        )),
    }
}

/// The HTTP client that proxies admitted calls to upstream servers.
pub struct Proxy {
    client: Client<HttpConnector, Body>,
}

impl Default for Proxy {
    fn default() -> Self {
        Proxy {
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }
}

impl Proxy {
    /// Sends the call to `base` + `path` + the query, without `X-Auth-Token` and `Host`.
    pub async fn forward(&self, base: &str, path: &str, request: Request) -> Response {
        let query = (request.uri().query())
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        let Ok(uri) = format!("{base}{path}{query}").parse::<Uri>() else {
            return plain(StatusCode::BAD_REQUEST, "bad function path");
        };
        let (mut parts, body) = request.into_parts();
        parts.uri = uri;
        parts.headers.remove("x-auth-token");
        parts.headers.remove("host");
        match self.client.request(Request::from_parts(parts, body)).await {
            Ok(response) => response.map(Body::new),
            Err(e) => plain(
                StatusCode::BAD_GATEWAY,
                &format!("upstream unreachable: {e}"),
            ),
        }
    }
}

/// The default function: answers the request it got, as JSON.
pub async fn echo(path: String, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_FUNCTION_BODY).await else {
        return plain(StatusCode::PAYLOAD_TOO_LARGE, "request body too large");
    };
    let mut headers: BTreeMap<&str, String> = BTreeMap::new();
    for (name, value) in parts.headers.iter().filter(|(n, _)| *n != "x-auth-token") {
        let value = String::from_utf8_lossy(value.as_bytes());
        (headers.entry(name.as_str()))
            .and_modify(|v| *v = format!("{v}, {value}"))
            .or_insert_with(|| value.into_owned());
    }
    Json(json!({
        "method": parts.method.as_str(),
        "path": path,
        "query": parts.uri.query().unwrap_or(""),
        "headers": headers,
        "body": String::from_utf8_lossy(&body),
    }))
    .into_response()
}
