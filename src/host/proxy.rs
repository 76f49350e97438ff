//! FunctionProxy's driver: reads a request's head from the host in one call, follows the
//! decision of src/proxy.rs, asks `authorize`, and forwards through the [`Invoker`] of
//! PrivateFunction, so that the credential is the same fixed token or cached provider token.

use super::JsGateway;
use crate::error::Error;
use crate::invoke::Invoker;
use crate::proxy::{self, Answer, Decision, Head, Policy};
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/js/host-call.js")]
extern "C" {
    fn head(request: &JsValue) -> JsValue;
    fn verdict(authorize: &Function, request: &JsValue) -> Promise;
    fn outgoing(request: &JsValue, dropped: &str, ms: u32) -> JsValue;
    fn relay(response: &JsValue, init: &JsValue, dropped: &str, lines: &str) -> JsValue;
    fn answer(status: u16, lines: &str, body: &str) -> JsValue;
}

/// A private function behind a policy, reached with a credential once `authorize` agrees.
pub struct JsProxy {
    policy: Policy,
    invoker: Invoker<JsGateway>,
    authorize: Function,
    timeout_ms: u32,
}

impl JsProxy {
    /// A proxy giving the function `timeout_ms` to begin its answer.
    pub fn new(
        policy: Policy,
        invoker: Invoker<JsGateway>,
        authorize: Function,
        timeout_ms: u32,
    ) -> Self {
        JsProxy {
            policy,
            invoker,
            authorize,
            timeout_ms,
        }
    }

    /// The Response for a browser's Request; fails only when `request` is not a Request.
    pub async fn handle(&self, request: JsValue) -> Result<JsValue, Error> {
        let text = head(&request)
            .as_string()
            .ok_or(Error::invalid("request", "must be a Request"))?;
        // The lines into fixed slots in one pass: the smallest code for six fields.
        let mut f = [""; 6];
        for (field, line) in f.iter_mut().zip(text.split('\n')) {
            *field = line;
        }
        let head = Head {
            method: f[0],
            url: f[1],
            origin: present(f[2]),
            request_method: present(f[3]),
            request_headers: present(f[4]),
            connection: present(f[5]),
        };
        let (path, dropped, headers) = match self.policy.decide(&head) {
            Decision::Forward {
                path,
                dropped,
                headers,
            } => (path, dropped, headers),
            Decision::Answer(a) => return Ok(reply(a)),
        };
        if !self.authorized(&request).await {
            return Ok(reply(proxy::unauthorized(headers)));
        }
        let init = outgoing(&request, &dropped, self.timeout_ms);
        Ok(match self.invoker.fetch(path, &init).await {
            Ok(response) => relay(&response, &init, proxy::RESPONSE_DROPPED, headers.lines()),
            Err(e) => reply(proxy::failed(&e, headers)),
        })
    }

    /// True only when `authorize` resolves to `true`; a throw or a rejection is a refusal.
    async fn authorized(&self, request: &JsValue) -> bool {
        let verdict = JsFuture::from(verdict(&self.authorize, request)).await;
        verdict.ok().and_then(|v| v.as_bool()) == Some(true)
    }
}

/// A header's line: None when it was absent (empty).
fn present(line: &str) -> Option<&str> {
    Some(line).filter(|l| !l.is_empty())
}

/// The proxy's own answer to a refused request or a preflight.
fn reply(a: Answer) -> JsValue {
    answer(a.status, a.headers.lines(), &a.body())
}
