//! The API client's core: settings, the host [`Transport`], and the driver of one exchange, which
//! sends, waits and stops as the engine (engine.rs) decides. The Functions API (functions.rs) and
//! IAM keys (iam.rs) are built on [`Client::call`].

use crate::engine::{Exchange, Outcome, Rules, Step};
use crate::error::{self, Error, Subject};
use crate::url::Url;
use crate::wire::{Body, Json};
use std::future::Future;
use std::pin::Pin;

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
        Box::pin(self.drive(request, subject))
    }

    /// Drives the exchange engine over the transport: sends, waits and stops when it says.
    async fn drive(
        &self,
        request: Request<'_>,
        subject: Option<Subject<'_>>,
    ) -> Result<Option<T::Json>, Error> {
        let t = &self.transport;
        let rules = Rules {
            timeout_ms: self.config.timeout_ms,
            retries: self.config.retries,
            repeatable: request.method != Method::Post,
        };
        let mut exchange = Exchange::new(rules, t.now_ms());
        let mut step = exchange.next_attempt(t.now_ms());
        let mut last = None;
        loop {
            step = match step {
                Step::Send { timeout_ms } => {
                    let attempt = t.send(&request, &self.config.secret_key, timeout_ms).await;
                    let next = exchange.on_outcome(outcome(&attempt), t.now_ms(), t.random());
                    last = Some(attempt);
                    next
                }
                Step::Wait { ms } => {
                    t.sleep(ms).await?;
                    exchange.next_attempt(t.now_ms())
                }
                Step::TimedOut => return Err(timed_out(self.config.timeout_ms)),
                Step::Done => return self.answer(last.ok_or_else(error::unexpected)?, subject),
            };
        }
    }

    /// The call's answer from its last attempt: the parsed body of a success, else its error.
    fn answer(
        &self,
        attempt: Attempt<T::Body>,
        subject: Option<Subject<'_>>,
    ) -> Result<Option<T::Json>, Error> {
        let t = &self.transport;
        let reply = attempt?;
        if reply.succeeded() {
            return Ok(t.parse(&reply.body));
        }
        let parsed = t.parse(&reply.body).map(|j| error::Body::from_json(&j));
        Err(error::from_response(
            reply.status,
            parsed,
            &t.excerpt(&reply.body),
            subject,
        ))
    }
}

/// What the engine needs to know of an attempt. Only a network failure may be retried: a
/// deadline or the caller's signal ends the call.
fn outcome<B>(attempt: &Attempt<B>) -> Outcome<'_> {
    match attempt {
        Ok(reply) => Outcome::Answered {
            status: reply.status,
            retry_after: reply.retry_after.as_deref(),
        },
        Err(Error::Network(_)) => Outcome::Unreachable,
        Err(_) => Outcome::Ended,
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

    fn get(url: &str) -> Request<'_> {
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
        assert_eq!(
            *c.transport.timeouts.borrow(),
            [30_000, 29_850, 29_550],
            "each attempt gets the time left"
        );
    }

    #[test]
    fn retries_stop_after_the_configured_number_with_the_last_answer() {
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
    fn client_errors_are_not_retried_and_name_their_subject() {
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
    fn retry_after_is_honoured() {
        let c = client(Script::default().answer_after(429, "3").answer(200, "{}"));
        block_on(c.call(get("https://x/y"), None)).unwrap();
        assert_eq!(*c.transport.slept.borrow(), [3000]);
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
    fn an_attempt_that_timed_out_ends_the_call() {
        let c = client(Script::default().time_out().answer(200, "{}"));
        assert!(matches!(
            block_on(c.call(get("https://x/y"), None)),
            Err(Error::Timeout(_))
        ));
        assert_eq!(c.transport.sent.borrow().len(), 1);
    }

    #[test]
    fn a_pause_that_overran_the_deadline_is_a_timeout_naming_it() {
        let c = client(Script::default().answer(503, "").slow_sleeps(40_000));
        assert_eq!(
            block_on(c.call(get("https://x/y"), None)).unwrap_err(),
            Error::Timeout("the request timed out after 30000 ms".into())
        );
        assert_eq!(c.transport.sent.borrow().len(), 1);
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
