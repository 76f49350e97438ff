//! The one module that talks to the JS host (js/host.js): API requests, function calls, the
//! proxy's requests and answers, timers, randomness, JSON parsing, and the typed failures the host reports.

use crate::error::Error;
use crate::wire::Json;
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

#[cfg(feature = "client")]
mod api;
mod call;
#[cfg(feature = "proxy")]
mod proxy;
#[cfg(feature = "client")]
pub use api::JsTransport;
pub use call::{Call, JsGateway};
#[cfg(feature = "proxy")]
pub use proxy::JsProxy;

#[wasm_bindgen(module = "/js/host.js")]
extern "C" {
    /// Why a host call failed (js/host.js `HostFailure`): `kind` and the host's message.
    pub type HostFailure;
    #[wasm_bindgen(method, getter)]
    fn kind(this: &HostFailure) -> String;
    #[wasm_bindgen(method, getter)]
    fn message(this: &HostFailure) -> String;

    /// Resolves after `ms`; rejects with a [`HostFailure`] when the signal aborts first.
    #[wasm_bindgen(js_name = sleep)]
    fn sleep_for(ms: u32, signal: Option<&AbortSignal>) -> Promise;

    /// The JSON object of a JWT's claims segment, undefined when it is not one.
    #[wasm_bindgen(js_name = jwtClaims)]
    pub fn jwt_claims(segment: &str) -> JsValue;
}

/// The error a host failure stands for.
impl From<HostFailure> for Error {
    fn from(failure: HostFailure) -> Self {
        let invalid = Error::invalid;
        match failure.kind().as_str() {
            "timeout" => Error::Timeout(failure.message()),
            "aborted" => Error::Aborted,
            "init" => invalid("init", "could not be read"),
            "headers" => invalid("headers", "are not valid HTTP headers"),
            _ => Error::Network(failure.message()),
        }
    }
}

/// The [`Error`] of a host promise's rejection: its [`HostFailure`]'s, else a network error.
pub(crate) fn rejection(reason: JsValue) -> Error {
    match reason.dyn_into::<HostFailure>() {
        Ok(failure) => failure.into(),
        Err(other) => network_failure(&other, "the host failed"),
    }
}

/// A network error with the message of a JS error, or `fallback` when it has none.
fn network_failure(error: &JsValue, fallback: &str) -> Error {
    Error::Network(
        get(error, "message")
            .as_string()
            .unwrap_or_else(|| fallback.into()),
    )
}

/// Awaits a host promise; a rejection becomes the [`Error`] of its [`HostFailure`].
pub(crate) async fn settle(promise: Promise) -> Result<JsValue, Error> {
    JsFuture::from(promise).await.map_err(rejection)
}

/// Waits `ms` milliseconds between two attempts; fails when `signal` aborts meanwhile.
pub(crate) async fn sleep(ms: u32, signal: Option<&AbortSignal>) -> Result<(), Error> {
    settle(sleep_for(ms, signal)).await.map(drop)
}

/// A random number in `0..1`, for the jitter of pauses.
pub(crate) fn random() -> f64 {
    getrandom::u32().map_or(0.5, |n| f64::from(n) / f64::from(u32::MAX))
}

/// A property of a JS value, undefined when it is not an object or the property cannot be read.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A Rust value as JSON text held by the host.
pub fn to_json(value: &impl serde::Serialize) -> JsValue {
    serde_json::to_string(value).map_or(JsValue::UNDEFINED, |text| JsValue::from_str(&text))
}

impl Json for JsValue {
    fn get(&self, key: &str) -> Option<Self> {
        Some(get(self, key)).filter(|v| !v.is_undefined() && !v.is_null())
    }
    fn as_text(&self) -> Option<String> {
        self.as_string()
    }
    fn as_num(&self) -> Option<f64> {
        self.as_f64()
    }
    fn items(&self) -> Vec<Self> {
        self.dyn_ref::<Array>()
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    }
    fn entries(&self) -> Vec<(String, Self)> {
        if !self.is_object() {
            return Vec::new();
        }
        Object::entries(self.unchecked_ref())
            .iter()
            .map(|e| {
                let pair: &Array = e.unchecked_ref();
                (pair.get(0).as_string().unwrap_or_default(), pair.get(1))
            })
            .collect()
    }
}
