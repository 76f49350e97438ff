//! The API client's side of the host: requests built with gloo-net and sent under a deadline and
//! the caller's signal, redirects refused, and pauses between attempts.

use crate::client::{Method, Reply, Request, Transport};
use crate::error::Error;
use gloo_net::http::RequestBuilder;
use js_sys::{Array, JsString, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestRedirect, ResponseType};

/// Characters of a non-JSON body quoted in an error.
const EXCERPT_CHARS: u32 = 120;

#[wasm_bindgen]
extern "C" {
    /// The global fetch of every runtime. gloo-net's own `send` would panic on a rejection that
    /// is not an Error, which is what fetch rejects with when a caller aborts with such a reason.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch_request(request: &web_sys::Request) -> Result<Promise, JsValue>;

    /// `JSON.parse` of text that stays in the host.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse_json(text: &JsString) -> Result<JsValue, JsValue>;
}

/// The Functions and IAM APIs over the host's fetch, for one call with the caller's signal.
pub struct JsTransport {
    signal: Option<AbortSignal>,
}

impl JsTransport {
    /// A transport whose requests and pauses end when `signal` aborts.
    pub fn new(signal: Option<AbortSignal>) -> Self {
        JsTransport { signal }
    }

    /// What a failed exchange stands for: the caller's abort (a timeout when the caller's signal
    /// says so, as `AbortSignal.timeout` does), the deadline, or the network.
    fn failure(&self, deadline: &AbortSignal, error: &JsValue) -> Error {
        let name = |v: &JsValue| {
            Reflect::get(v, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
        };
        match &self.signal {
            Some(caller) if caller.aborted() => {
                if name(&caller.reason()).as_deref() == Some("TimeoutError") {
                    Error::Timeout("the operation timed out".into())
                } else {
                    Error::Aborted
                }
            }
            _ if deadline.aborted() => Error::Timeout("the request timed out".into()),
            _ => {
                let message = Reflect::get(error, &"message".into())
                    .ok()
                    .and_then(|m| m.as_string());
                Error::Network(message.unwrap_or_else(|| "fetch failed".into()))
            }
        }
    }

    /// One exchange under `deadline`: the answer's status, `Retry-After` and body text.
    async fn exchange(
        &self,
        request: &Request<'_>,
        secret_key: &str,
        deadline: &AbortSignal,
    ) -> Result<Reply<JsString>, Error> {
        let failed = |e: JsValue| self.failure(deadline, &e);
        let signal = match &self.signal {
            Some(caller) => AbortSignal::any(&Array::of2(caller, deadline)),
            None => deadline.clone(),
        };
        let builder = RequestBuilder::new(request.url)
            .method(match request.method {
                Method::Get => gloo_net::http::Method::GET,
                Method::Post => gloo_net::http::Method::POST,
                Method::Delete => gloo_net::http::Method::DELETE,
            })
            .header("X-Auth-Token", secret_key)
            .header("Accept", "application/json")
            // The secret key must never follow a redirect: a 3xx answer comes back as it is.
            .redirect(RequestRedirect::Manual)
            .abort_signal(Some(&signal));
        let built = match request.body {
            Some(body) => builder.json(body),
            None => builder.build(),
        };
        let sent: web_sys::Request = built.map_err(|e| Error::Network(e.to_string()))?.into();
        let answer = JsFuture::from(fetch_request(&sent).map_err(failed)?).await;
        let response: web_sys::Response = answer.map_err(failed)?.unchecked_into();
        if let Some(refused) = refused_redirect(request.url, &response) {
            // Its body is never read: cancelling it frees the connection at once.
            if let Some(body) = response.body() {
                let _ = body.cancel();
            }
            return Err(refused);
        }
        let text = response.text().map_err(failed)?;
        let text = JsFuture::from(text).await.map_err(failed)?;
        Ok(Reply {
            status: response.status(),
            retry_after: response.headers().get("retry-after").ok().flatten(),
            body: text.unchecked_into(),
        })
    }
}

/// The error of an answer that redirects elsewhere, naming only the target's origin (a query
/// may hold anything). Browsers hide the target of a redirect they do not follow.
fn refused_redirect(url: &str, response: &web_sys::Response) -> Option<Error> {
    if response.type_() == ResponseType::Opaqueredirect {
        return Some(Error::Redirect {
            status: None,
            origin: None,
        });
    }
    let status = response.status();
    if !matches!(status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get("location").ok().flatten();
    let origin = location
        .and_then(|l| web_sys::Url::new_with_base(&l, url).ok())
        .map(|u| u.origin());
    Some(Error::Redirect {
        status: Some(status),
        origin,
    })
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
        let deadline = AbortSignal::timeout_with_u32(timeout_ms);
        self.exchange(request, secret_key, &deadline).await
    }

    fn parse(&self, body: &JsString) -> Option<JsValue> {
        parse_json(body)
            .ok()
            .filter(|j| j.is_object() && !Array::is_array(j))
    }

    fn excerpt(&self, body: &JsString) -> String {
        body.slice(0, EXCERPT_CHARS).into()
    }

    async fn sleep(&self, ms: u32) -> Result<(), Error> {
        super::sleep(ms, self.signal.as_ref()).await
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        super::random()
    }
}
