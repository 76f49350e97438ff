//! The JS API: one file per class, and the reading of its arguments (`options`).

#[cfg(feature = "client")]
mod client;
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

use crate::error::Error;
use crate::shape;
use js_sys::Promise;
use std::future::Future;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

/// A Promise rejected with the `ScwError` subclass of `error`.
fn rejected(error: Error) -> Promise {
    Promise::reject(&shape::error(error))
}

/// A Promise of `call`'s outcome, rejected with a `ScwError` subclass.
fn promise(call: impl Future<Output = Result<JsValue, Error>> + 'static) -> Promise {
    future_to_promise(async move { call.await.map_err(shape::error) })
}
