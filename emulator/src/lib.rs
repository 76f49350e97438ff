//! Local emulator of the Scaleway Serverless Functions API (v1beta1) and of the gateway in
//! front of private functions. [`run`] serves it until SIGINT or SIGTERM.

mod api;
mod app;
pub mod args;
mod cors;
mod errors;
mod faults;
mod gateway;
mod jwt;
mod local;
mod model;
mod propagation;
mod refusal;
mod requests;
mod seed;
mod state;
mod store;
mod unread_body;

use std::io::Write;
use std::net::IpAddr;
use std::sync::Arc;

use axum::response::IntoResponse;
use axum::routing::any;
use axum::{middleware, Router};
use time::OffsetDateTime;
use tower_http::services::ServeDir;

use app::{App, Info, Shared};
use args::{Args, GatewayPreflight};
use model::Region;
use propagation::Propagation;
use seed::Seed;
use state::State;
use store::Store;

/// Serves the emulator until SIGINT/SIGTERM, after printing the ready line on stdout.
pub async fn run(args: Args) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", args.host, args.port))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let host = match address.ip() {
        ip if ip.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        ip => ip,
    };
    let api_url = format!("http://{}", std::net::SocketAddr::new(host, address.port()));
    let app = shared(&args, api_url)?;
    let router = router(app.clone(), &args)?;
    tokio::spawn(sweep(app.clone()));
    let shutdown = shutdown_signal()?;
    let line = serde_json::to_string(&app.info).map_err(|e| e.to_string())?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .map_err(|e| e.to_string())?;
    drop(stdout);
    eprintln!("scw-emulator listening on {}", app.info.api_url);
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| e.to_string())?;
    app.store.compact()?;
    eprintln!("scw-emulator stopped");
    Ok(())
}

/// Every route of the emulator for these flags, answering as if served at `api_url` (which
/// its answers name, e.g. upload URLs): what [`run`] serves, and what tests call in-process.
pub fn app(args: &Args, api_url: &str) -> Result<Router, String> {
    router(shared(args, api_url.to_owned())?, args)
}

/// The state every handler shares: the stored world (seeded on a first start) and the flags.
fn shared(args: &Args, api_url: String) -> Result<Shared, String> {
    let seed = match &args.seed {
        Some(path) => Seed::load(path)?,
        None => Seed::demo(),
    };
    let upstream = args
        .upstream
        .as_deref()
        .map(gateway::base_url)
        .transpose()?;
    let store = Store::open(args.state.as_deref(), args.secret_key)?;
    let bits = args.rsa_bits as usize;
    if store.read().is_empty() {
        let mut world = seed.world(store.read().identity, bits)?;
        world.secret_key = args.secret_key.unwrap_or(world.secret_key);
        store.reset(world)?;
    }
    store.compact()?;
    let seeded = store.read().snapshot();
    let info = info(&store.read(), api_url);
    let rules = args.rules();
    Ok(Arc::new(App {
        store,
        delay: time::Duration::milliseconds(args.token_delay_ms.try_into().unwrap_or(i64::MAX)),
        rsa_bits: bits,
        upstream,
        proxy: gateway::Proxy::default(),
        gateway_cors: (args.gateway_preflight == GatewayPreflight::Allow)
            .then(|| cors::GatewayCors::new(&args.cors_origins)),
        rules,
        propagation: Propagation::new(rules.iam_propagation),
        requests: requests::RequestLog::default(),
        uploads: api::Uploads::default(),
        seeded,
        info,
    }))
}

/// The ready line: the oldest namespace (the seed's first) and its oldest function.
fn info(state: &State, api_url: String) -> Info {
    let namespace = (state.namespaces.values())
        .filter(|n| n.deleted_at.is_none())
        .min_by_key(|n| n.created_at);
    let function = namespace.and_then(|n| {
        (state.functions.values())
            .filter(|f| f.namespace_id == n.id && f.deleted_at.is_none())
            .min_by_key(|f| f.created_at)
    });
    Info {
        function_url: function.map(|f| format!("{api_url}/fn/{}", f.id)),
        api_url,
        secret_key: state.identity.secret_key,
        region: namespace.map_or(Region::FrPar, |n| n.region).as_str(),
        project_id: state.identity.project_id,
        namespace_id: namespace.map(|n| n.id),
        function_id: function.map(|f| f.id),
    }
}

/// Every route: API (with CORS only for `--cors-origin`), gateway, `/emulator/...` and the
/// static demo, with the request log.
fn router(app: Shared, args: &Args) -> Result<Router, String> {
    let mut api = Router::new()
        .merge(api::router(app.clone()))
        .merge(local::router());
    if let Some(cors) = cors::api_layer(&args.cors_origins)? {
        api = api.layer(cors);
    }
    let router = api
        .route("/fn/{*rest}", any(gateway::by_path))
        .nest_service("/pkg", files(&args.pkg))
        .fallback_service(files(&args.www))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            gateway::by_host,
        ));
    Ok(faults::install(router, args.faults)
        .layer(middleware::from_fn(unread_body::close_if_unread))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            requests::log_request,
        ))
        .with_state(app))
}

/// The static files of `dir`.
fn files(dir: &std::path::Path) -> Router {
    Router::new()
        .fallback_service(ServeDir::new(dir))
        .layer(middleware::from_fn(file_name))
}

/// 404 for a path no file can have (an escaped control character), which ServeDir answers with 500.
async fn file_name(
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path().as_bytes();
    let control = path.windows(3).any(|w| {
        w[0] == b'%'
            && std::str::from_utf8(&w[1..])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .is_some_and(|b| b < 0x20 || b == 0x7f)
    });
    if control {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    next.run(request).await
}

/// Forgets deleted records once their `deleting` time is over.
async fn sweep(app: Shared) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        tick.tick().await;
        if app.store.read().has_deleted() {
            let store_app = app.clone();
            let until = OffsetDateTime::now_utc() - app.delay;
            let _ = tokio::task::spawn_blocking(move || store_app.store.purge(until)).await;
        }
    }
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed at once, before the ready line, so
/// a signal sent as soon as the line is read still stops the emulator gracefully.
#[cfg(unix)]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
    let mut terminate = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// Resolves on Ctrl-C or Ctrl-Break, or when the console window closes: Windows has no SIGTERM.
#[cfg(windows)]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    use tokio::signal::windows::{ctrl_break, ctrl_c, ctrl_close};
    let mut interrupt = ctrl_c().map_err(|e| e.to_string())?;
    let mut ctrl_break = ctrl_break().map_err(|e| e.to_string())?;
    let mut close = ctrl_close().map_err(|e| e.to_string())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = ctrl_break.recv() => {}
            _ = close.recv() => {}
        }
    })
}
