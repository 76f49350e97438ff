//! The only module that touches fetch: the host side of [`Transport`] and [`Gateway`].

use crate::api::Json;
use crate::client::{Method, Reply, Transport};
use crate::error::Error;
use crate::invoke::Gateway;
use crate::prelude::*;
use crate::task::settled;
use core::cell::RefCell;
use js_sys::{Array, Function, JsString, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Characters of a non-JSON body quoted in an error.
const EXCERPT_CHARS: u32 = 120;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_json(text: &JsValue) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen(module = "/js/host.js")]
extern "C" {
    /// A function call, following redirects outside browsers (see js/host.js).
    fn call(url: &str, token: &str, init: &JsValue) -> Promise;
    /// One API request under its deadline (see js/host.js).
    fn send(url: &str, method: &str, body: Option<String>, key: &str, ms: u32) -> Promise;
    #[wasm_bindgen(js_name = sleep)]
    fn sleep_promise(ms: u32) -> Promise;
}

/// A property of a JS value, undefined when it is not an object or the property cannot be read.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Parses JSON text held by the host; None unless it is an object.
pub fn parse_object(text: &JsValue) -> Option<JsValue> {
    parse_json(text)
        .ok()
        .filter(|v| v.is_object() && !Array::is_array(v))
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
                (
                    Reflect::get_u32(&e, 0)
                        .ok()
                        .and_then(|k| k.as_string())
                        .unwrap_or_default(),
                    Reflect::get_u32(&e, 1).unwrap_or_default(),
                )
            })
            .collect()
    }
}

/// Why a fetch promise rejected: the caller's signal or the network.
fn failure(error: &JsValue, caller_signal: &JsValue) -> Error {
    if get(caller_signal, "aborted").is_truthy() {
        let timed_out = get(&get(caller_signal, "reason"), "name")
            .as_string()
            .is_some_and(|n| n == "TimeoutError");
        return if timed_out {
            Error::Timeout("the operation timed out".into())
        } else {
            Error::Aborted
        };
    }
    Error::Network(
        get(error, "message")
            .as_string()
            .unwrap_or_else(|| "fetch failed".into()),
    )
}

/// The Functions API over the host's fetch.
pub struct JsTransport;

impl Transport for JsTransport {
    type Body = JsValue;
    type Json = JsValue;

    async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&str>,
        secret_key: &str,
        timeout_ms: u32,
    ) -> Result<Reply<JsValue>, Error> {
        let reply = settled(send(
            url,
            method.as_str(),
            body.map(String::from),
            secret_key,
            timeout_ms,
        ))
        .await
        .map_err(|e| {
            if Reflect::get_u32(&e, 0).is_ok_and(|t| t.is_truthy()) {
                Error::Timeout("the request timed out".into())
            } else {
                failure(
                    &Reflect::get_u32(&e, 1).unwrap_or_default(),
                    &JsValue::UNDEFINED,
                )
            }
        })?;
        let at = |i| Reflect::get_u32(&reply, i).unwrap_or_default();
        Ok(Reply {
            status: at(0).as_f64().unwrap_or_default() as u16,
            retry_after: at(1).as_string(),
            body: at(2),
        })
    }

    fn parse(&self, body: &JsValue) -> Option<JsValue> {
        parse_object(body)
    }

    fn excerpt(&self, body: &JsValue) -> String {
        body.dyn_ref::<JsString>()
            .map(|s| String::from(s.slice(0, EXCERPT_CHARS)))
            .unwrap_or_default()
    }

    async fn sleep(&self, ms: u32) {
        let _ = settled(sleep_promise(ms)).await;
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
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
        settled(call(url, token, init)).await.map_err(|e| {
            let invalid = |field, reason| Error::Validation { field, reason };
            match Reflect::get_u32(&e, 0)
                .ok()
                .and_then(|k| k.as_f64())
                .map(|k| k as u8)
            {
                Some(1) => invalid("init", "could not be read"),
                Some(2) => invalid("headers", "are not valid HTTP headers"),
                Some(3) => Error::Network("too many redirects".into()),
                _ => failure(
                    &Reflect::get_u32(&e, 1).unwrap_or_default(),
                    &get(init, "signal"),
                ),
            }
        })
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
        let refused = || Error::Validation {
            field: "tokenProvider",
            reason: "must resolve to a token string",
        };
        let provider = self.provider.as_ref().ok_or_else(refused)?;
        let shared = self.pending.borrow().clone();
        let promise = match shared {
            Some(p) => p,
            None => {
                let value = provider
                    .call0(&JsValue::UNDEFINED)
                    .map_err(|e| failure(&e, &JsValue::UNDEFINED))?;
                let p = Promise::resolve(&value);
                *self.pending.borrow_mut() = Some(p.clone());
                p
            }
        };
        let answer = settled(promise.clone()).await;
        if self
            .pending
            .borrow()
            .as_ref()
            .is_some_and(|p| **p == *promise)
        {
            *self.pending.borrow_mut() = None;
        }
        let token = answer.map_err(|e| failure(&e, &JsValue::UNDEFINED))?;
        token.as_string().ok_or_else(refused)
    }

    fn expiry(&self, payload_json: &str) -> Option<f64> {
        parse_object(&JsValue::from_str(payload_json))?.num("exp")
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }
}
