//! The function gateway: checks the caller's token or IAM key, then echoes the request or proxies it upstream.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::{Request, State as Ctx};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::json;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::app::Shared;
use crate::jwt::application_claim;
use crate::model::{Namespace, Privacy, RuleTarget, Scope};

/// Largest request body a function accepts (Scaleway's limit is 6 MB).
const MAX_FUNCTION_BODY: usize = 6 * 1024 * 1024;

/// A local http:// server that receives the calls that passed the token check.
pub struct Upstream {
    base: String,
    client: Client<HttpConnector, Body>,
}

impl Upstream {
    /// An upstream at `url` (`http://host:port[/prefix]`).
    pub fn new(url: &str) -> Result<Self, String> {
        let base = url.trim_end_matches('/').to_owned();
        match base.parse::<Uri>() {
            Ok(uri) if uri.scheme_str() == Some("http") && uri.authority().is_some() => {}
            _ => return Err(format!("--upstream must be an http:// URL, got {url:?}")),
        }
        let client = Client::builder(TokioExecutor::new()).build_http();
        Ok(Upstream { base, client })
    }

    async fn forward(&self, path: &str, request: Request) -> Response {
        let query = request
            .uri()
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        let Ok(uri) = format!("{}{path}{query}", self.base).parse::<Uri>() else {
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

/// `/fn/{function_id}[/rest]`
pub async fn by_path(Ctx(app): Ctx<Shared>, request: Request) -> Response {
    let after = request.uri().path().trim_start_matches("/fn/");
    let (id, rest) = after.split_at(after.find('/').unwrap_or(after.len()));
    let Ok(id) = Uuid::try_parse(id) else {
        return plain(StatusCode::NOT_FOUND, "function not found");
    };
    let path = if rest.is_empty() { "/" } else { rest }.to_owned();
    serve(&app, id, path, request).await
}

/// Sends requests addressed to a function's domain name (`Host` header) to that function.
pub async fn by_host(Ctx(app): Ctx<Shared>, request: Request, next: Next) -> Response {
    let host = (request.headers().get("host"))
        .and_then(|h| h.to_str().ok())
        .map(|h| h.rsplit_once(':').map_or(h, |(name, _)| name));
    let function = host.and_then(|h| app.store.read().function_by_domain(h).map(|f| f.id));
    match function {
        Some(id) => {
            let path = request.uri().path().to_owned();
            serve(&app, id, path, request).await
        }
        None => next.run(request).await,
    }
}

async fn serve(app: &Shared, function_id: Uuid, path: String, request: Request) -> Response {
    if let Err(refusal) = admit(app, function_id, request.headers()) {
        return refusal.into_response();
    }
    match &app.upstream {
        Some(upstream) => upstream.forward(&path, request).await,
        None => echo(path, request).await,
    }
}

/// Why the gateway does not let a call through.
enum Refusal {
    NoSuchFunction,
    Forbidden,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::NoSuchFunction => plain(StatusCode::NOT_FOUND, "function not found"),
            Refusal::Forbidden => plain(StatusCode::FORBIDDEN, "forbidden"),
        }
    }
}

/// Permission sets that open a project's private functions to an IAM application.
const FUNCTION_ACCESS: [&str; 2] = ["FunctionsPrivateAccess", "FunctionsFullAccess"];

/// Lets a call through to a public function, or to a private one with a valid token for it
/// or the secret key of an IAM API key allowed to call the functions of its project.
fn admit(app: &Shared, function_id: Uuid, headers: &HeaderMap) -> Result<(), Refusal> {
    let forbidden = || Refusal::Forbidden;
    let (namespace, key) = {
        let state = app.store.read();
        let function = (state.functions.get(&function_id))
            .filter(|f| f.deleted_at.is_none())
            .ok_or(Refusal::NoSuchFunction)?;
        if function.privacy == Privacy::Public {
            return Ok(());
        }
        let namespace = (state.namespaces.get(&function.namespace_id))
            .cloned()
            .ok_or_else(forbidden)?;
        let key = state.key(namespace.id).cloned().ok_or_else(forbidden)?;
        (namespace, key)
    };
    let credential = (headers.get("x-auth-token"))
        .and_then(|v| v.to_str().ok())
        .ok_or_else(forbidden)?;
    if let Ok(secret) = Uuid::try_parse(credential) {
        return admit_api_key(app, secret, &namespace);
    }
    // Signature, algorithm, audience, issuer and `exp` are checked without any lock held.
    let claims = key.verify(credential).ok_or_else(forbidden)?;
    let token_id = Uuid::try_parse(&claims.jti).map_err(|_| forbidden())?;
    let state = app.store.read();
    let token = (state.tokens.get(&token_id))
        .filter(|t| t.deleted_at.is_none())
        .filter(|t| t.expires_at.is_none_or(|at| OffsetDateTime::now_utc() < at))
        .ok_or_else(forbidden)?;
    let opens = match token.scope {
        Scope::Function(id) => id == function_id,
        Scope::Namespace(id) => id == namespace.id,
    };
    if opens && claims.application_claim == application_claim(token.scope) {
        Ok(())
    } else {
        Err(Refusal::Forbidden)
    }
}

/// An IAM secret key opens the function when it is live and its application holds a policy
/// granting function access on the namespace's project (or its whole organization).
fn admit_api_key(app: &Shared, secret: Uuid, namespace: &Namespace) -> Result<(), Refusal> {
    let state = app.store.read();
    // Every key is compared, in constant time, so that timing tells nothing about the secrets.
    let mut found = None;
    for key in state.api_keys.values() {
        if bool::from(key.secret_key.as_bytes().ct_eq(secret.as_bytes())) {
            found = Some(key);
        }
    }
    let key = found
        .filter(|k| k.expires_at.is_none_or(|at| OffsetDateTime::now_utc() < at))
        .ok_or(Refusal::Forbidden)?;
    let granted = (state.policies.values())
        .filter(|p| p.application_id == key.application_id)
        .flat_map(|p| &p.rules)
        .filter(|r| (r.permission_set_names.iter()).any(|s| FUNCTION_ACCESS.contains(&s.as_str())))
        .any(|r| match &r.target {
            RuleTarget::Projects(ids) => ids.contains(&namespace.project_id),
            RuleTarget::Organization(id) => *id == namespace.organization_id,
        });
    if granted {
        Ok(())
    } else {
        Err(Refusal::Forbidden)
    }
}

/// The default function: answers the request it got, as JSON.
async fn echo(path: String, request: Request) -> Response {
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

fn plain(status: StatusCode, message: &str) -> Response {
    (status, format!("{message}\n")).into_response()
}
