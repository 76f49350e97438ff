//! `FunctionProxy`.

use super::options::{self, preserved, Credential};
use super::{promise, sync};
use crate::error::Error;
use crate::host::JsProxy;
use crate::proxy::{Access, Policy};
use serde::Deserialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// How long FunctionProxy gives the function to begin its answer, by default.
const DEFAULT_PROXY_TIMEOUT_MS: u32 = 30_000;

/// FunctionProxy's own options; its credential is read as [`Credential`], who may call it as
/// [`Access`].
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ProxyOptions {
    #[serde(deserialize_with = "preserved")]
    authorize: Option<JsValue>,
    timeout_ms: Option<f64>,
}

/// Puts a private function behind a proxy that browsers on allowed origins can call:
/// `handle(request)` resolves to a Response (js/proxy-api.js binds it, for `Deno.serve(proxy.handle)`).
#[wasm_bindgen]
pub struct FunctionProxy {
    inner: Rc<JsProxy>,
}

#[wasm_bindgen]
impl FunctionProxy {
    /// `new FunctionProxy({ url, token | tokenProvider, allowedOrigins, authorize, allowedMethods?,
    /// allowedPaths?, maxAge?, timeoutMs? })`; throws a ValidationError naming the option.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<FunctionProxy, JsValue> {
        sync(|| Self::build(&options))
    }

    fn build(value: &JsValue) -> Result<FunctionProxy, Error> {
        let credential: Credential = options::read(value)?;
        let o: ProxyOptions = options::read(value)?;
        let access: Access = options::read(value)?;
        let invoker = credential.invoker()?;
        let authorize = options::function(o.authorize, "authorize")?
            .ok_or(Error::invalid("authorize", "must be a function"))?;
        let policy = Policy::new(access)?;
        let timeout = options::whole(o.timeout_ms, 1, 600_000, "timeoutMs")?
            .unwrap_or(DEFAULT_PROXY_TIMEOUT_MS);
        Ok(FunctionProxy {
            inner: Rc::new(JsProxy::new(policy, invoker, authorize, timeout)),
        })
    }

    /// Answers a browser's Request: a preflight or a refusal itself, anything else with the function's Response.
    pub fn handle(&self, request: JsValue) -> js_sys::Promise {
        let p = self.inner.clone();
        promise(async move { Ok(p.handle(request).await?.into()) })
    }
}
