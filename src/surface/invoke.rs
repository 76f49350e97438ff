//! `PrivateFunction`.

use super::options::{self, absent, string, Credential};
use super::{guarded, promise, rejected, sync};
use crate::error::Error;
use crate::host::{Call, JsGateway};
use crate::invoke::Invoker;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Calls a private function with a credential: `fetch(path, init)` answers the runtime's own Response.
#[wasm_bindgen]
pub struct PrivateFunction {
    inner: Rc<Invoker<JsGateway>>,
}

#[wasm_bindgen]
impl PrivateFunction {
    /// `new PrivateFunction({ url, token })` or `({ url, tokenProvider })`; throws a ValidationError.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<PrivateFunction, JsValue> {
        sync(|| Self::build(&options))
    }

    fn build(options: &JsValue) -> Result<PrivateFunction, Error> {
        let credential: Credential = options::read(options)?;
        Ok(PrivateFunction {
            inner: Rc::new(credential.invoker()?),
        })
    }

    /// Sends a request to the function with `X-Auth-Token`; resolves with the runtime's Response,
    /// whatever its status. With a fixed token nothing is awaited in Rust: the promise is the
    /// host's fetch's own, continued only when the function redirects.
    pub fn fetch(&self, path: JsValue, init: JsValue) -> js_sys::Promise {
        let call = || {
            let call = call_path(&path, &init).and_then(|path| {
                Ok(match self.inner.fixed_call(&path)? {
                    Some((url, token)) => Call::new(&url, token, &init)?.promise(),
                    None => {
                        let f = self.inner.clone();
                        promise(async move { Ok(f.fetch(&path, &init, None).await?.into()) })
                    }
                })
            });
            call.unwrap_or_else(rejected)
        };
        guarded(call).unwrap_or_else(|panic| js_sys::Promise::reject(&panic))
    }
}

/// The path of `PrivateFunction.fetch` (empty when absent), once its `init` is known to be an object or absent.
fn call_path(path: &JsValue, init: &JsValue) -> Result<String, Error> {
    let path = if absent(path) {
        String::new()
    } else {
        string(path, "path")?
    };
    if !absent(init) && !init.is_object() {
        return Err(Error::invalid("init", "must be an object"));
    }
    Ok(path)
}
