//! Scaleway Serverless Functions credentials and private-function calls, from WebAssembly.
//!
//! The modules hold plain Rust decisions, tested natively with `cargo test`; `host` and `shape`
//! are the boundary with JS, and `surface` is the JS API: `FunctionsClient` (cargo feature
//! `client`), `FunctionProxy` (cargo feature `proxy`), `PrivateFunction` and `decodeToken`.

#[cfg(feature = "client")]
pub mod client;
pub mod engine;
pub mod error;
#[cfg(feature = "client")]
pub mod functions;
#[cfg(feature = "client")]
pub mod iam;
pub mod invoke;
pub mod propagation;
#[cfg(feature = "proxy")]
pub mod proxy;
pub mod token;
#[cfg(feature = "client")]
pub mod url;
pub mod validate;
pub mod wire;

#[cfg(target_arch = "wasm32")]
mod host;
#[cfg(target_arch = "wasm32")]
mod shape;
#[cfg(target_arch = "wasm32")]
mod surface;

#[cfg(all(test, feature = "client"))]
mod testing;

#[cfg(all(target_arch = "wasm32", feature = "proxy"))]
pub use surface::FunctionProxy;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub use surface::FunctionsClient;
#[cfg(target_arch = "wasm32")]
pub use surface::{decode_token, PrivateFunction};
