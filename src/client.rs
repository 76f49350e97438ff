//! The API client's core: settings, the host [`Transport`], and one exchange with retries under
//! a deadline. The Functions API (functions.rs) and IAM keys (iam.rs) are built on [`Client::call`].

use crate::error::{self, Error, Subject};
use crate::url::Url;
use crate::validate;
use crate::wire::{Body, Json};
use std::future::Future;
use std::pin::Pin;

/// First backoff step; doubled at each retry.
const BASE_DELAY_MS: f64 = 200.0;
/// Longest backoff step.
const MAX_DELAY_MS: f64 = 5_000.0;
/// Longest wait a `Retry-After` header can impose.
const MAX_RETRY_AFTER_MS: f64 = 20_000.0;

/// A boxed future, so that a big state machine exists once in the wasm.
type Boxed<'a, R> = Pin<Box<dyn Future<Output = R> + 'a>>;

/// HTTP method of an API call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// One API request.
#[derive(Debug)]
pub struct Request<'a> {
    pub method: Method,
    pub url: &'a str,
    pub body: Option<&'a Body<'a>>,
}

/// What came back from one HTTP exchange.
pub struct Reply<B> {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: B,
}

impl<B> Reply<B> {
    /// True for a 2xx answer: its body is the call's answer, and nothing is retried.
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The outcome of one attempt: the reply, or why there was none.
pub type Attempt<B> = Result<Reply<B>, Error>;

/// The host's HTTP, JSON, clock and timer for one call (with the caller's signal, if any);
/// host.rs implements it over fetch, tests over a script.
#[allow(async_fn_in_trait)] // wasm is single-threaded: these futures never need to be Send
pub trait Transport {
    /// The response body as the host holds it.
    type Body;
    /// A parsed JSON value.
    type Json: Json;
    /// Sends one request with the secret key, giving up after `timeout_ms`.
    async fn send(
        &self,
        request: &Request<'_>,
        secret_key: &str,
        timeout_ms: u32,
    ) -> Result<Reply<Self::Body>, Error>;
    /// Parses a body as a JSON object; None when it is not one.
    fn parse(&self, body: &Self::Body) -> Option<Self::Json>;
    /// The first characters of a body, for errors about bodies that are not JSON.
    fn excerpt(&self, body: &Self::Body) -> String;
    /// Waits `ms` milliseconds; fails when the call is aborted meanwhile.
    async fn sleep(&self, ms: u32) -> Result<(), Error>;
    /// Milliseconds since the epoch.
    fn now_ms(&self) -> f64;
    /// A random number in `0..1`, for jitter.
    fn random(&self) -> f64;
}

/// Checked client settings.
#[derive(Debug)]
pub struct Config {
    pub secret_key: String,
    pub region: &'static str,
    pub api_url: String,
    pub timeout_ms: u32,
    pub retries: u32,
}

/// How long to wait before retrying a failed attempt, or None to give up.
/// `status` is None for a network failure; only GET and DELETE are ever repeated.
pub fn retry_delay(
    method: Method,
    status: Option<u16>,
    retry_after: Option<&str>,
    attempt: u32,
    retries: u32,
    now_ms: f64,
    random: f64,
) -> Option<f64> {
    let retryable = matches!(status, None | Some(429 | 502 | 503 | 504));
    if attempt >= retries || method == Method::Post || !retryable {
        return None;
    }
    let backoff = (BASE_DELAY_MS * f64::from(1u32 << attempt.min(16))).min(MAX_DELAY_MS);
    let jittered = backoff * (0.5 + random.clamp(0.0, 1.0) / 2.0);
    let hinted = retry_after.and_then(|v| retry_after_ms(v, now_ms));
    Some(hinted.map_or(jittered, |h| h.clamp(0.0, MAX_RETRY_AFTER_MS)))
}

/// `Retry-After` as a wait in milliseconds: delay-seconds or an HTTP date.
fn retry_after_ms(value: &str, now_ms: f64) -> Option<f64> {
    let v = value.trim();
    if !v.is_empty() && v.len() < 10 && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse::<u32>().ok().map(|s| f64::from(s) * 1000.0);
    }
    validate::http_date_ms(v).map(|at| at - now_ms)
}

/// The API for one call: the client's settings and the host of this call.
pub struct Client<'c, T> {
    pub(crate) config: &'c Config,
    pub(crate) transport: T,
}

impl<'c, T: Transport> Client<'c, T> {
    /// A client for one call.
    pub fn new(config: &'c Config, transport: T) -> Self {
        Client { config, transport }
    }

    /// The default region of this client.
    pub fn region(&self) -> &'static str {
        self.config.region
    }

    /// `{api}/functions/v1beta1/regions/{region}/{collection}`.
    pub(crate) fn functions_url(&self, region: &'static str, collection: &'static str) -> Url {
        Url::new(&self.config.api_url)
            .route("functions/v1beta1/regions")
            .route(region)
            .route(collection)
    }

    /// `{api}/iam/v1alpha1/{collection}` (IAM is not regional).
    pub(crate) fn iam_url(&self, collection: &'static str) -> Url {
        Url::new(&self.config.api_url)
            .route("iam/v1alpha1")
            .route(collection)
    }

    /// One API call with retries under one deadline; answers the parsed body of a success.
    pub(crate) async fn call(
        &self,
        request: Request<'_>,
        subject: Option<Subject<'_>>,
    ) -> Result<T::Json, Error> {
        (self.exchange(request, subject).await?).ok_or_else(error::unexpected)
    }

    /// One API call with retries under one deadline; a success may have no JSON body (204).
    pub(crate) fn exchange<'a>(
        &'a self,
        request: Request<'a>,
        subject: Option<Subject<'a>>,
    ) -> Boxed<'a, Result<Option<T::Json>, Error>> {
        Box::pin(self.attempts(request, subject, None))
    }

    /// The rest of a call whose first attempt was sent at `started_ms` without awaiting, and
    /// came out as `first` (an error answer or a failure: a success needs no rest).
    pub fn exchange_after<'a>(
        &'a self,
        request: Request<'a>,
        subject: Option<Subject<'a>>,
        first: Attempt<T::Body>,
        started_ms: f64,
    ) -> Boxed<'a, Result<Option<T::Json>, Error>> {
        Box::pin(self.attempts(request, subject, Some((first, started_ms))))
    }

    async fn attempts(
        &self,
        request: Request<'_>,
        subject: Option<Subject<'_>>,
        mut first: Option<(Attempt<T::Body>, f64)>,
    ) -> Result<Option<T::Json>, Error> {
        let t = &self.transport;
        let started = first.as_ref().map_or_else(|| t.now_ms(), |(_, at)| *at);
        let deadline = started + f64::from(self.config.timeout_ms);
        let mut attempt = 0;
        loop {
            let outcome = match first.take() {
                Some((outcome, _)) => outcome,
                None => {
                    let left = deadline - t.now_ms();
                    if left <= 0.0 {
                        return Err(timed_out(self.config.timeout_ms));
                    }
                    t.send(&request, &self.config.secret_key, left as u32).await
                }
            };
            let (failure, status, retry_after) = match outcome {
                Ok(reply) if reply.succeeded() => {
                    return Ok(t.parse(&reply.body));
                }
                Ok(reply) => {
                    let parsed = t.parse(&reply.body).map(|j| error::Body::from_json(&j));
                    let failure = error::from_response(
                        reply.status,
                        parsed,
                        &t.excerpt(&reply.body),
                        subject,
                    );
                    (failure, Some(reply.status), reply.retry_after)
                }
                Err(e @ Error::Network(_)) => (e, None, None),
                Err(e) => return Err(e),
            };
            match retry_delay(
                request.method,
                status,
                retry_after.as_deref(),
                attempt,
                self.config.retries,
                t.now_ms(),
                t.random(),
            ) {
                Some(ms) if t.now_ms() + ms < deadline => t.sleep(ms as u32).await?,
                _ => return Err(failure),
            }
            attempt += 1;
        }
    }
}

/// Reads one object of a successful answer.
pub(crate) fn read<J, R>(j: &J, item: impl FnOnce(&J) -> Option<R>) -> Result<R, Error> {
    item(j).ok_or_else(error::unexpected)
}

fn timed_out(timeout_ms: u32) -> Error {
    Error::Timeout(format!("the request timed out after {timeout_ms} ms"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{client, Script, ID};
    use pollster::block_on;

    fn get<'a>(url: &'a str) -> Request<'a> {
        Request {
            method: Method::Get,
            url,
            body: None,
        }
    }

    #[test]
    fn reads_are_retried_after_network_failures_and_busy_answers() {
        let c = client(
            Script::default()
                .fail()
                .answer(502, "<html>")
                .answer(200, "{}"),
        );
        assert!(block_on(c.call(get("https://x/y"), None)).is_ok());
        assert_eq!(*c.transport.slept.borrow(), [150, 300]);
    }

    #[test]
    fn retries_stop_after_the_configured_number() {
        let c = client(
            Script::default()
                .answer(503, "")
                .answer(503, "")
                .answer(503, "down"),
        );
        let Err(Error::Api(e)) = block_on(c.call(get("https://x/y"), None)) else {
            panic!()
        };
        assert_eq!((e.status, e.message.as_str()), (503, "HTTP 503: down"));
        assert_eq!(c.transport.sent.borrow().len(), 3);
    }

    #[test]
    fn a_post_is_never_repeated() {
        let c = client(Script::default().fail());
        let post = Request {
            method: Method::Post,
            url: "https://x/y",
            body: None,
        };
        assert!(matches!(
            block_on(c.call(post, None)),
            Err(Error::Network(_))
        ));
        assert_eq!(c.transport.sent.borrow().len(), 1);
    }

    #[test]
    fn client_errors_are_not_retried() {
        let c = client(Script::default().answer(404, r#"{"message":"Token was not found"}"#));
        let subject = Subject {
            resource: "token",
            id: ID,
        };
        let Err(Error::Api(e)) = block_on(c.call(get("https://x/y"), Some(subject))) else {
            panic!()
        };
        assert_eq!(
            e.message,
            format!("resource token with ID {ID} is not found")
        );
        assert_eq!(c.transport.sent.borrow().len(), 1);
    }

    #[test]
    fn retry_after_is_honoured_in_seconds_and_as_a_date_within_a_cap() {
        let c = client(Script::default().answer_after(429, "3").answer(200, "{}"));
        block_on(c.call(get("https://x/y"), None)).unwrap();
        assert_eq!(*c.transport.slept.borrow(), [3000]);
        let date = Some("Sun, 06 Nov 1994 08:49:37 GMT");
        let now = 784_111_772_000.0;
        assert_eq!(
            retry_delay(Method::Get, Some(429), date, 0, 2, now, 0.0),
            Some(5000.0)
        );
        assert_eq!(
            retry_delay(Method::Get, Some(429), Some("86400"), 0, 2, 0.0, 0.0),
            Some(MAX_RETRY_AFTER_MS)
        );
        assert_eq!(
            retry_delay(Method::Get, Some(500), None, 0, 2, 0.0, 0.0),
            None
        );
    }

    #[test]
    fn backoff_grows_exponentially_with_jitter_and_a_ceiling() {
        let d = |attempt, random| retry_delay(Method::Delete, None, None, attempt, 20, 0.0, random);
        assert_eq!(
            (d(0, 0.0), d(0, 1.0), d(1, 1.0), d(15, 1.0)),
            (Some(100.0), Some(200.0), Some(400.0), Some(MAX_DELAY_MS))
        );
    }

    #[test]
    fn a_retry_never_outlives_the_timeout() {
        let mut c = client(Script::default().answer_after(429, "20"));
        let config = Config {
            timeout_ms: 5_000,
            ..crate::testing::config()
        };
        c.config = Box::leak(Box::new(config));
        let Err(Error::Api(e)) = block_on(c.call(get("https://x/y"), None)) else {
            panic!()
        };
        assert_eq!(e.status, 429);
        assert!(c.transport.slept.borrow().is_empty());
    }

    #[test]
    fn a_call_goes_on_from_a_first_attempt_made_without_awaiting() {
        let c = client(Script::default().answer(200, "{}"));
        let busy = Ok(Reply {
            status: 503,
            retry_after: None,
            body: String::new(),
        });
        let answer = block_on(c.exchange_after(get("https://x/y"), None, busy, 0.0));
        assert!(answer.unwrap().is_some());
        assert_eq!(
            c.transport.sent.borrow().len(),
            1,
            "the first attempt is not sent again"
        );
        assert_eq!(c.transport.slept.borrow().len(), 1);

        let c = client(Script::default());
        let refused = Ok(Reply {
            status: 404,
            retry_after: None,
            body: r#"{"message":"gone"}"#.to_string(),
        });
        let Err(Error::Api(e)) = block_on(c.exchange_after(get("https://x/y"), None, refused, 0.0))
        else {
            panic!()
        };
        assert_eq!(e.status, 404);
        assert!(c.transport.sent.borrow().is_empty());
    }

    #[test]
    fn an_aborted_pause_ends_the_call() {
        let c = client(Script::default().answer(503, "").aborting_sleeps());
        assert_eq!(
            block_on(c.call(get("https://x/y"), None)).unwrap_err(),
            Error::Aborted
        );
        assert_eq!(c.transport.sent.borrow().len(), 1);
    }
}
