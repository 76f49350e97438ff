//! Helpers of the native unit tests: a client over a scripted [`Transport`].

use crate::client::{Client, Config, Reply, Request, Transport};
use crate::error::Error;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

pub const ID: &str = "11111111-1111-1111-1111-111111111111";
pub const KEY: &str = "22222222-2222-2222-2222-222222222222";

/// What a [`Script`] was asked to send: method, URL and JSON body.
pub type Sent = (&'static str, String, Option<serde_json::Value>);

/// A transport that answers from a script and records what was sent; its clock moves only when it sleeps.
#[derive(Default)]
pub struct Script {
    replies: RefCell<VecDeque<Result<Reply<String>, Error>>>,
    pub sent: RefCell<Vec<Sent>>,
    pub slept: RefCell<Vec<u32>>,
    /// The time each attempt was given, in order.
    pub timeouts: RefCell<Vec<u32>>,
    now: Cell<f64>,
    abort_sleeps: bool,
    /// How far the clock moves during a pause, when not the pause itself.
    sleep_overrun: Option<u32>,
}

impl Script {
    /// Answers the next request with `status` and `body`.
    pub fn answer(self, status: u16, body: &str) -> Self {
        self.replies.borrow_mut().push_back(Ok(Reply {
            status,
            retry_after: None,
            body: body.into(),
        }));
        self
    }
    /// Answers the next request with `status` and a `Retry-After` header.
    pub fn answer_after(self, status: u16, retry_after: &str) -> Self {
        self.replies.borrow_mut().push_back(Ok(Reply {
            status,
            retry_after: Some(retry_after.into()),
            body: String::new(),
        }));
        self
    }
    /// The next request fails before any answer.
    pub fn fail(self) -> Self {
        self.replies
            .borrow_mut()
            .push_back(Err(Error::Network("connection reset".into())));
        self
    }
    /// The next request runs out of time before any answer.
    pub fn time_out(self) -> Self {
        self.replies
            .borrow_mut()
            .push_back(Err(Error::Timeout("the request timed out".into())));
        self
    }
    /// Every pause lasts `ms`, whatever it was asked to last (a host that fell behind).
    pub fn slow_sleeps(mut self, ms: u32) -> Self {
        self.sleep_overrun = Some(ms);
        self
    }
    /// Every pause is aborted, as by the caller's signal.
    pub fn aborting_sleeps(mut self) -> Self {
        self.abort_sleeps = true;
        self
    }
}

impl Transport for Script {
    type Body = String;
    type Json = serde_json::Value;
    async fn send(
        &self,
        request: &Request<'_>,
        secret_key: &str,
        timeout_ms: u32,
    ) -> Result<Reply<String>, Error> {
        assert_eq!(secret_key, KEY);
        self.timeouts.borrow_mut().push(timeout_ms);
        let body = request.body.map(|b| serde_json::to_value(b).unwrap());
        self.sent
            .borrow_mut()
            .push((request.method.as_str(), request.url.into(), body));
        self.replies
            .borrow_mut()
            .pop_front()
            .expect("no scripted reply left")
    }
    fn parse(&self, body: &String) -> Option<serde_json::Value> {
        serde_json::from_str(body)
            .ok()
            .filter(serde_json::Value::is_object)
    }
    fn excerpt(&self, body: &String) -> String {
        body.chars().take(100).collect()
    }
    async fn sleep(&self, ms: u32) -> Result<(), Error> {
        if self.abort_sleeps {
            return Err(Error::Aborted);
        }
        self.slept.borrow_mut().push(ms);
        let lasted = self.sleep_overrun.unwrap_or(ms);
        self.now.set(self.now.get() + f64::from(lasted));
        Ok(())
    }
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    fn random(&self) -> f64 {
        0.5
    }
}

/// The settings of the tests' client.
pub fn config() -> Config {
    Config {
        secret_key: KEY.into(),
        region: "fr-par",
        api_url: "https://api.scaleway.com".into(),
        timeout_ms: 30_000,
        retries: 2,
    }
}

/// A client over `script` (its settings live as long as the test).
pub fn client(script: Script) -> Client<'static, Script> {
    Client::new(Box::leak(Box::new(config())), script)
}

/// Every request sent, as `METHOD /path?query` without the API's origin.
pub fn sent(c: &Client<Script>) -> Vec<String> {
    (c.transport.sent.borrow().iter())
        .map(|(m, url, _)| format!("{m} {}", url.trim_start_matches("https://api.scaleway.com")))
        .collect()
}

/// The JSON bodies sent, in order.
pub fn bodies(c: &Client<Script>) -> Vec<serde_json::Value> {
    (c.transport.sent.borrow().iter())
        .filter_map(|(_, _, b)| b.clone())
        .collect()
}
