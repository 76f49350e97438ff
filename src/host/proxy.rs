//! FunctionProxy's driver: reads a web-sys `Request`'s head, follows the decision of
//! src/proxy.rs, asks `authorize`, and forwards through the [`Invoker`] of PrivateFunction (the
//! same fixed token or cached provider token, and the same repeats of a new key's 403s, within
//! the proxy's deadline), streaming both bodies.

use super::{network_failure, JsGateway};
use crate::error::Error;
use crate::invoke::Invoker;
use crate::proxy::{self, Answer, Decision, Head, Policy};
use gloo_timers::callback::Timeout;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, DomException, Headers, Request, RequestInit, RequestRedirect,
    Response, ResponseInit,
};

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
    pub async fn handle(&self, request: JsValue) -> Result<Response, Error> {
        let request: Request = request
            .dyn_into()
            .map_err(|_| Error::invalid("request", "must be a Request"))?;
        let headers = request.headers();
        let header = |name| headers.get(name).ok().flatten();
        let (method, url) = (request.method(), request.url());
        let (origin, request_method, request_headers, connection) = (
            header("origin"),
            header("access-control-request-method"),
            header("access-control-request-headers"),
            header("connection"),
        );
        let head = Head {
            method: &method,
            url: &url,
            origin: origin.as_deref(),
            request_method: request_method.as_deref(),
            request_headers: request_headers.as_deref(),
            connection: connection.as_deref(),
        };
        let (path, dropped, cors) = match self.policy.decide(&head) {
            Decision::Forward {
                path,
                dropped,
                headers,
            } => (path, dropped, headers),
            Decision::Answer(a) => return answer(a),
        };
        if !self.authorized(&request).await {
            return answer(proxy::unauthorized(cors));
        }
        let upstream = Upstream::new(&request, &dropped, self.timeout_ms)?;
        let outcome = self
            .invoker
            .fetch(path, upstream.init.as_ref(), Some(upstream.deadline_ms))
            .await;
        // The function began its answer (or failed): the deadline is over, the body streams on.
        drop(upstream);
        match outcome {
            Ok(response) => relay(&response, cors),
            Err(e) => answer(proxy::failed(&e, cors)),
        }
    }

    /// True only when `authorize` returns or resolves to `true`; a throw or a rejection is a refusal.
    async fn authorized(&self, request: &Request) -> bool {
        let Ok(verdict) = self.authorize.call1(&JsValue::UNDEFINED, request) else {
            return false;
        };
        if let Some(answer) = verdict.as_bool() {
            return answer;
        }
        let verdict = JsFuture::from(Promise::resolve(&verdict)).await;
        verdict.ok().and_then(|v| v.as_bool()) == Some(true)
    }
}

/// The request to the function, with what ends it while the function has not begun its answer:
/// a deadline, and the caller going away. Once the answer began, its body is the caller's: a
/// caller that goes away cancels it, which ends the function's call too.
struct Upstream {
    init: RequestInit,
    /// When the deadline aborts the request, in epoch milliseconds: a repeat after a new key's
    /// 403 is only sent before it.
    deadline_ms: f64,
    _deadline: Timeout,
    _caller: Option<CallerGone>,
}

/// Forwards the abort of the caller's signal to the function's call, until dropped.
struct CallerGone {
    signal: AbortSignal,
    forward: Closure<dyn FnMut()>,
}

impl Drop for CallerGone {
    fn drop(&mut self) {
        let forward = self.forward.as_ref().unchecked_ref();
        let _ = (self.signal).remove_event_listener_with_callback("abort", forward);
    }
}

impl Upstream {
    /// The caller's method, headers (without `dropped`) and body (streamed), ended when the
    /// caller goes away (`request.signal`) or when the function takes longer than `timeout_ms`
    /// to begin its answer. Redirects are handed back to the browser, never followed here.
    fn new(request: &Request, dropped: &[String], timeout_ms: u32) -> Result<Self, Error> {
        let headers = copy_without(&request.headers(), dropped)?;
        let controller = AbortController::new().map_err(host_failure)?;
        let deadline = {
            let controller = controller.clone();
            Timeout::new(timeout_ms, move || {
                let late = DomException::new_with_message_and_name(
                    "the function did not answer in time",
                    "TimeoutError",
                );
                controller.abort_with_reason(&late.map_or(JsValue::UNDEFINED, JsValue::from));
            })
        };
        let init = RequestInit::new();
        init.set_method(&request.method());
        init.set_headers(&headers);
        init.set_body(&request.body().map_or(JsValue::NULL, JsValue::from));
        init.set_redirect(RequestRedirect::Manual);
        init.set_signal(Some(&controller.signal()));
        // A streamed request body needs half duplex (fetch in Node and Deno refuse it otherwise).
        Reflect::set(&init, &"duplex".into(), &"half".into()).map_err(host_failure)?;
        Ok(Upstream {
            init,
            deadline_ms: js_sys::Date::now() + f64::from(timeout_ms),
            _deadline: deadline,
            _caller: CallerGone::watch(request, controller)?,
        })
    }
}

impl CallerGone {
    /// Aborts `controller` when the caller's signal aborts (at once when it already has); None
    /// for a runtime whose requests have no signal.
    fn watch(request: &Request, controller: AbortController) -> Result<Option<Self>, Error> {
        let signal: JsValue = request.signal().into();
        let Ok(signal) = signal.dyn_into::<AbortSignal>() else {
            return Ok(None);
        };
        if signal.aborted() {
            controller.abort_with_reason(&signal.reason());
            return Ok(None);
        }
        let forward = {
            let signal = signal.clone();
            Closure::<dyn FnMut()>::new(move || controller.abort_with_reason(&signal.reason()))
        };
        (signal.add_event_listener_with_callback("abort", forward.as_ref().unchecked_ref()))
            .map_err(host_failure)?;
        Ok(Some(CallerGone { signal, forward }))
    }
}

/// A host object that could not be made: nothing the caller sent causes it.
fn host_failure(error: JsValue) -> Error {
    network_failure(&error, "the host failed")
}

/// A copy of `from` without the headers named in `dropped`.
fn copy_without(from: &Headers, dropped: &[String]) -> Result<Headers, Error> {
    let headers = Headers::new_with_headers(from).map_err(host_failure)?;
    for name in dropped {
        let _ = headers.delete(name);
    }
    Ok(headers)
}

/// The function's answer for the browser: status and body as they come, headers without the
/// hop-by-hop ones and the credential, plus the proxy's CORS headers.
fn relay(response: &Response, cors: proxy::Headers) -> Result<Response, Error> {
    let answered = response.headers();
    let connection = answered.get("connection").ok().flatten();
    let headers = copy_without(&answered, &proxy::response_dropped(connection.as_deref()))?;
    for (name, value) in cors {
        headers.append(name, &value).map_err(host_failure)?;
    }
    let init = ResponseInit::new();
    init.set_status(response.status());
    init.set_status_text(&response.status_text());
    init.set_headers(&headers);
    Response::new_with_opt_readable_stream_and_init(response.body().as_ref(), &init)
        .map_err(host_failure)
}

/// The proxy's own answer to a refused request or a preflight.
fn answer(a: Answer) -> Result<Response, Error> {
    let headers = Headers::new().map_err(host_failure)?;
    let body = a.body();
    if !body.is_empty() {
        headers
            .set("content-type", "application/json")
            .map_err(host_failure)?;
    }
    for (name, value) in &a.headers {
        headers.append(name, value).map_err(host_failure)?;
    }
    let init = ResponseInit::new();
    init.set_status(a.status);
    init.set_headers(&headers);
    Response::new_with_opt_str_and_init(
        Some(&body).filter(|b| !b.is_empty()).map(|b| b.as_str()),
        &init,
    )
    .map_err(host_failure)
}
