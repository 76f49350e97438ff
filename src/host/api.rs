//! The host side of the API client: requests under a deadline and the caller's signal, pauses.

use super::{settle, to_json};
use crate::client::{Reply, Request, Transport};
use crate::error::Error;
use crate::prelude::*;
use js_sys::{Array, JsString, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Characters of a non-JSON body quoted in an error.
const EXCERPT_CHARS: u32 = 120;

#[wasm_bindgen(module = "/js/host.js")]
extern "C" {
    /// An API answer: status, `Retry-After` and the body's text.
    type ApiReply;
    #[wasm_bindgen(method, getter)]
    fn status(this: &ApiReply) -> u16;
    #[wasm_bindgen(method, getter, js_name = retryAfter)]
    fn retry_after(this: &ApiReply) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn text(this: &ApiReply) -> JsString;

    /// One API request under its deadline and the caller's signal.
    #[wasm_bindgen(js_name = send)]
    fn send_request(
        url: &str,
        method: &str,
        body: JsValue,
        key: &str,
        ms: u32,
        signal: &JsValue,
    ) -> Promise;
    /// Resolves after `ms`; rejects when the signal aborts first.
    #[wasm_bindgen(js_name = sleep)]
    fn sleep_for(ms: u32, signal: &JsValue) -> Promise;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_json(text: &JsValue) -> Result<JsValue, JsValue>;
}

/// Parses JSON text held by the host; None unless it is an object.
fn parse_object(text: &JsValue) -> Option<JsValue> {
    parse_json(text)
        .ok()
        .filter(|v| v.is_object() && !Array::is_array(v))
}

/// The Functions and IAM APIs over the host's fetch, for one call with the caller's signal.
pub struct JsTransport {
    signal: JsValue,
}

impl JsTransport {
    /// A transport whose requests and pauses end when `signal` (an AbortSignal or undefined) aborts.
    pub fn new(signal: JsValue) -> Self {
        JsTransport { signal }
    }
}

impl Transport for JsTransport {
    type Body = JsString;
    type Json = JsValue;

    async fn send(
        &self,
        request: &Request<'_>,
        secret_key: &str,
        timeout_ms: u32,
    ) -> Result<Reply<JsString>, Error> {
        let body = request.body.map_or(JsValue::UNDEFINED, to_json);
        let method = request.method.as_str();
        let promise = send_request(
            request.url,
            method,
            body,
            secret_key,
            timeout_ms,
            &self.signal,
        );
        let reply: ApiReply = settle(promise).await?.unchecked_into();
        Ok(Reply {
            status: reply.status(),
            retry_after: reply.retry_after(),
            body: reply.text(),
        })
    }

    fn parse(&self, body: &JsString) -> Option<JsValue> {
        parse_object(body)
    }

    fn excerpt(&self, body: &JsString) -> String {
        body.slice(0, EXCERPT_CHARS).into()
    }

    async fn sleep(&self, ms: u32) -> Result<(), Error> {
        settle(sleep_for(ms, &self.signal)).await.map(drop)
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        getrandom::u32().map_or(0.5, |n| f64::from(n) / f64::from(u32::MAX))
    }
}
