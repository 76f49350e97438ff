//! A private function's call over the host's fetch: the caller's init with the credential added,
//! redirects followed by hand as src/invoke.rs decides, and failures turned into [`Error`]s.
//! [`JsGateway`] gives it to the [`Invoker`](crate::invoke::Invoker), with the caller's token provider.

use super::{get, jwt_claims, network_failure};
use crate::error::Error;
use crate::invoke::{is_redirect, Gateway, Location, Next, Redirects, Target};
use crate::shape;
use crate::surface::{guarded, guarded_promise};
use crate::wire::Json;
use js_sys::{ArrayBuffer, Function, Object, Promise};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, Blob, FormData, Headers, RequestInit, RequestRedirect, Response, ResponseType,
    Url, UrlSearchParams,
};

#[wasm_bindgen]
extern "C" {
    /// The host's fetch, a global in every runtime: browsers, workers, Node, Deno, Bun, workerd.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn host_fetch(url: &str, init: &RequestInit) -> Result<Promise, JsValue>;

    /// `Object.assign`, failing when a getter of `source` throws.
    #[wasm_bindgen(js_namespace = Object, js_name = assign, catch)]
    fn assign(target: &Object, source: &JsValue) -> Result<Object, JsValue>;
}

#[wasm_bindgen(module = "/js/host-call.js")]
extern "C" {
    /// `promise.then(...)` with one callback for both outcomes: `then(value, true)` or
    /// `then(reason, false)`, so that exactly one Rust closure exists and runs.
    fn settled(promise: &Promise, then: &JsValue) -> Promise;

    /// `promise`, or a rejection with the signal's reason as soon as `signal` aborts.
    #[wasm_bindgen(js_name = untilAborted)]
    fn until_aborted(promise: &Promise, signal: Option<&AbortSignal>) -> Promise;
}

/// True when a request body can be sent a second time: none, text, bytes, a Blob, form data or
/// URL parameters, which fetch reads afresh each time. A stream (or anything else) is read once.
pub fn replayable(body: &JsValue) -> bool {
    body.is_undefined()
        || body.is_null()
        || body.is_string()
        || body.is_instance_of::<ArrayBuffer>()
        || ArrayBuffer::is_view(body)
        || body.is_instance_of::<Blob>()
        || body.is_instance_of::<FormData>()
        || body.is_instance_of::<UrlSearchParams>()
}

/// The caller's `signal` in a fetch `init`, when it has one.
fn signal_of(init: &JsValue) -> Option<AbortSignal> {
    get(init, "signal").dyn_into().ok()
}

/// Why a fetch failed: the caller's (or the deadline's) signal when it aborted, else the network.
fn failure(reason: &JsValue, signal: Option<&AbortSignal>) -> Error {
    match signal.filter(|s| s.aborted()) {
        Some(s) if get(&s.reason(), "name").as_string().as_deref() == Some("TimeoutError") => {
            Error::Timeout("the function did not answer in time".into())
        }
        Some(_) => Error::Aborted,
        None => network_failure(reason, "fetch failed"),
    }
}

/// Frees the connection of an answer that will not be handed out.
fn discard(response: &Response) {
    if let Some(body) = response.body() {
        // The promise only reports the cancel itself: nothing to wait for.
        let _ = body.cancel();
    }
}

/// One call to a private function: the caller's init with the credential, sent, and sent on
/// when the function redirects.
pub struct Call {
    url: String,
    init: RequestInit,
    headers: Headers,
    signal: Option<AbortSignal>,
    /// False when the caller chose its own redirect mode (`manual` or `error`), obeyed as is.
    follows: bool,
    /// The rules of this call's redirects, made at its first: most calls have none.
    redirects: Option<Redirects>,
}

impl Call {
    /// A call of `init` (the caller's, left untouched) to `url` with `X-Auth-Token: token`.
    pub fn new(url: &str, token: &str, init: &JsValue) -> Result<Self, Error> {
        let unreadable = |_| Error::invalid("init", "could not be read");
        let init: RequestInit = assign(&Object::new(), init)
            .map_err(unreadable)?
            .unchecked_into();
        let headers = Headers::new_with_headers(init.get_headers().unchecked_ref())
            .map_err(|_| Error::invalid("headers", "are not valid HTTP headers"))?;
        headers
            .set("x-auth-token", token)
            .map_err(|_| Error::invalid("token", "is not a valid header value"))?;
        init.set_headers(&headers);
        let signal = signal_of(&init);
        let follows = !matches!(
            init.get_redirect(),
            Some(RequestRedirect::Manual | RequestRedirect::Error)
        );
        if follows {
            init.set_redirect(RequestRedirect::Manual);
        }
        Ok(Call {
            url: url.into(),
            init,
            headers,
            signal,
            follows,
            redirects: None,
        })
    }

    /// Sends the call and follows its redirects: the function's answer, whatever its status.
    pub async fn send(mut self) -> Result<Response, Error> {
        loop {
            let sent = self.fetch()?;
            let answer = JsFuture::from(sent)
                .await
                .map_err(|reason| failure(&reason, self.signal.as_ref()))?;
            if let Some(response) = self.answered(answer.unchecked_into())? {
                return Ok(response);
            }
        }
    }

    /// The call as the host's own promise of fetch's answer, rejected with the package's errors:
    /// Rust takes over only when the function redirects.
    pub fn promise(self) -> Promise {
        let sent = match self.fetch() {
            Ok(sent) => sent,
            Err(e) => return Promise::reject(&shape::error(e)),
        };
        // JS calls into the wasm here, like an export: guarded, so that a panic rejects.
        let then = Closure::once_into_js(move |value: JsValue, fulfilled: bool| -> JsValue {
            guarded(|| self.settle(value, fulfilled))
                .unwrap_or_else(|panic| Promise::reject(&panic).into())
        });
        settled(&sent, &then)
    }

    /// What the promise of [`Call::promise`] becomes once fetch settled with `value`: the answer,
    /// the promise of the call sent on to a redirect's target, or a rejection.
    fn settle(mut self, value: JsValue, fulfilled: bool) -> JsValue {
        let answer = if fulfilled {
            self.answered(value.unchecked_into())
        } else {
            Err(failure(&value, self.signal.as_ref()))
        };
        match answer {
            Ok(Some(response)) => response.into(),
            Ok(None) => guarded_promise(async move {
                self.send().await.map(JsValue::from).map_err(shape::error)
            })
            .into(),
            Err(e) => Promise::reject(&shape::error(e)).into(),
        }
    }

    fn fetch(&self) -> Result<Promise, Error> {
        host_fetch(&self.url, &self.init).map_err(|e| failure(&e, self.signal.as_ref()))
    }

    /// The answer for the caller, or None once the call was turned towards a redirect's target.
    fn answered(&mut self, response: Response) -> Result<Option<Response>, Error> {
        if !self.follows {
            return Ok(Some(response));
        }
        let status = response.status();
        // A browser answers a redirect it hides with status 0.
        if status == 0 && response.type_() == ResponseType::Opaqueredirect {
            discard(&response);
            return Err(Error::Network(
                "the function answered with a redirect, which is not followed in a browser: \
                 the browser would send the credential on to a target it hides"
                    .into(),
            ));
        }
        if !is_redirect(status) {
            return Ok(Some(response));
        }
        let (url, init) = (&self.url, &self.init);
        let redirects = self.redirects.get_or_insert_with(|| {
            let origin = Url::new(url).map(|u| u.origin()).unwrap_or_default();
            let method = init.get_method().unwrap_or_else(|| "GET".into());
            Redirects::new(&origin, &method, replayable(&init.get_body()))
        });
        let location = response.headers().get("location").ok().flatten();
        let target = location.map(|l| Url::new_with_base(&l, url).map(|u| (u.href(), u.origin())));
        let next = redirects.next(
            status,
            match &target {
                None => Location::Absent,
                Some(Err(_)) => Location::Invalid,
                Some(Ok((url, origin))) => Location::To(Target { url, origin }),
            },
        )?;
        let Next::Follow {
            url,
            as_get,
            drop_credential,
        } = next
        else {
            return Ok(Some(response));
        };
        discard(&response);
        if as_get {
            self.init.set_method("GET");
            self.init.set_body(&JsValue::UNDEFINED);
            let _ = self.headers.delete("content-type");
        }
        if drop_credential {
            // What fetch drops on a hop to another origin, and the credential fetch would keep.
            let _ = self.headers.delete("x-auth-token");
            let _ = self.headers.delete("authorization");
        }
        self.url = url;
        Ok(None)
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
    type Response = Response;

    async fn fetch(&self, url: &str, token: &str, init: &JsValue) -> Result<Response, Error> {
        Call::new(url, token, init)?.send().await
    }

    fn status(&self, response: &Response) -> u16 {
        response.status()
    }

    fn discard(&self, response: Response) {
        discard(&response);
    }

    fn replayable(&self, init: &JsValue) -> bool {
        replayable(&get(init, "body"))
    }

    async fn provide_token(&self, init: &JsValue) -> Result<String, Error> {
        let refused = || Error::invalid("tokenProvider", "must resolve to a token string");
        let provider = self.provider.as_ref().ok_or_else(refused)?;
        let signal = signal_of(init);
        if let Some(s) = signal.as_ref().filter(|s| s.aborted()) {
            return Err(failure(&s.reason(), Some(s)));
        }
        let shared = self.pending.borrow().clone();
        let promise = match shared {
            Some(p) => p,
            None => {
                let value = provider
                    .call0(&JsValue::UNDEFINED)
                    .map_err(|e| provider_failure(&e, None))?;
                let p = Promise::resolve(&value);
                *self.pending.borrow_mut() = Some(p.clone());
                p
            }
        };
        let answer = JsFuture::from(until_aborted(&promise, signal.as_ref())).await;
        if self
            .pending
            .borrow()
            .as_ref()
            .is_some_and(|p| **p == *promise)
        {
            *self.pending.borrow_mut() = None;
        }
        let token = answer.map_err(|e| provider_failure(&e, signal.as_ref()))?;
        token.as_string().ok_or_else(refused)
    }

    fn expiry(&self, claims_segment: &str) -> Option<f64> {
        jwt_claims(claims_segment).num("exp")
    }

    async fn sleep(&self, ms: u32, init: &JsValue) -> Result<(), Error> {
        let signal = signal_of(init);
        super::sleep(ms, signal.as_ref()).await
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        super::random()
    }
}

/// What a token provider's failure becomes: a NetworkError with its message, unless the call's
/// `signal` aborted while it was awaited.
fn provider_failure(error: &JsValue, signal: Option<&AbortSignal>) -> Error {
    match signal.filter(|s| s.aborted()) {
        Some(_) => failure(error, signal),
        None => network_failure(error, "the token provider failed"),
    }
}
