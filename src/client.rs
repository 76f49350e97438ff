//! FunctionsClient logic: URLs, retries, pagination and waiting, over an abstract [`Transport`].

use crate::api::{self, AccessKey, Decimal, Json, Page, Token};
use crate::error::{self, Body, Error, Subject};
use crate::prelude::*;
use crate::validate::{self, Scope};
use core::future::Future;
use core::pin::Pin;

/// First backoff step; doubled at each retry.
const BASE_DELAY_MS: f64 = 200.0;
/// Longest backoff step.
const MAX_DELAY_MS: f64 = 5_000.0;
/// Longest wait a `Retry-After` header can impose.
const MAX_RETRY_AFTER_MS: f64 = 20_000.0;
/// Page size used when following every page.
const ALL_PAGE_SIZE: u32 = 100;
/// Safety stop for a server whose `total_count` never stops growing.
const MAX_PAGES: u32 = 1_000;
/// The permission set that lets an IAM application call a project's private functions.
const FUNCTION_ACCESS: &str = "FunctionsPrivateAccess";
/// Longest pause between two polls of `waitForToken`.
const MAX_POLL_MS: f64 = 5_000.0;

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

/// What came back from one HTTP exchange.
pub struct Reply<B> {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: B,
}

/// The host's HTTP, JSON, clock and timer; http.rs implements it over fetch, tests over a script.
#[allow(async_fn_in_trait)] // wasm is single-threaded: these futures never need to be Send
pub trait Transport {
    /// The response body as the host holds it.
    type Body;
    /// A parsed JSON value.
    type Json: Json;
    /// Sends one request with the secret key, giving up after `timeout_ms`.
    async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&str>,
        secret_key: &str,
        timeout_ms: u32,
    ) -> Result<Reply<Self::Body>, Error>;
    /// Parses a body as a JSON object; None when it is not one.
    fn parse(&self, body: &Self::Body) -> Option<Self::Json>;
    /// The first characters of a body, for errors about bodies that are not JSON.
    fn excerpt(&self, body: &Self::Body) -> String;
    /// Waits `ms` milliseconds.
    async fn sleep(&self, ms: u32);
    /// Milliseconds since the epoch.
    fn now_ms(&self) -> f64;
    /// A random number in `0..1`, for jitter.
    fn random(&self) -> f64;
}

/// Checked client settings.
pub struct Config {
    pub secret_key: String,
    pub region: &'static str,
    pub api_url: String,
    pub timeout_ms: u32,
    pub retries: u32,
}

/// Filters and paging of ListTokens (ids unchecked yet).
#[derive(Default)]
pub struct TokenFilter {
    pub function_id: Option<String>,
    pub namespace_id: Option<String>,
    pub order_by: Option<String>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
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

/// `?a=b&c=d` of the given pairs (values are pre-checked ids, enums and numbers: nothing to escape).
fn query(pairs: &[(&str, Option<&str>)]) -> String {
    let mut q = String::new();
    for (key, value) in pairs {
        if let Some(value) = value {
            q.push(if q.is_empty() { '?' } else { '&' });
            q.push_str(key);
            q.push('=');
            q.push_str(value);
        }
    }
    q
}

/// The Functions API, over a transport.
pub struct Client<T> {
    config: Config,
    transport: T,
}

impl<T: Transport> Client<T> {
    /// A client with checked settings.
    pub fn new(config: Config, transport: T) -> Self {
        Client { config, transport }
    }

    /// The transport (the host's clock and timers).
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The default region of this client.
    pub fn region(&self) -> &'static str {
        self.config.region
    }

    /// `{api}/functions/v1beta1/regions/{region}/{collection}[/{id}]{query}`.
    pub fn url(&self, region: &str, collection: &str, id: Option<&str>, query: &str) -> String {
        self.api_url(
            &["/functions/v1beta1/regions/", region, "/", collection],
            id,
            query,
        )
    }

    /// `{api}/iam/v1alpha1/{collection}[/{id}]{query}` (IAM is not regional).
    pub fn iam_url(&self, collection: &str, id: Option<&str>, query: &str) -> String {
        self.api_url(&["/iam/v1alpha1/", collection], id, query)
    }

    fn api_url(&self, path: &[&str], id: Option<&str>, query: &str) -> String {
        let mut url = self.config.api_url.clone();
        for part in path {
            url.push_str(part);
        }
        if let Some(id) = id {
            url.push('/');
            url.push_str(id);
        }
        url.push_str(query);
        url
    }

    /// One API call with retries under one deadline; answers the parsed body of a success.
    async fn call(
        &self,
        method: Method,
        url: &str,
        body: Option<&str>,
        subject: Option<Subject<'_>>,
    ) -> Result<T::Json, Error> {
        (self.exchange(method, url, body, subject).await?).ok_or_else(error::unexpected)
    }

    /// One API call with retries under one deadline; a success may have no JSON body (204).
    /// Boxed so that its state machine exists once in the wasm instead of inlined in every caller.
    fn exchange<'a>(
        &'a self,
        method: Method,
        url: &'a str,
        body: Option<&'a str>,
        subject: Option<Subject<'a>>,
    ) -> Boxed<'a, Result<Option<T::Json>, Error>> {
        Box::pin(self.attempts(method, url, body, subject))
    }

    async fn attempts(
        &self,
        method: Method,
        url: &str,
        body: Option<&str>,
        subject: Option<Subject<'_>>,
    ) -> Result<Option<T::Json>, Error> {
        let t = &self.transport;
        let deadline = t.now_ms() + f64::from(self.config.timeout_ms);
        let mut attempt = 0;
        loop {
            let left = deadline - t.now_ms();
            if left <= 0.0 {
                return Err(timed_out(self.config.timeout_ms));
            }
            let (failure, status, retry_after) = match t
                .send(method, url, body, &self.config.secret_key, left as u32)
                .await
            {
                Ok(reply) if (200..300).contains(&reply.status) => {
                    return Ok(t.parse(&reply.body));
                }
                Ok(reply) => {
                    let parsed = t.parse(&reply.body).map(|j| Body::from_json(&j));
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
                method,
                status,
                retry_after.as_deref(),
                attempt,
                self.config.retries,
                t.now_ms(),
                t.random(),
            ) {
                Some(ms) if t.now_ms() + ms < deadline => t.sleep(ms as u32).await,
                _ => return Err(failure),
            }
            attempt += 1;
        }
    }

    /// CreateToken; `expires_at` is an already checked RFC 3339 string.
    pub async fn create_token(
        &self,
        scope: Scope<'_>,
        description: Option<&str>,
        expires_at: Option<&str>,
    ) -> Result<Token, Error> {
        let (function_id, namespace_id) = match scope {
            Scope::Function(f) => (Some(f), None),
            Scope::Namespace(n) => (None, Some(n)),
        };
        let fields = [
            ("function_id", function_id),
            ("namespace_id", namespace_id),
            ("description", description),
            ("expires_at", expires_at),
        ];
        let url = self.url(self.config.region, "tokens", None, "");
        let j = self
            .call(Method::Post, &url, Some(&api::json_object(&fields)), None)
            .await?;
        read(&j, Token::from_json)
    }

    /// GET or DELETE of one object by UUID or regional id; returns it with its region.
    async fn one<R>(
        &self,
        method: Method,
        collection: &str,
        resource: &'static str,
        id: &str,
        item: fn(&T::Json) -> Option<R>,
    ) -> Result<(R, &'static str), Error> {
        let (region, uuid) = validate::resource_id(id, "id")?;
        let region = region.unwrap_or(self.config.region);
        let url = self.url(region, collection, Some(uuid), "");
        let j = self
            .call(method, &url, None, Some(Subject { resource, id: uuid }))
            .await?;
        Ok((read(&j, item)?, region))
    }

    /// GetToken.
    pub async fn get_token(&self, id: &str) -> Result<(Token, &'static str), Error> {
        self.one(Method::Get, "tokens", "token", id, Token::from_json)
            .await
    }

    /// DeleteToken.
    pub async fn delete_token(&self, id: &str) -> Result<(Token, &'static str), Error> {
        self.one(Method::Delete, "tokens", "token", id, Token::from_json)
            .await
    }

    /// GetNamespace.
    pub async fn get_namespace(&self, id: &str) -> Result<(T::Json, &'static str), Error> {
        self.one(Method::Get, "namespaces", "namespace", id, api::object)
            .await
    }

    /// GetFunction.
    pub async fn get_function(&self, id: &str) -> Result<(T::Json, &'static str), Error> {
        self.one(Method::Get, "functions", "function", id, api::object)
            .await
    }

    fn token_query(&self, filter: &TokenFilter) -> Result<[Option<String>; 5], Error> {
        let id = |v: &Option<String>, field| {
            v.as_deref()
                .map(|v| validate::uuid(v, field, self.config.region).map(String::from))
                .transpose()
        };
        Ok([
            id(&filter.function_id, "functionId")?,
            id(&filter.namespace_id, "namespaceId")?,
            filter
                .order_by
                .as_deref()
                .map(validate::order_by)
                .transpose()?
                .map(String::from),
            filter.page.map(|p| p.to_decimal()),
            filter.page_size.map(|p| p.to_decimal()),
        ])
    }

    fn token_list_url(&self, q: &[Option<String>; 5]) -> String {
        let [f, n, o, p, s] = q;
        let pairs = [
            ("function_id", f),
            ("namespace_id", n),
            ("order_by", o),
            ("page", p),
            ("page_size", s),
        ];
        self.url(
            self.config.region,
            "tokens",
            None,
            &query(&pairs.map(|(k, v)| (k, v.as_deref()))),
        )
    }

    /// ListTokens, one page, read by `read` (such as [`Page::of_tokens`]).
    pub async fn list_tokens<R>(
        &self,
        filter: &TokenFilter,
        read: fn(&T::Json) -> Option<R>,
    ) -> Result<R, Error> {
        let url = self.token_list_url(&self.token_query(filter)?);
        let j = self.call(Method::Get, &url, None, None).await?;
        read(&j).ok_or_else(error::unexpected)
    }

    /// ListTokens, every page, each token read by `item` (such as [`Token::from_json`]).
    pub async fn list_all_tokens<R>(
        &self,
        filter: &TokenFilter,
        item: fn(&T::Json) -> Option<R>,
    ) -> Result<Vec<R>, Error> {
        let mut q = self.token_query(filter)?;
        self.every_page("tokens", item, |page| {
            q[3] = Some(page.to_decimal());
            q[4] = Some(ALL_PAGE_SIZE.to_decimal());
            self.token_list_url(&q)
        })
        .await
    }

    /// ListNamespaces, every page.
    pub async fn list_namespaces(&self) -> Result<Vec<T::Json>, Error> {
        self.every_object("namespaces", None).await
    }

    /// ListFunctions, every page, optionally of one namespace.
    pub async fn list_functions(&self, namespace_id: Option<&str>) -> Result<Vec<T::Json>, Error> {
        let namespace_id = namespace_id
            .map(|n| validate::uuid(n, "namespaceId", self.config.region))
            .transpose()?;
        self.every_object("functions", namespace_id).await
    }

    /// Every object of a collection of the client's region, optionally of one namespace.
    async fn every_object(
        &self,
        collection: &str,
        namespace_id: Option<&str>,
    ) -> Result<Vec<T::Json>, Error> {
        self.every_page(collection, api::object, |page| {
            self.url(
                self.config.region,
                collection,
                None,
                &page_query(namespace_id, page),
            )
        })
        .await
    }

    /// Follows pages 1, 2, ... until `total_count` objects or an empty page came back.
    async fn every_page<R>(
        &self,
        key: &str,
        item: fn(&T::Json) -> Option<R>,
        mut url_of: impl FnMut(u32) -> String,
    ) -> Result<Vec<R>, Error> {
        let mut items = Vec::new();
        for page in 1..=MAX_PAGES {
            let j = self.call(Method::Get, &url_of(page), None, None).await?;
            let p = Page::from_json(&j, key, item).ok_or_else(error::unexpected)?;
            let (total, last) = (p.total_count as usize, p.items.is_empty());
            items.extend(p.items);
            if last || items.len() >= total {
                break;
            }
        }
        Ok(items)
    }

    /// Polls a token, with growing pauses, until it is neither creating nor deleting.
    pub async fn wait_for_token(
        &self,
        id: &str,
        timeout_ms: u32,
        interval_ms: u32,
    ) -> Result<(Token, &'static str), Error> {
        let t = &self.transport;
        let deadline = t.now_ms() + f64::from(timeout_ms);
        let mut pause = f64::from(interval_ms.max(1));
        loop {
            let (token, region) = self.get_token(id).await?;
            let left = deadline - t.now_ms();
            if !token.is_transient() {
                return Ok((token, region));
            }
            if left <= 0.0 {
                let status = token.status;
                return Err(Error::Timeout(
                    [
                        "token ",
                        id,
                        " is still ",
                        &status,
                        " after ",
                        &timeout_ms.to_decimal(),
                        " ms",
                    ]
                    .concat(),
                ));
            }
            t.sleep(pause.min(left) as u32).await;
            pause = (pause * 1.5).min(MAX_POLL_MS);
        }
    }

    /// Makes an IAM application, a policy granting it [`FUNCTION_ACCESS`] on `project_id`, and
    /// an API key of it: the key's secret calls the project's private functions. When a step
    /// fails, what the earlier steps made is deleted again before the error is returned.
    pub async fn create_function_access_key(
        &self,
        project_id: &str,
        organization_id: Option<&str>,
        description: Option<&str>,
        expires_at: Option<&str>,
    ) -> Result<AccessKey, Error> {
        let project = validate::plain_uuid(project_id, "projectId")?;
        let organization = match organization_id {
            Some(o) => String::from(validate::plain_uuid(o, "organizationId")?),
            None => self.organization_of(project).await?,
        };
        let name = ["functions-", project].concat();
        let application = api::json_object(&[
            ("name", Some(&name)),
            ("organization_id", Some(&organization)),
            ("description", description),
        ]);
        let url = self.iam_url("applications", None, "");
        let j = self
            .call(Method::Post, &url, Some(&application), None)
            .await?;
        let application_id = read(&j, |j| j.str("id"))?;
        let rules = [
            "[{\"permission_set_names\":[\"",
            FUNCTION_ACCESS,
            "\"],\"project_ids\":[\"",
            project,
            "\"]}]",
        ]
        .concat();
        let policy = api::with_raw(
            api::json_object(&[
                ("name", Some(&name)),
                ("organization_id", Some(&organization)),
                ("application_id", Some(&application_id)),
                ("description", description),
            ]),
            "rules",
            &rules,
        );
        let url = self.iam_url("policies", None, "");
        let policy_id = match self.call(Method::Post, &url, Some(&policy), None).await {
            Ok(j) => read(&j, |j| j.str("id")),
            Err(e) => Err(e),
        };
        let policy_id = match policy_id {
            Ok(id) => id,
            Err(e) => return Err(self.undo(&[("applications", &application_id)], e).await),
        };
        let key = api::json_object(&[
            ("application_id", Some(&application_id)),
            ("description", description),
            ("expires_at", expires_at),
            ("default_project_id", Some(project)),
        ]);
        let url = self.iam_url("api-keys", None, "");
        let made = match self.call(Method::Post, &url, Some(&key), None).await {
            Ok(j) => read(&j, AccessKey::from_json),
            Err(e) => Err(e),
        };
        match made {
            Ok(mut key) => {
                key.application_id = application_id;
                key.policy_id = policy_id;
                Ok(key)
            }
            Err(e) => {
                let made = [("policies", &policy_id), ("applications", &application_id)];
                Err(self.undo(&made, e).await)
            }
        }
    }

    /// The organization of a project, read from one of its namespaces in the client's region.
    async fn organization_of(&self, project: &str) -> Result<String, Error> {
        let q = query(&[("project_id", Some(project)), ("page_size", Some("1"))]);
        let url = self.url(self.config.region, "namespaces", None, &q);
        let j = self.call(Method::Get, &url, None, None).await?;
        (j.list("namespaces").first())
            .and_then(|n| n.str("organization_id"))
            .filter(|o| validate::is_uuid(o))
            .ok_or(Error::Validation {
                field: "organizationId",
                reason: "is required when the project has no namespace in the client's region",
            })
    }

    /// Deletes what a failed [`Client::create_function_access_key`] made, newest first, and
    /// hands back the error that stopped it. A failed deletion cannot be helped here.
    async fn undo(&self, made: &[(&str, &String)], error: Error) -> Error {
        for (collection, id) in made {
            let _ = self.remove(collection, id).await;
        }
        error
    }

    /// DELETE of an IAM object (answered by 204 without a body).
    async fn remove(&self, collection: &str, id: &str) -> Result<(), Error> {
        let url = self.iam_url(collection, Some(id), "");
        self.exchange(Method::Delete, &url, None, None).await?;
        Ok(())
    }

    /// Deletes an API key made by [`Client::create_function_access_key`], then the policies and
    /// the application it belonged to. The key goes first: access ends before anything else.
    pub async fn delete_function_access_key(&self, access_key: &str) -> Result<(), Error> {
        let access_key = validate::access_key(access_key, "accessKey")?;
        let url = self.iam_url("api-keys", Some(access_key), "");
        let subject = Subject {
            resource: "api_key",
            id: access_key,
        };
        let key = self.call(Method::Get, &url, None, Some(subject)).await?;
        let application_id = read(&key, |j| j.str("application_id"))
            .and_then(|id| validate::plain_uuid(&id, "applicationId").map(String::from))?;
        self.remove("api-keys", access_key).await?;
        let url = self.iam_url("applications", Some(&application_id), "");
        let application = self.call(Method::Get, &url, None, None).await?;
        let organization = read(&application, |j| j.str("organization_id"))?;
        let policies = self
            .every_page(
                "policies",
                |j| j.str("id"),
                |page| {
                    let (page, size) = (page.to_decimal(), ALL_PAGE_SIZE.to_decimal());
                    let q = query(&[
                        ("application_ids", Some(&application_id)),
                        ("organization_id", Some(&organization)),
                        ("page", Some(&page)),
                        ("page_size", Some(&size)),
                    ]);
                    self.iam_url("policies", None, &q)
                },
            )
            .await?;
        for policy in &policies {
            self.remove("policies", policy).await?;
        }
        self.remove("applications", &application_id).await
    }
}

/// Reads one object of a successful answer.
fn read<J, R>(j: &J, item: fn(&J) -> Option<R>) -> Result<R, Error> {
    item(j).ok_or_else(error::unexpected)
}

fn page_query(namespace_id: Option<&str>, page: u32) -> String {
    let (page, size) = (page.to_decimal(), ALL_PAGE_SIZE.to_decimal());
    query(&[
        ("namespace_id", namespace_id),
        ("page", Some(&page)),
        ("page_size", Some(&size)),
    ])
}

fn timed_out(timeout_ms: u32) -> Error {
    Error::Timeout(
        [
            "the request timed out after ",
            &timeout_ms.to_decimal(),
            " ms",
        ]
        .concat(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::block_on;
    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;

    const ID: &str = "11111111-1111-1111-1111-111111111111";
    const KEY: &str = "22222222-2222-2222-2222-222222222222";

    /// A transport that answers from a script and records what was sent; its clock moves only when it sleeps.
    #[derive(Default)]
    struct Script {
        replies: RefCell<VecDeque<Result<Reply<String>, Error>>>,
        sent: RefCell<Vec<(Method, String, Option<String>)>>,
        slept: RefCell<Vec<u32>>,
        now: Cell<f64>,
    }

    impl Script {
        fn answer(self, status: u16, body: &str) -> Self {
            self.replies.borrow_mut().push_back(Ok(Reply {
                status,
                retry_after: None,
                body: body.into(),
            }));
            self
        }
        fn answer_after(self, status: u16, retry_after: &str) -> Self {
            self.replies.borrow_mut().push_back(Ok(Reply {
                status,
                retry_after: Some(retry_after.into()),
                body: String::new(),
            }));
            self
        }
        fn fail(self) -> Self {
            self.replies
                .borrow_mut()
                .push_back(Err(Error::Network("connection reset".into())));
            self
        }
    }

    impl Transport for Script {
        type Body = String;
        type Json = serde_json::Value;
        async fn send(
            &self,
            method: Method,
            url: &str,
            body: Option<&str>,
            secret_key: &str,
            _: u32,
        ) -> Result<Reply<String>, Error> {
            assert_eq!(secret_key, KEY);
            self.sent
                .borrow_mut()
                .push((method, url.into(), body.map(String::from)));
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
        async fn sleep(&self, ms: u32) {
            self.slept.borrow_mut().push(ms);
            self.now.set(self.now.get() + f64::from(ms));
        }
        fn now_ms(&self) -> f64 {
            self.now.get()
        }
        fn random(&self) -> f64 {
            0.5
        }
    }

    fn client(script: Script) -> Client<Script> {
        let config = Config {
            secret_key: KEY.into(),
            region: "fr-par",
            api_url: "https://api.scaleway.com".into(),
            timeout_ms: 30_000,
            retries: 2,
        };
        Client::new(config, script)
    }

    fn token(status: &str) -> String {
        [
            "{\"id\":\"",
            ID,
            "\",\"status\":\"",
            status,
            "\",\"function_id\":\"",
            ID,
            "\",\"token\":\"<hidden>\"}",
        ]
        .concat()
    }

    fn urls(c: &Client<Script>) -> Vec<String> {
        c.transport
            .sent
            .borrow()
            .iter()
            .map(|s| s.1.clone())
            .collect()
    }

    #[test]
    fn a_regional_id_sends_the_request_to_its_own_region() {
        let c = client(Script::default().answer(200, &token("ready")));
        let (t, region) = block_on(c.get_token(&["nl-ams/", ID].concat())).unwrap();
        assert_eq!((t.id.as_str(), region), (ID, "nl-ams"));
        assert_eq!(
            urls(&c),
            [[
                "https://api.scaleway.com/functions/v1beta1/regions/nl-ams/tokens/",
                ID
            ]
            .concat()]
        );
    }

    #[test]
    fn creating_a_token_posts_its_scope_and_expiry_once() {
        let c = client(Script::default().answer(200, &token("creating")));
        block_on(c.create_token(Scope::Namespace(ID), None, Some("2027-01-31T12:00:00Z"))).unwrap();
        let sent = c.transport.sent.borrow();
        assert_eq!(sent[0].0, Method::Post);
        assert_eq!(
            sent[0].2.as_deref(),
            Some(
                [
                    "{\"namespace_id\":\"",
                    ID,
                    "\",\"expires_at\":\"2027-01-31T12:00:00Z\"}"
                ]
                .concat()
                .as_str()
            )
        );
    }

    #[test]
    fn a_create_that_may_have_landed_is_never_repeated() {
        let c = client(Script::default().fail());
        assert!(matches!(
            block_on(c.create_token(Scope::Function(ID), None, None)),
            Err(Error::Network(_))
        ));
        let c = client(Script::default().answer(503, "busy"));
        assert!(block_on(c.create_token(Scope::Function(ID), None, None)).is_err());
        assert_eq!(c.transport.sent.borrow().len(), 1);
    }

    #[test]
    fn reads_are_retried_after_network_failures_and_busy_answers() {
        let c = client(
            Script::default()
                .fail()
                .answer(502, "<html>")
                .answer(200, &token("ready")),
        );
        assert!(block_on(c.get_token(ID)).is_ok());
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
        let Err(Error::Api(e)) = block_on(c.delete_token(ID)) else {
            panic!()
        };
        assert_eq!((e.status, e.message.as_str()), (503, "HTTP 503: down"));
        assert_eq!(c.transport.sent.borrow().len(), 3);
    }

    #[test]
    fn client_errors_are_not_retried() {
        let c = client(Script::default().answer(404, r#"{"message":"Token was not found"}"#));
        let Err(Error::Api(e)) = block_on(c.get_token(ID)) else {
            panic!()
        };
        assert_eq!(
            e.message,
            ["resource token with ID ", ID, " is not found"].concat()
        );
        assert_eq!(c.transport.sent.borrow().len(), 1);
    }

    #[test]
    fn retry_after_is_honoured_in_seconds_and_as_a_date_within_a_cap() {
        let c = client(
            Script::default()
                .answer_after(429, "3")
                .answer(200, &token("ready")),
        );
        block_on(c.get_token(ID)).unwrap();
        assert_eq!(*c.transport.slept.borrow(), [3000]);
        assert_eq!(
            retry_delay(
                Method::Get,
                Some(429),
                Some("Sun, 06 Nov 1994 08:49:37 GMT"),
                0,
                2,
                784_111_772_000.0,
                0.0
            ),
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
        c.config.timeout_ms = 5_000;
        let Err(Error::Api(e)) = block_on(c.get_token(ID)) else {
            panic!()
        };
        assert_eq!(e.status, 429);
        assert!(c.transport.slept.borrow().is_empty());
    }

    #[test]
    fn list_tokens_asks_for_exactly_the_filters_given() {
        let c = client(Script::default().answer(200, r#"{"tokens":[],"total_count":0}"#));
        let filter = TokenFilter {
            namespace_id: Some(ID.into()),
            order_by: Some("created_at_desc".into()),
            page: Some(2),
            page_size: Some(10),
            ..Default::default()
        };
        block_on(c.list_tokens(&filter, Page::of_tokens)).unwrap();
        assert_eq!(
            urls(&c),
            [[
                "https://api.scaleway.com/functions/v1beta1/regions/fr-par/tokens?namespace_id=",
                ID,
                "&order_by=created_at_desc&page=2&page_size=10"
            ]
            .concat()]
        );
        assert!(block_on(c.list_tokens(
            &TokenFilter {
                order_by: Some("name".into()),
                ..Default::default()
            },
            Page::of_tokens
        ))
        .is_err());
    }

    #[test]
    fn list_all_tokens_follows_every_page() {
        let page = |n: usize| {
            [
                "{\"total_count\":3,\"tokens\":[",
                &vec![token("ready"); n].join(","),
                "]}",
            ]
            .concat()
        };
        let c = client(
            Script::default()
                .answer(200, &page(2))
                .answer(200, &page(1)),
        );
        assert_eq!(
            block_on(c.list_all_tokens(&TokenFilter::default(), Token::from_json))
                .unwrap()
                .len(),
            3
        );
        assert!(urls(&c)[1].ends_with("tokens?page=2&page_size=100"));
    }

    #[test]
    fn listing_stops_at_an_empty_page_even_if_the_count_lies() {
        let c = client(Script::default().answer(200, r#"{"total_count":9,"functions":[]}"#));
        assert!(block_on(c.list_functions(Some(ID))).unwrap().is_empty());
        assert!(urls(&c)[0]
            .ends_with(&["functions?namespace_id=", ID, "&page=1&page_size=100"].concat()));
    }

    #[test]
    fn waiting_polls_with_growing_pauses_until_the_token_is_ready() {
        let c = client(
            Script::default()
                .answer(200, &token("creating"))
                .answer(200, &token("creating"))
                .answer(200, &token("ready")),
        );
        let (t, _) = block_on(c.wait_for_token(ID, 10_000, 200)).unwrap();
        assert_eq!(t.status, "ready");
        assert_eq!(*c.transport.slept.borrow(), [200, 300]);
    }

    #[test]
    fn waiting_stops_at_its_timeout_with_a_timeout_error() {
        let c = client(
            Script::default()
                .answer(200, &token("deleting"))
                .answer(200, &token("deleting")),
        );
        let err = block_on(c.wait_for_token(ID, 100, 200)).unwrap_err();
        assert_eq!(
            err,
            Error::Timeout(["token ", ID, " is still deleting after 100 ms"].concat())
        );
    }

    #[test]
    fn an_unreadable_success_is_an_error_not_a_crash() {
        let c = client(Script::default().answer(200, "<html>"));
        assert!(matches!(block_on(c.get_namespace(ID)), Err(Error::Api(_))));
    }
    const ORG: &str = "33333333-3333-3333-3333-333333333333";
    const APP: &str = "44444444-4444-4444-4444-444444444444";
    const POLICY: &str = "55555555-5555-5555-5555-555555555555";
    const ACCESS: &str = "SCW0123456789ABCDEFG";

    fn sent(c: &Client<Script>) -> Vec<String> {
        (c.transport.sent.borrow().iter())
            .map(|(m, url, _)| {
                [
                    m.as_str(),
                    " ",
                    url.trim_start_matches("https://api.scaleway.com"),
                ]
                .concat()
            })
            .collect()
    }

    #[test]
    fn a_function_access_key_is_an_application_a_policy_and_a_key() {
        let key = [
            "{\"access_key\":\"",
            ACCESS,
            "\",\"secret_key\":\"",
            KEY,
            "\",\"expires_at\":null}",
        ]
        .concat();
        let c = client(
            Script::default()
                .answer(
                    200,
                    &[
                        "{\"namespaces\":[{\"id\":\"n\",\"organization_id\":\"",
                        ORG,
                        "\"}]}",
                    ]
                    .concat(),
                )
                .answer(200, &["{\"id\":\"", APP, "\"}"].concat())
                .answer(200, &["{\"id\":\"", POLICY, "\"}"].concat())
                .answer(200, &key),
        );
        let made = block_on(c.create_function_access_key(ID, None, Some("ci"), None)).unwrap();
        assert_eq!(
            (
                made.access_key.as_str(),
                made.secret_key.as_str(),
                made.application_id.as_str(),
                made.policy_id.as_str()
            ),
            (ACCESS, KEY, APP, POLICY)
        );
        let bodies: Vec<serde_json::Value> = (c.transport.sent.borrow().iter())
            .filter_map(|(_, _, b)| b.as_deref().map(|b| serde_json::from_str(b).unwrap()))
            .collect();
        assert_eq!(bodies[0]["organization_id"], ORG);
        assert_eq!(
            bodies[1]["rules"],
            serde_json::json!([{ "permission_set_names": ["FunctionsPrivateAccess"], "project_ids": [ID] }])
        );
        assert_eq!(bodies[2]["default_project_id"], ID);
        assert_eq!(
            sent(&c)[0],
            [
                "GET /functions/v1beta1/regions/fr-par/namespaces?project_id=",
                ID,
                "&page_size=1"
            ]
            .concat()
        );
    }

    #[test]
    fn a_failed_step_deletes_what_the_earlier_steps_made() {
        let c = client(
            Script::default()
                .answer(200, &["{\"id\":\"", APP, "\"}"].concat())
                .answer(200, &["{\"id\":\"", POLICY, "\"}"].concat())
                .answer(403, r#"{"type":"quotas_exceeded","details":[]}"#)
                .answer(204, "")
                .answer(204, ""),
        );
        let err = block_on(c.create_function_access_key(ID, Some(ORG), None, None)).unwrap_err();
        let Error::Api(e) = err else { panic!() };
        assert_eq!(e.type_name, "quotas_exceeded");
        assert_eq!(
            sent(&c)[3..],
            [
                ["DELETE /iam/v1alpha1/policies/", POLICY].concat(),
                ["DELETE /iam/v1alpha1/applications/", APP].concat()
            ]
        );
    }

    #[test]
    fn a_project_without_namespace_needs_an_organization_id() {
        let c = client(Script::default().answer(200, r#"{"namespaces":[],"total_count":0}"#));
        let err = block_on(c.create_function_access_key(ID, None, None, None)).unwrap_err();
        assert!(matches!(
            err,
            Error::Validation {
                field: "organizationId",
                ..
            }
        ));
        assert!(matches!(
            block_on(c.create_function_access_key("fr-par/x", None, None, None)),
            Err(Error::Validation {
                field: "projectId",
                ..
            })
        ));
    }

    #[test]
    fn deleting_a_function_access_key_removes_key_policies_and_application() {
        let c = client(
            Script::default()
                .answer(
                    200,
                    &[
                        "{\"access_key\":\"",
                        ACCESS,
                        "\",\"application_id\":\"",
                        APP,
                        "\"}",
                    ]
                    .concat(),
                )
                .answer(204, "")
                .answer(
                    200,
                    &["{\"id\":\"", APP, "\",\"organization_id\":\"", ORG, "\"}"].concat(),
                )
                .answer(
                    200,
                    &[
                        "{\"policies\":[{\"id\":\"",
                        POLICY,
                        "\"}],\"total_count\":1}",
                    ]
                    .concat(),
                )
                .answer(204, "")
                .answer(204, ""),
        );
        block_on(c.delete_function_access_key(ACCESS)).unwrap();
        let calls = sent(&c);
        assert_eq!(
            calls[1],
            ["DELETE /iam/v1alpha1/api-keys/", ACCESS].concat()
        );
        assert!(calls[3].contains(&["application_ids=", APP].concat()));
        assert_eq!(
            calls[4],
            ["DELETE /iam/v1alpha1/policies/", POLICY].concat()
        );
        assert_eq!(
            calls[5],
            ["DELETE /iam/v1alpha1/applications/", APP].concat()
        );
        assert!(matches!(
            block_on(c.delete_function_access_key("SCWshort")),
            Err(Error::Validation {
                field: "accessKey",
                ..
            })
        ));
    }
}
