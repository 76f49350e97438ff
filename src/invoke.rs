//! PrivateFunction logic: the URL, the token (fixed or from a provider, cached until shortly
//! before it expires) and the single repeat after a 403, over an abstract [`Gateway`].

use crate::error::Error;
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
    /// Asks the caller's provider for a token.
    async fn provide_token(&self) -> Result<String, Error>;
    /// `exp` (seconds) of a JWT's claims segment (base64url JSON), when it has one.
    fn expiry(&self, claims_segment: &str) -> Option<f64>;
    /// Milliseconds since the epoch.
    fn now_ms(&self) -> f64;
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

/// A private function reached with a token.
pub struct Invoker<G> {
    base: String,
    fixed: Option<String>,
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
            gateway,
            cached: RefCell::new(None),
        })
    }

    /// With a fixed token, the URL and token of a call to `path`: it is never refreshed nor
    /// repeated, so the call needs nothing awaited. None with a provider.
    pub fn fixed_call(&self, path: &str) -> Result<Option<(String, &str)>, Error> {
        let Some(token) = &self.fixed else {
            return Ok(None);
        };
        Ok(Some((join_url(&self.base, path)?, token)))
    }

    async fn token(&self, fresh: bool) -> Result<String, Error> {
        if let Some(t) = &self.fixed {
            return Ok(t.clone());
        }
        let now = self.gateway.now_ms();
        if let Some((t, refresh_at)) = self.cached.borrow().as_ref() {
            if !fresh && refresh_at.is_none_or(|at| now < at) {
                return Ok(t.clone());
            }
        }
        let t = self.gateway.provide_token().await?;
        validate::header_value(&t, "tokenProvider")?;
        let exp = token::claims_segment(&t)
            .ok()
            .and_then(|segment| self.gateway.expiry(segment));
        *self.cached.borrow_mut() = Some((t.clone(), token::refresh_at_ms(exp)));
        Ok(t)
    }

    /// Sends the caller's request with the token; a 403 with a provided token fetches a new
    /// token once and repeats the call when the body can be sent again.
    pub async fn fetch(&self, path: &str, init: &G::Init) -> Result<G::Response, Error> {
        let url = join_url(&self.base, path)?;
        let used = self.token(false).await?;
        let response = self.gateway.fetch(&url, &used, init).await?;
        if self.gateway.status(&response) != 403
            || self.fixed.is_some()
            || !self.gateway.replayable(init)
        {
            return Ok(response);
        }
        let fresh = self.token(true).await?;
        if fresh == used {
            return Ok(response);
        }
        self.gateway.discard(response);
        self.gateway.fetch(&url, &fresh, init).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        async fn provide_token(&self) -> Result<String, Error> {
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
        fn now_ms(&self) -> f64 {
            self.now.get()
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
        assert_eq!(block_on(f.fetch("/x", &true)).ok(), Some(403));
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
        block_on(f.fetch("", &true)).unwrap();
        script.now.set(39_000.0);
        block_on(f.fetch("", &true)).unwrap();
        assert_eq!(script.provided.get(), 1);
        script.now.set(41_000.0);
        block_on(f.fetch("", &true)).unwrap();
        assert_eq!(script.provided.get(), 2);
        assert_eq!(script.sent.borrow()[2].1, "second");
    }

    #[test]
    fn after_a_403_a_new_token_is_fetched_once_and_the_call_repeated() {
        let script = Script::new(&[403, 200], &["old", "new"]);
        let f = Invoker::new("https://f.example", None, &script).unwrap();
        assert_eq!(block_on(f.fetch("/", &true)).ok(), Some(200));
        let tokens: Vec<String> = script.sent.borrow().iter().map(|s| s.1.clone()).collect();
        assert_eq!(tokens, ["old", "new"]);
    }

    #[test]
    fn a_streamed_body_is_not_sent_twice() {
        let script = Script::new(&[403], &["old", "new"]);
        let f = Invoker::new("https://f.example", None, &script).unwrap();
        assert_eq!(block_on(f.fetch("/", &false)).ok(), Some(403));
        assert_eq!(script.sent.borrow().len(), 1);
    }

    #[test]
    fn a_provider_failure_rejects_and_the_next_call_asks_again() {
        let script = Script::new(&[], &[]);
        let f = Invoker::new("https://f.example", None, &script).unwrap();
        assert!(block_on(f.fetch("/", &true)).is_err());
        script.tokens.borrow_mut().push_back("late");
        assert_eq!(block_on(f.fetch("/", &true)).ok(), Some(200));
    }
}
