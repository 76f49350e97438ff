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
mod log;
mod model;
mod state;
mod store;

use std::io::Write;
use std::net::IpAddr;
use std::sync::Arc;

use axum::response::IntoResponse;
use axum::routing::{any, get};
use axum::{middleware, Json, Router};
use time::OffsetDateTime;
use tower_http::services::ServeDir;
use uuid::Uuid;

use app::{App, Info, Shared};
use args::Args;
use model::{Change, Privacy, Region};
use store::Store;

/// The seeded namespace and function that the ready line describes.
const SEED_NAMESPACE: &str = "demo";
const SEED_FUNCTION: &str = "hello";

/// Serves the emulator until SIGINT/SIGTERM, after printing the ready line on stdout.
pub async fn run(args: Args) -> Result<(), String> {
    let store = Store::open(args.state.as_deref(), args.secret_key)?;
    let bits = args.rsa_bits as usize;
    let (namespace_id, function_id) = seed(&store, bits)?;
    store.compact()?;
    let upstream = args
        .upstream
        .as_deref()
        .map(gateway::Upstream::new)
        .transpose()?;
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", args.host, args.port))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let host = match address.ip() {
        ip if ip.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        ip => ip,
    };
    let api_url = format!("http://{}", std::net::SocketAddr::new(host, address.port()));
    let identity = store.read().identity;
    let info = Info {
        function_url: format!("{api_url}/fn/{function_id}"),
        api_url,
        secret_key: identity.secret_key,
        region: Region::FrPar.as_str(),
        project_id: identity.project_id,
        namespace_id,
        function_id,
    };
    let app: Shared = Arc::new(App {
        store,
        delay: time::Duration::milliseconds(args.token_delay_ms.try_into().unwrap_or(i64::MAX)),
        rsa_bits: bits,
        upstream,
        info,
    });
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

/// Every route: API, gateway, `/emulator/info` and the static demo, with CORS and logging.
fn router(app: Shared, args: &Args) -> Result<Router, String> {
    let router = Router::new()
        .merge(api::router(app.clone()))
        .route(
            "/emulator/info",
            get(
                |axum::extract::State(app): axum::extract::State<Shared>| async move {
                    Json(app.info.clone())
                },
            ),
        )
        .route("/fn/{*rest}", any(gateway::by_path))
        .nest_service("/pkg", files(&args.pkg))
        .fallback_service(files(&args.www))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            gateway::by_host,
        ));
    Ok(faults::install(router, args.faults)
        .layer(cors::layer(&args.cors_origins)?)
        .layer(middleware::from_fn(log::log_request))
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

/// Finds the demo namespace and its private function, creating them on first start.
fn seed(store: &Store, bits: usize) -> Result<(Uuid, Uuid), String> {
    let found = |state: &state::State, name: &str| {
        (state.namespaces.values())
            .find(|n| n.name == name && n.region == Region::FrPar && n.deleted_at.is_none())
            .cloned()
    };
    let existing = found(&store.read(), SEED_NAMESPACE);
    let namespace = match existing {
        Some(namespace) => namespace,
        None => {
            let identity = store.read().identity;
            let namespace = api::new_namespace(
                &identity,
                Region::FrPar,
                SEED_NAMESPACE.into(),
                None,
                "Seeded by scw-emulator".into(),
                bits,
            )?;
            let change = Change::Namespace(namespace.clone());
            store
                .commit(|_| Ok((change, ())))
                .map_err(|e| format!("{e:?}"))?;
            namespace
        }
    };
    let existing = (store.read().functions.values())
        .find(|f| {
            f.namespace_id == namespace.id && f.name == SEED_FUNCTION && f.deleted_at.is_none()
        })
        .map(|f| f.id);
    let function_id = match existing {
        Some(id) => id,
        None => {
            let function = api::new_function(
                &namespace,
                SEED_FUNCTION.into(),
                Privacy::Private,
                "node22".into(),
                String::new(),
            );
            let id = function.id;
            store
                .commit(|_| Ok((Change::Function(function), ())))
                .map_err(|e| format!("{e:?}"))?;
            id
        }
    };
    Ok((namespace.id, function_id))
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
