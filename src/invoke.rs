//! PrivateFunction logic: the URL, the token (fixed or from a provider, cached until shortly
//! before it expires), the repeats of a new key's 403s while IAM propagates it (as
//! src/propagation.rs decides) and the single repeat after a provided token's 403, over an
//! abstract [`Gateway`].

use crate::engine::Step;
use crate::error::Error;
use crate::propagation::Propagation;
use crate::token;
use crate::validate;
use std::cell::RefCell;

/// The host's fetch and token provider; http.rs implements it over fetch, tests over a script.
#[allow(async_fn_in_trait)] // wasm is single-threaded: these futures never need to be Send
pub trait Gateway {
    /// The caller's `init` (method, headers, body, signal...), passed through untouched.
    type Init;
    /// The host's own response.
    type Response;
    /// Sends `init` to `url` with `X-Auth-Token: token`.
    async fn fetch(
        &self,
        url: &str,
        token: &str,
        init: &Self::Init,
    ) -> Result<Self::Response, Error>;
    /// HTTP status of a response.
    fn status(&self, response: &Self::Response) -> u16;
    /// Frees a response that will not be handed out.
    fn discard(&self, response: Self::Response);
    /// True when the body of `init` can be sent a second time (absent, string, bytes; not a stream).
    fn replayable(&self, init: &Self::Init) -> bool;
    /// Asks the caller's provider for a token; fails when the signal of `init` aborts first.
    async fn provide_token(&self, init: &Self::Init) -> Result<String, Error>;
    /// `exp` (seconds) of a JWT's claims segment (base64url JSON), when it has one.
    fn expiry(&self, claims_segment: &str) -> Option<f64>;
    /// Waits `ms` milliseconds; fails when the signal of `init` aborts meanwhile.
    async fn sleep(&self, ms: u32, init: &Self::Init) -> Result<(), Error>;
    /// Milliseconds since the epoch.
    fn now_ms(&self) -> f64;
    /// A random number in `0..1`, for jitter.
    fn random(&self) -> f64;
}

/// Joins a base URL and a caller's path (`/x?y=1`, `x`, `?y=1` or empty), refusing control characters.
pub fn join_url(base: &str, path: &str) -> Result<String, Error> {
    if path.len() > validate::MAX_LEN || path.bytes().any(|b| b <= b' ' || b == 0x7f || b == b'\\')
    {
        return Err(Error::invalid(
            "path",
            "must not contain spaces, control characters or backslashes",
        ));
    }
    let sep = if path.is_empty() || path.starts_with(['/', '?']) {
        ""
    } else {
        "/"
    };
    Ok([base, sep, path].concat())
}

/// Redirects a call follows at most, like browsers.
const MAX_REDIRECTS: u8 = 20;

/// What to do with a function's answer, once it may be a redirect.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// The answer is the caller's: not a redirect, or one whose body could not be sent again.
    Answer,
    /// Send the call on to `url`, as a bodiless GET when `as_get`, and without the credential
    /// when `drop_credential` (a hop to another origin).
    Follow {
        url: String,
        as_get: bool,
        drop_credential: bool,
    },
}

/// True for the statuses fetch follows as redirects.
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Where a redirect points: its absolute URL and that URL's origin, as the host resolved them.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub url: &'a str,
    pub origin: &'a str,
}

/// A redirect's `Location` header, as the host read it.
#[derive(Debug, Clone, Copy)]
pub enum Location<'a> {
    /// No `Location`: the answer is the caller's, as fetch hands it back.
    Absent,
    /// A `Location` that is not a URL, even against the URL that answered.
    Invalid,
    /// A `Location` resolved against the URL that answered.
    To(Target<'a>),
}

/// The redirects of one call, followed by hand so that the credential never reaches another
/// origin: fetch's own following (the Fetch standard) keeps custom headers such as `X-Auth-Token`
/// on every hop.
#[derive(Debug)]
pub struct Redirects {
    origin: String,
    method: String,
    /// Its body can be sent again: true once a redirect made it a bodiless GET.
    replayable: bool,
    left: u8,
    /// A hop left the function's origin: the credential is gone for good.
    foreign: bool,
}

impl Redirects {
    /// The redirects of a call to `origin` with `method`, whose body can be sent again or not.
    pub fn new(origin: &str, method: &str, replayable: bool) -> Self {
        Redirects {
            origin: origin.into(),
            method: method.to_ascii_uppercase(),
            replayable,
            left: MAX_REDIRECTS,
            foreign: false,
        }
    }

    /// What to do with an answer of `status` and its `location`. Methods change like fetch's:
    /// 303 makes anything but HEAD a GET, 301 and 302 make a POST one.
    pub fn next(&mut self, status: u16, location: Location<'_>) -> Result<Next, Error> {
        if !is_redirect(status) {
            return Ok(Next::Answer);
        }
        let target = match location {
            Location::Absent => return Ok(Next::Answer),
            // Like fetch: a redirect that cannot be followed is no answer of the function.
            Location::Invalid => {
                return Err(Error::Network(
                    "the function redirected to a Location that is not a URL".into(),
                ))
            }
            Location::To(target) => target,
        };
        // Like fetch: a `data:` or `file:` target would be read as if the function had answered.
        if !target.url.starts_with("https://") && !target.url.starts_with("http://") {
            return Err(Error::Network(
                "the function redirected to a URL that is not http(s)".into(),
            ));
        }
        let as_get = (status == 303 && self.method != "HEAD")
            || (matches!(status, 301 | 302) && self.method == "POST");
        if as_get {
            self.method = "GET".into();
            self.replayable = true;
        } else if !self.replayable {
            return Ok(Next::Answer);
        }
        if self.left == 0 {
            return Err(Error::Network("too many redirects".into()));
        }
        self.left -= 1;
        self.foreign |= target.origin != self.origin;
        Ok(Next::Follow {
            url: target.url.into(),
            as_get,
            drop_credential: self.foreign,
        })
    }
}

/// A private function reached with a token.
pub struct Invoker<G> {
    base: String,
    fixed: Option<String>,
    /// What is known of the fixed token's age.
    propagation: Propagation,
    gateway: G,
    /// The provider's last token and when to fetch a new one.
    cached: RefCell<Option<(String, Option<f64>)>>,
}

impl<G: Gateway> Invoker<G> {
    /// `fixed` is the caller's token; without it every token comes from the gateway's provider.
    pub fn new(url: &str, fixed: Option<&str>, gateway: G) -> Result<Self, Error> {
        let base = validate::base_url(url, "url")?;
        let fixed = fixed
            .map(|t| validate::header_value(t, "token").map(String::from))
            .transpose()?;
        Ok(Invoker {
            base,
            fixed,
            propagation: Propagation::UNKNOWN,
            gateway,
            cached: RefCell::new(None),
        })
    }

    /// The same invoker, knowing how long IAM may refuse its fixed token.
    pub fn with_propagation(self, propagation: Propagation) -> Self {
        Invoker {
            propagation,
            ..self
        }
    }

    /// With a fixed token that IAM no longer propagates, the URL and token of a call to `path`:
    /// it is never refreshed nor repeated, so the call needs nothing awaited. None with a
    /// provider, or while a 403 may still be retried.
    pub fn fixed_call(&self, path: &str) -> Result<Option<(String, &str)>, Error> {
        let Some(token) = &self.fixed else {
            return Ok(None);
        };
        if self.propagation.pending(self.gateway.now_ms()) {
            return Ok(None);
        }
        Ok(Some((join_url(&self.base, path)?, token)))
    }

    async fn token(&self, fresh: bool, init: &G::Init) -> Result<String, Error> {
        if let Some(t) = &self.fixed {
            return Ok(t.clone());
        }
        let now = self.gateway.now_ms();
        if let Some((t, refresh_at)) = self.cached.borrow().as_ref() {
            if !fresh && refresh_at.is_none_or(|at| now < at) {
                return Ok(t.clone());
            }
        }
        let t = self.gateway.provide_token(init).await?;
        validate::header_value(&t, "tokenProvider")?;
        let exp = token::claims_segment(&t)
            .ok()
            .and_then(|segment| self.gateway.expiry(segment));
        *self.cached.borrow_mut() = Some((t.clone(), token::refresh_at_ms(exp)));
        Ok(t)
    }

    /// Sends the caller's request with the token, before `deadline_ms` if given. A 403 while
    /// IAM propagates the fixed token is repeated until it is admitted; a 403 with a provided
    /// token fetches a new token once and repeats the call. Only bodies that can be sent again
    /// are repeated.
    pub async fn fetch(
        &self,
        path: &str,
        init: &G::Init,
        deadline_ms: Option<f64>,
    ) -> Result<G::Response, Error> {
        let url = join_url(&self.base, path)?;
        let used = self.token(false, init).await?;
        let response = self.until_admitted(&url, &used, init, deadline_ms).await?;
        if self.gateway.status(&response) != 403
            || self.fixed.is_some()
            || !self.gateway.replayable(init)
        {
            return Ok(response);
        }
        let fresh = self.token(true, init).await?;
        if fresh == used {
            return Ok(response);
        }
        self.gateway.discard(response);
        self.gateway.fetch(&url, &fresh, init).await
    }

    /// Sends the call, and again after each 403 that [`Propagation`] says to retry.
    async fn until_admitted(
        &self,
        url: &str,
        token: &str,
        init: &G::Init,
        deadline_ms: Option<f64>,
    ) -> Result<G::Response, Error> {
        let g = &self.gateway;
        let mut admission = self
            .propagation
            .call(g.replayable(init), g.now_ms(), deadline_ms);
        loop {
            let response = g.fetch(url, token, init).await?;
            match admission.on_answer(g.status(&response), g.now_ms(), g.random()) {
                Step::Wait { ms } => {
                    g.discard(response);
                    g.sleep(ms, init).await?;
                }
                _ => return Ok(response),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propagation::DEFAULT_WINDOW_MS;
    use pollster::block_on;
    use std::cell::Cell;
    use std::collections::VecDeque;

    /// Answers with scripted statuses; the provider hands out scripted tokens; `Init` says whether the body replays.
    #[derive(Default)]
    struct Script {
        statuses: RefCell<VecDeque<u16>>,
        tokens: RefCell<VecDeque<&'static str>>,
        sent: RefCell<Vec<(String, String)>>,
        provided: Cell<u32>,
        now: Cell<f64>,
        slept: RefCell<Vec<u32>>,
    }

    impl Script {
        fn new(statuses: &[u16], tokens: &[&'static str]) -> Self {
            Script {
                statuses: RefCell::new(statuses.iter().copied().collect()),
                tokens: RefCell::new(tokens.iter().copied().collect()),
                ..Default::default()
            }
        }
    }

    impl Gateway for &Script {
        type Init = bool;
        type Response = u16;
        async fn fetch(&self, url: &str, token: &str, _: &bool) -> Result<u16, Error> {
            self.sent.borrow_mut().push((url.into(), token.into()));
            Ok(self.statuses.borrow_mut().pop_front().unwrap_or(200))
        }
        fn status(&self, response: &u16) -> u16 {
            *response
        }
        fn discard(&self, _: u16) {}
        fn replayable(&self, init: &bool) -> bool {
            *init
        }
        async fn provide_token(&self, _: &bool) -> Result<String, Error> {
            self.provided.set(self.provided.get() + 1);
            self.tokens
                .borrow_mut()
                .pop_front()
                .map(String::from)
                .ok_or(Error::Network("provider failed".into()))
        }
        fn expiry(&self, segment: &str) -> Option<f64> {
            use base64ct::{Base64UrlUnpadded, Encoding};
            let json = Base64UrlUnpadded::decode_vec(segment).ok()?;
            serde_json::from_slice::<serde_json::Value>(&json).ok()?["exp"].as_f64()
        }
        async fn sleep(&self, ms: u32, _: &bool) -> Result<(), Error> {
            self.slept.borrow_mut().push(ms);
            self.now.set(self.now.get() + f64::from(ms));
            Ok(())
        }
        fn now_ms(&self) -> f64 {
            self.now.get()
        }
        fn random(&self) -> f64 {
            0.5
        }
    }

    // Payload {"exp":100}: the token is due for refresh at 40 000 ms.
    const EXPIRING: &str = "e30.eyJleHAiOjEwMH0.c2ln";

    #[test]
    fn paths_join_the_function_url_like_a_user_expects() {
        let j = |b, p| join_url(b, p).unwrap();
        assert_eq!(j("https://f.example", "/a?x=1"), "https://f.example/a?x=1");
        assert_eq!(j("https://f.example", "a"), "https://f.example/a");
        assert_eq!(j("https://f.example", "?x=1"), "https://f.example?x=1");
        assert_eq!(j("https://f.example/fn/1", ""), "https://f.example/fn/1");
        assert_eq!(
            j("https://f.example", "@evil.com"),
            "https://f.example/@evil.com"
        );
        for bad in ["a b", "a\r\nb", "\\\\evil.com"] {
            assert!(join_url("https://f.example", bad).is_err());
        }
    }

    #[test]
    fn a_fixed_token_is_sent_and_a_403_is_an_answer() {
        let script = Script::new(&[403], &[]);
        let f = Invoker::new("https://f.example/", Some("tok"), &script).unwrap();
        assert_eq!(block_on(f.fetch("/x", &true, None)).ok(), Some(403));
        assert_eq!(
            *script.sent.borrow(),
            [("https://f.example/x".to_string(), "tok".to_string())]
        );
    }

    #[test]
    fn a_fixed_token_call_is_planned_without_awaiting_and_a_provider_is_not() {
        let script = Script::default();
        let fixed = Invoker::new("https://f.example/fn", Some("tok"), &script).unwrap();
        assert_eq!(
            fixed.fixed_call("/x?y=1").unwrap(),
            Some(("https://f.example/fn/x?y=1".to_string(), "tok"))
        );
        assert!(fixed.fixed_call("a b").is_err());
        let provided = Invoker::new("https://f.example", None, &script).unwrap();
        assert_eq!(provided.fixed_call("/x").unwrap(), None);
        assert_eq!(script.provided.get(), 0);
    }

    #[test]
    fn a_token_with_a_line_break_is_refused() {
        let script = Script::default();
        assert!(Invoker::new("https://f.example", Some("a\r\nX-Evil: 1"), &script).is_err());
        assert!(Invoker::new("http://f.example", Some("a"), &script).is_err());
    }

    #[test]
    fn the_provider_is_asked_lazily_and_its_token_reused_until_shortly_before_expiry() {
        let script = Script::new(&[], &[EXPIRING, "second"]);
        let f = Invoker::new("https://f.example", None, &script).unwrap();
        assert_eq!(script.provided.get(), 0);
        block_on(f.fetch("", &true, None)).unwrap();
        script.now.set(39_000.0);
        block_on(f.fetch("", &true, None)).unwrap();
        assert_eq!(script.provided.get(), 1);
        script.now.set(41_000.0);
        block_on(f.fetch("", &true, None)).unwrap();
        assert_eq!(script.provided.get(), 2);
        assert_eq!(script.sent.borrow()[2].1, "second");
    }

    #[test]
    fn after_a_403_a_new_token_is_fetched_once_and_the_call_repeated() {
        let script = Script::new(&[403, 200], &["old", "new"]);
        let f = Invoker::new("https://f.example", None, &script).unwrap();
        assert_eq!(block_on(f.fetch("/", &true, None)).ok(), Some(200));
        let tokens: Vec<String> = script.sent.borrow().iter().map(|s| s.1.clone()).collect();
        assert_eq!(tokens, ["old", "new"]);
    }

    #[test]
    fn a_streamed_body_is_not_sent_twice() {
        let script = Script::new(&[403], &["old", "new"]);
        let f = Invoker::new("https://f.example", None, &script).unwrap();
        assert_eq!(block_on(f.fetch("/", &false, None)).ok(), Some(403));
        assert_eq!(script.sent.borrow().len(), 1);
    }

    /// An invoker with the fixed token of a key made at the script's start.
    fn new_key(script: &Script) -> Invoker<&Script> {
        let made_now = Propagation::issued(0.0, DEFAULT_WINDOW_MS, 0.0);
        Invoker::new("https://f.example", Some("key"), script)
            .unwrap()
            .with_propagation(made_now)
    }

    #[test]
    fn a_new_keys_403s_are_repeated_after_pauses_until_iam_admits_it() {
        let script = Script::new(&[403, 403, 403, 200], &[]);
        let f = new_key(&script);
        assert_eq!(block_on(f.fetch("/x", &true, None)).ok(), Some(200));
        assert_eq!(script.sent.borrow().len(), 4);
        assert!(script.sent.borrow().iter().all(|(_, token)| token == "key"));
        assert_eq!(*script.slept.borrow(), [150, 300, 600]);
    }

    #[test]
    fn a_new_key_gets_its_last_403_once_the_window_ends() {
        let script = Script::new(&[403; 100], &[]);
        let f = new_key(&script);
        assert_eq!(block_on(f.fetch("/x", &true, None)).ok(), Some(403));
        assert_eq!(script.now.get(), f64::from(DEFAULT_WINDOW_MS));
    }

    #[test]
    fn a_new_keys_403_is_the_answer_for_a_streamed_body_or_when_no_pause_fits_the_deadline() {
        let script = Script::new(&[403, 403, 403], &[]);
        let f = new_key(&script);
        assert_eq!(block_on(f.fetch("/x", &false, None)).ok(), Some(403));
        assert_eq!(script.sent.borrow().len(), 1);
        assert_eq!(block_on(f.fetch("/x", &true, Some(700.0))).ok(), Some(403));
        assert_eq!(
            *script.slept.borrow(),
            [150],
            "a second pause would reach the deadline"
        );
    }

    #[test]
    fn a_new_keys_call_is_awaited_while_iam_propagates_it_and_planned_afterwards() {
        let script = Script::default();
        let f = new_key(&script);
        assert_eq!(f.fixed_call("/x").unwrap(), None);
        script.now.set(f64::from(DEFAULT_WINDOW_MS));
        assert!(f.fixed_call("/x").unwrap().is_some());
    }

    const FN: &str = "https://f.example";

    fn to(url: &'static str) -> Location<'static> {
        let origin = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
        Location::To(Target {
            url,
            origin: Box::leak(origin.into_boxed_str()),
        })
    }

    fn follow(url: &str, as_get: bool, drop_credential: bool) -> Result<Next, Error> {
        Ok(Next::Follow {
            url: url.into(),
            as_get,
            drop_credential,
        })
    }

    #[test]
    fn a_redirect_on_the_functions_origin_keeps_the_credential_and_another_origin_never_gets_it() {
        let mut r = Redirects::new(FN, "GET", true);
        assert_eq!(
            r.next(307, to("https://f.example/b")),
            follow("https://f.example/b", false, false)
        );
        assert_eq!(
            r.next(302, to("https://evil.example/")),
            follow("https://evil.example/", false, true)
        );
        assert_eq!(
            r.next(301, to("https://f.example/back")),
            follow("https://f.example/back", false, true),
            "once given away, never sent again"
        );
    }

    #[test]
    fn every_redirect_status_is_followed_and_other_answers_are_the_callers() {
        for status in [301, 302, 303, 307, 308] {
            let mut r = Redirects::new(FN, "GET", true);
            assert!(matches!(
                r.next(status, to("https://o.example/")),
                Ok(Next::Follow {
                    drop_credential: true,
                    ..
                })
            ));
        }
        for status in [200, 300, 304, 403, 500] {
            let mut r = Redirects::new(FN, "GET", true);
            assert_eq!(
                r.next(status, to("https://o.example/")),
                Ok(Next::Answer),
                "{status}"
            );
        }
        assert_eq!(
            Redirects::new(FN, "GET", true).next(302, Location::Absent),
            Ok(Next::Answer)
        );
        assert_eq!(
            Redirects::new(FN, "GET", true).next(200, Location::Invalid),
            Ok(Next::Answer)
        );
    }

    #[test]
    fn a_redirect_to_a_location_that_is_not_a_url_is_a_network_error_as_in_fetch() {
        for status in [301, 302, 303, 307, 308] {
            assert!(matches!(
                Redirects::new(FN, "GET", true).next(status, Location::Invalid),
                Err(Error::Network(_))
            ));
        }
    }

    #[test]
    fn a_redirect_changes_the_method_like_fetch_and_a_body_that_cannot_be_sent_again_stops_it() {
        let mut post = Redirects::new(FN, "post", false);
        assert_eq!(
            post.next(302, to("https://f.example/x")),
            follow("https://f.example/x", true, false)
        );
        assert_eq!(
            post.next(307, to("https://f.example/y")),
            follow("https://f.example/y", false, false),
            "no body left"
        );
        let mut streamed = Redirects::new(FN, "PUT", false);
        assert_eq!(
            streamed.next(307, to("https://f.example/x")),
            Ok(Next::Answer)
        );
        assert_eq!(
            streamed.next(303, to("https://f.example/x")),
            follow("https://f.example/x", true, false)
        );
        let mut head = Redirects::new(FN, "HEAD", true);
        assert_eq!(
            head.next(303, to("https://f.example/x")),
            follow("https://f.example/x", false, false)
        );
        let mut replayed = Redirects::new(FN, "PUT", true);
        assert_eq!(
            replayed.next(308, to("https://f.example/x")),
            follow("https://f.example/x", false, false)
        );
    }

    #[test]
    fn a_redirect_to_a_url_that_is_not_http_is_a_network_error_as_in_fetch() {
        for url in [
            "data:text/plain,forged",
            "file:///etc/passwd",
            "blob:https://f.example/1",
        ] {
            let target = Location::To(Target {
                url,
                origin: "null",
            });
            let next = Redirects::new(FN, "GET", true).next(302, target);
            assert!(matches!(next, Err(Error::Network(_))), "{url}");
        }
    }

    #[test]
    fn a_redirect_loop_ends_with_a_network_error() {
        let mut r = Redirects::new(FN, "GET", true);
        for _ in 0..MAX_REDIRECTS {
            assert!(r.next(302, to("https://f.example/loop")).is_ok());
        }
        assert_eq!(
            r.next(302, to("https://f.example/loop")),
            Err(Error::Network("too many redirects".into()))
        );
    }

    #[test]
    fn a_provider_failure_rejects_and_the_next_call_asks_again() {
        let script = Script::new(&[], &[]);
        let f = Invoker::new("https://f.example", None, &script).unwrap();
        assert!(block_on(f.fetch("/", &true, None)).is_err());
        script.tokens.borrow_mut().push_back("late");
        assert_eq!(block_on(f.fetch("/", &true, None)).ok(), Some(200));
    }
}
