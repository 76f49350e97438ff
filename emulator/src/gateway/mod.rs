//! The function gateway: finds the function, checks the caller's token or IAM key when it is
//! private, then proxies the call to its upstream or echoes it.

mod admit;
mod upstream;

use std::sync::Arc;

use axum::extract::{Request, State as Ctx};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

pub use admit::FUNCTION_ACCESS;
pub use upstream::{base_url, Proxy};

use crate::app::{App, Shared};
use crate::jwt::NamespaceKey;
use crate::model::Privacy;
use crate::refusal::Refusal;

/// `/fn/{function_id}[/rest]`
pub async fn by_path(Ctx(app): Ctx<Shared>, request: Request) -> Response {
    let after = request.uri().path().trim_start_matches("/fn/");
    let (id, rest) = after.split_at(after.find('/').unwrap_or(after.len()));
    let Ok(id) = Uuid::try_parse(id) else {
        return Refusal::NoSuchFunction.into_response();
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

/// What the gateway needs to know about the function a call is for.
pub struct Target {
    function_id: Uuid,
    namespace_id: Uuid,
    project_id: Uuid,
    privacy: Privacy,
    key: Arc<NamespaceKey>,
    upstream: Option<String>,
}

fn target(app: &App, function_id: Uuid) -> Result<Target, Refusal> {
    let state = app.store.read();
    let function = (state.functions.get(&function_id))
        .filter(|f| f.deleted_at.is_none())
        .ok_or(Refusal::NoSuchFunction)?;
    let namespace =
        (state.namespaces.get(&function.namespace_id)).ok_or(Refusal::NoSuchFunction)?;
    let key = state.key(namespace.id).ok_or(Refusal::NoSuchFunction)?;
    Ok(Target {
        function_id,
        namespace_id: namespace.id,
        project_id: namespace.project_id,
        privacy: function.privacy,
        key: key.clone(),
        upstream: function.upstream.clone(),
    })
}

async fn serve(app: &Shared, function_id: Uuid, path: String, request: Request) -> Response {
    let target = match target(app, function_id) {
        Ok(target) => target,
        Err(refusal) => return refusal.into_response(),
    };
    if target.privacy == Privacy::Public {
        // The platform adds no CORS headers to public functions: only their own code does.
        return dispatch(app, &target, path, request).await;
    }
    let cors = app.gateway_cors.as_ref();
    if let Some(answer) = cors.and_then(|c| c.preflight(request.method(), request.headers())) {
        return answer;
    }
    let headers = cors.map(|_| request.headers().clone());
    let mut response = match admit::check(app, &target, request.headers()) {
        Ok(credential) => {
            let mut response = dispatch(app, &target, path, request).await;
            response.extensions_mut().insert(credential);
            response
        }
        Err(reason) => Refusal::Forbidden(reason).into_response(),
    };
    if let (Some(cors), Some(headers)) = (cors, headers) {
        cors.decorate(&headers, &mut response);
    }
    response
}

/// Sends an admitted call to the function's upstream, else the emulator's, else the echo.
async fn dispatch(app: &App, target: &Target, path: String, request: Request) -> Response {
    match target.upstream.as_deref().or(app.upstream.as_deref()) {
        Some(base) => app.proxy.forward(base, &path, request).await,
        None => upstream::echo(path, request).await,
    }
}
