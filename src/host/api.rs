//! The host side of the API client: requests under a deadline and the caller's signal, pauses.

use super::{settle, to_json};
use crate::client::{Reply, Request, Transport};
use crate::error::Error;
use js_sys::{JsString, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Characters of a non-JSON body quoted in an error.
const EXCERPT_CHARS: u32 = 120;

#[wasm_bindgen(module = "/js/host-api.js")]
extern "C" {
    /// An API answer: status, `Retry-After`, the body's text and, when it is one, its JSON object.
    pub type ApiReply;
    #[wasm_bindgen(method, getter)]
    fn status(this: &ApiReply) -> u16;
    #[wasm_bindgen(method, getter, js_name = retryAfter)]
    fn retry_after(this: &ApiReply) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn text(this: &ApiReply) -> JsString;
    #[wasm_bindgen(method, getter)]
    fn json(this: &ApiReply) -> JsValue;

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

impl ApiReply {
    /// The answer's JSON object, when it is one.
    pub fn json_object(&self) -> Option<JsValue> {
        Some(self.json()).filter(|j| !j.is_undefined())
    }
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
    type Body = ApiReply;
    type Json = JsValue;

    async fn send(
        &self,
        request: &Request<'_>,
        secret_key: &str,
        timeout_ms: u32,
    ) -> Result<Reply<ApiReply>, Error> {
        let body = request.body.map_or(JsValue::UNDEFINED, to_json);
        let sent = send_request(
            request.url,
            request.method.as_str(),
            body,
            secret_key,
            timeout_ms,
            &self.signal,
        );
        let reply: ApiReply = settle(sent).await?.unchecked_into();
        Ok(Reply {
            status: reply.status(),
            retry_after: reply.retry_after(),
            body: reply,
        })
    }

    fn parse(&self, body: &ApiReply) -> Option<JsValue> {
        body.json_object()
    }

    fn excerpt(&self, body: &ApiReply) -> String {
        body.text().slice(0, EXCERPT_CHARS).into()
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
