//! The Functions API: tokens, namespaces and functions, paging and waiting.
//!
//! Answers are handed back as the API sent them (with the region they came from); their JS
//! shapes are made by js/shape.js.

use crate::client::{Client, Method, Request, Transport};
use crate::error::{Error, Subject};
use crate::url::Url;
use crate::validate::{self, Scope};
use crate::wire::{self, Body, CreateToken};

/// Page size used when following every page.
pub const ALL_PAGE_SIZE: u32 = 100;
/// [`ALL_PAGE_SIZE`] in a query.
pub const ALL_PAGE_SIZE_TEXT: &str = "100";
/// Safety stop for a server whose `total_count` never stops growing.
const MAX_PAGES: u32 = 1_000;
/// Longest pause between two polls of `waitForToken`.
const MAX_POLL_MS: f64 = 5_000.0;

/// Filters and paging of ListTokens (ids unchecked yet).
#[derive(Debug, Default)]
pub struct TokenFilter {
    pub function_id: Option<String>,
    pub namespace_id: Option<String>,
    pub order_by: Option<String>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

/// An object of the API and the region it was read in.
pub type Located<J> = (J, &'static str);

impl<T: Transport> Client<'_, T> {
    /// CreateToken; `expires_at` is an already checked RFC 3339 string.
    pub async fn create_token(
        &self,
        scope: Scope<'_>,
        description: Option<&str>,
        expires_at: Option<&str>,
    ) -> Result<T::Json, Error> {
        let (function_id, namespace_id) = match scope {
            Scope::Function(f) => (Some(f), None),
            Scope::Namespace(n) => (None, Some(n)),
        };
        let body = Body::Token(CreateToken {
            function_id,
            namespace_id,
            description,
            expires_at,
        });
        let url = self.functions_url(self.region(), "tokens").build();
        let request = Request {
            method: Method::Post,
            url: &url,
            body: Some(&body),
        };
        self.call(request, None).await
    }

    /// GET or DELETE of one object by UUID or regional id.
    async fn one(
        &self,
        method: Method,
        collection: &'static str,
        resource: &'static str,
        id: &str,
    ) -> Result<Located<T::Json>, Error> {
        let (region, uuid) = validate::resource_id(id, "id")?;
        let region = region.unwrap_or(self.region());
        let url = self
            .functions_url(region, collection)
            .segment(uuid)?
            .build();
        let request = Request {
            method,
            url: &url,
            body: None,
        };
        let subject = Subject { resource, id: uuid };
        Ok((self.call(request, Some(subject)).await?, region))
    }

    /// GetToken.
    pub async fn get_token(&self, id: &str) -> Result<Located<T::Json>, Error> {
        self.one(Method::Get, "tokens", "token", id).await
    }

    /// DeleteToken.
    pub async fn delete_token(&self, id: &str) -> Result<Located<T::Json>, Error> {
        self.one(Method::Delete, "tokens", "token", id).await
    }

    /// GetNamespace.
    pub async fn get_namespace(&self, id: &str) -> Result<Located<T::Json>, Error> {
        self.one(Method::Get, "namespaces", "namespace", id).await
    }

    /// GetFunction.
    pub async fn get_function(&self, id: &str) -> Result<Located<T::Json>, Error> {
        self.one(Method::Get, "functions", "function", id).await
    }

    /// The ListTokens URL of `filter`, checked; `page` and `page_size` override the filter's.
    fn token_list_url<'f>(
        &self,
        filter: &'f TokenFilter,
        page: Option<u32>,
        page_size: Option<u32>,
    ) -> Result<Url, Error> {
        let region = self.region();
        let id = |v: &'f Option<String>, field| {
            v.as_deref()
                .map(|v| validate::uuid(v, field, region))
                .transpose()
        };
        let order_by = filter
            .order_by
            .as_deref()
            .map(validate::order_by)
            .transpose()?;
        let page = page.or(filter.page).map(|n| n.to_string());
        let page_size = page_size.or(filter.page_size).map(|n| n.to_string());
        Ok(self
            .functions_url(region, "tokens")
            .query("function_id", id(&filter.function_id, "functionId")?)
            .query("namespace_id", id(&filter.namespace_id, "namespaceId")?)
            .query("order_by", order_by)
            .query("page", page.as_deref())
            .query("page_size", page_size.as_deref()))
    }

    /// ListTokens, one page: `{ tokens, total_count }` as the API sent it.
    pub async fn list_tokens(&self, filter: &TokenFilter) -> Result<T::Json, Error> {
        let url = self.token_list_url(filter, None, None)?.build();
        self.call(get(&url), None).await
    }

    /// ListTokens, every page.
    pub async fn list_all_tokens(&self, filter: &TokenFilter) -> Result<Vec<T::Json>, Error> {
        self.every_page("tokens", &|page| {
            self.token_list_url(filter, Some(page), Some(ALL_PAGE_SIZE))
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
            .map(|n| validate::uuid(n, "namespaceId", self.region()))
            .transpose()?;
        self.every_object("functions", namespace_id).await
    }

    /// Every object of a collection of the client's region, optionally of one namespace.
    async fn every_object(
        &self,
        collection: &'static str,
        namespace_id: Option<&str>,
    ) -> Result<Vec<T::Json>, Error> {
        self.every_page(collection, &|page| {
            Ok(self
                .functions_url(self.region(), collection)
                .query("namespace_id", namespace_id)
                .query("page", Some(&page.to_string()))
                .query("page_size", Some(ALL_PAGE_SIZE_TEXT)))
        })
        .await
    }

    /// Follows pages 1, 2, ... until `total_count` objects or an empty page came back.
    pub(crate) async fn every_page(
        &self,
        key: &str,
        url_of: &dyn Fn(u32) -> Result<Url, Error>,
    ) -> Result<Vec<T::Json>, Error> {
        let mut items = Vec::new();
        for page in 1..=MAX_PAGES {
            let url = url_of(page)?.build();
            let (more, total) = wire::page(&self.call(get(&url), None).await?, key);
            let last = more.is_empty();
            items.extend(more);
            if last || items.len() >= total as usize {
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
    ) -> Result<Located<T::Json>, Error> {
        let t = &self.transport;
        let deadline = t.now_ms() + f64::from(timeout_ms);
        let mut pause = f64::from(interval_ms.max(1));
        loop {
            let (token, region) = self.get_token(id).await?;
            let left = deadline - t.now_ms();
            if !wire::is_transient(&token) {
                return Ok((token, region));
            }
            if left <= 0.0 {
                let status = wire::Json::str(&token, "status").unwrap_or_default();
                return Err(Error::Timeout(format!(
                    "token {id} is still {status} after {timeout_ms} ms"
                )));
            }
            t.sleep(pause.min(left) as u32).await?;
            pause = (pause * 1.5).min(MAX_POLL_MS);
        }
    }
}

/// A GET of `url`.
pub(crate) fn get(url: &str) -> Request<'_> {
    Request {
        method: Method::Get,
        url,
        body: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{bodies, client, sent, Script, ID};
    use pollster::block_on;
    use serde_json::json;

    fn token(status: &str) -> String {
        json!({ "id": ID, "status": status, "function_id": ID, "token": "<hidden>" }).to_string()
    }

    #[test]
    fn a_regional_id_sends_the_request_to_its_own_region() {
        let c = client(Script::default().answer(200, &token("ready")));
        let (t, region) = block_on(c.get_token(&format!("nl-ams/{ID}"))).unwrap();
        assert_eq!((t["id"].as_str(), region), (Some(ID), "nl-ams"));
        assert_eq!(
            sent(&c),
            [format!("GET /functions/v1beta1/regions/nl-ams/tokens/{ID}")]
        );
    }

    #[test]
    fn creating_a_token_posts_its_scope_and_expiry_once() {
        let c = client(Script::default().answer(200, &token("creating")));
        block_on(c.create_token(Scope::Namespace(ID), None, Some("2027-01-31T12:00:00Z"))).unwrap();
        assert_eq!(sent(&c), ["POST /functions/v1beta1/regions/fr-par/tokens"]);
        assert_eq!(
            bodies(&c),
            [json!({ "namespace_id": ID, "expires_at": "2027-01-31T12:00:00Z" })]
        );
    }

    #[test]
    fn a_create_that_may_have_landed_is_never_repeated() {
        let c = client(Script::default().answer(503, "busy"));
        assert!(block_on(c.create_token(Scope::Function(ID), None, None)).is_err());
        assert_eq!(c.transport.sent.borrow().len(), 1);
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
        block_on(c.list_tokens(&filter)).unwrap();
        assert_eq!(
            sent(&c),
            [format!("GET /functions/v1beta1/regions/fr-par/tokens?namespace_id={ID}&order_by=created_at_desc&page=2&page_size=10")]
        );
        let bad_order = TokenFilter {
            order_by: Some("name".into()),
            ..Default::default()
        };
        assert!(block_on(c.list_tokens(&bad_order)).is_err());
        assert!(block_on(c.list_all_tokens(&bad_order)).is_err());
        assert_eq!(c.transport.sent.borrow().len(), 1);
    }

    #[test]
    fn list_all_tokens_follows_every_page() {
        let page = |n: usize| {
            let tokens: Vec<serde_json::Value> = (0..n)
                .map(|_| serde_json::from_str(&token("ready")).unwrap())
                .collect();
            json!({ "total_count": 3, "tokens": tokens }).to_string()
        };
        let c = client(
            Script::default()
                .answer(200, &page(2))
                .answer(200, &page(1)),
        );
        let filter = TokenFilter {
            page: Some(7),
            ..Default::default()
        };
        assert_eq!(block_on(c.list_all_tokens(&filter)).unwrap().len(), 3);
        assert!(sent(&c)[1].ends_with("tokens?page=2&page_size=100"));
    }

    #[test]
    fn listing_stops_at_an_empty_page_even_if_the_count_lies() {
        let c = client(Script::default().answer(200, r#"{"total_count":9,"functions":[]}"#));
        assert!(block_on(c.list_functions(Some(ID))).unwrap().is_empty());
        assert!(sent(&c)[0].ends_with(&format!("functions?namespace_id={ID}&page=1&page_size=100")));
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
        assert_eq!(t["status"], "ready");
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
            Error::Timeout(format!("token {ID} is still deleting after 100 ms"))
        );
    }

    #[test]
    fn an_unreadable_success_is_an_error_not_a_crash() {
        let c = client(Script::default().answer(200, "<html>"));
        assert!(matches!(block_on(c.get_namespace(ID)), Err(Error::Api(_))));
    }
}
