//! The one module that talks to the JS host (js/host.js): API requests, function calls, the
//! proxy's requests and answers, timers, randomness, JSON parsing, and the typed failures the host reports.

use crate::error::Error;
use crate::invoke::Gateway;
use crate::wire::Json;
use js_sys::{Array, Function, Object, Promise, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[cfg(feature = "client")]
mod api;
#[cfg(feature = "proxy")]
mod proxy;
#[cfg(feature = "client")]
pub use api::JsTransport;
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

    /// The JSON object of a JWT's claims segment, undefined when it is not one.
    #[wasm_bindgen(js_name = jwtClaims)]
    pub fn jwt_claims(segment: &str) -> JsValue;
}

#[wasm_bindgen(module = "/js/host-call.js")]
extern "C" {
    /// A private function call, following redirects outside browsers; rejects with `fail`'s
    /// answer to a HostFailure (the HostFailure itself when `fail` is undefined).
    #[wasm_bindgen(js_name = call)]
    fn call_function(url: &str, token: &str, init: &JsValue, fail: &JsValue) -> Promise;
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

/// Calls a private function and hands out the host's own promise, which rejects with the
/// package's errors: nothing in Rust awaits it, so the Response comes as early as it can.
pub struct DirectCall {
    fail: Closure<dyn FnMut(JsValue) -> JsValue>,
}

impl DirectCall {
    pub fn new() -> Self {
        DirectCall {
            fail: Closure::new(|reason| crate::shape::error(rejection(reason))),
        }
    }

    /// Sends `init` to `url` with `X-Auth-Token: token`.
    pub fn send(&self, url: &str, token: &str, init: &JsValue) -> Promise {
        call_function(url, token, init, self.fail.as_ref())
    }
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

/// A private function over the host's fetch, with the caller's token provider (if any).
pub struct JsGateway {
    provider: Option<Function>,
    /// The provider's answer while it is awaited, shared by concurrent calls so it is asked once.
    pending: RefCell<Option<Promise>>,
}

impl JsGateway {
    /// A gateway asking `provider` (if any) for tokens.
    pub fn new(provider: Option<Function>) -> Self {
        JsGateway {
            provider,
            pending: RefCell::new(None),
        }
    }
}

impl Gateway for JsGateway {
    type Init = JsValue;
    type Response = JsValue;

    async fn fetch(&self, url: &str, token: &str, init: &JsValue) -> Result<JsValue, Error> {
        settle(call_function(url, token, init, &JsValue::UNDEFINED)).await
    }

    fn status(&self, response: &JsValue) -> u16 {
        get(response, "status").as_f64().unwrap_or_default() as u16
    }

    fn discard(&self, response: JsValue) {
        let body = get(&response, "body");
        if let Ok(cancel) = get(&body, "cancel").dyn_into::<Function>() {
            // A cancelled body's promise only reports the cancel itself; nothing to wait for.
            let _ = cancel.call0(&body);
        }
    }

    fn replayable(&self, init: &JsValue) -> bool {
        let body = get(init, "body");
        !get(&body, "getReader").is_function() && !get(&body, "next").is_function()
    }

    async fn provide_token(&self) -> Result<String, Error> {
        let refused = || Error::invalid("tokenProvider", "must resolve to a token string");
        let provider = self.provider.as_ref().ok_or_else(refused)?;
        let shared = self.pending.borrow().clone();
        let promise = match shared {
            Some(p) => p,
            None => {
                let value = provider
                    .call0(&JsValue::UNDEFINED)
                    .map_err(|e| provider_failure(&e))?;
                let p = Promise::resolve(&value);
                *self.pending.borrow_mut() = Some(p.clone());
                p
            }
        };
        let answer = JsFuture::from(promise.clone()).await;
        if self
            .pending
            .borrow()
            .as_ref()
            .is_some_and(|p| **p == *promise)
        {
            *self.pending.borrow_mut() = None;
        }
        let token = answer.map_err(|e| provider_failure(&e))?;
        token.as_string().ok_or_else(refused)
    }

    fn expiry(&self, claims_segment: &str) -> Option<f64> {
        jwt_claims(claims_segment).num("exp")
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }
}

/// What a token provider's own failure becomes: a NetworkError with its message.
fn provider_failure(error: &JsValue) -> Error {
    network_failure(error, "the token provider failed")
}
