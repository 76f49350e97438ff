//! The JS API: one file per class, and the reading of its arguments (`options`).

#[cfg(feature = "client")]
mod client;
mod guard;
mod invoke;
pub mod options;
#[cfg(feature = "proxy")]
mod proxy;
mod token;

#[cfg(feature = "client")]
pub use client::FunctionsClient;
pub use invoke::PrivateFunction;
#[cfg(feature = "proxy")]
pub use proxy::FunctionProxy;
pub use token::decode_token;

pub use guard::{guarded, guarded_promise};

use crate::error::Error;
use crate::shape;
use js_sys::Promise;
use std::future::Future;
use wasm_bindgen::JsValue;

/// A Promise rejected with the `ScwError` subclass of `error`.
fn rejected(error: Error) -> Promise {
    Promise::reject(&shape::error(error))
}

/// A Promise of `call`'s outcome, rejected with a `ScwError` subclass (a panic's included).
fn promise(call: impl Future<Output = Result<JsValue, Error>> + 'static) -> Promise {
    guard::guarded_promise(async move { call.await.map_err(shape::error) })
}

/// What a synchronous export answers: `body`'s value, or its error (a panic's included) as a
/// `ScwError` to throw.
fn sync<T>(body: impl FnOnce() -> Result<T, Error>) -> Result<T, JsValue> {
    guarded(body)?.map_err(shape::error)
}
