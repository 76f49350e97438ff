//! Scaleway Serverless Functions tokens from WebAssembly.
//!
//! The modules hold plain Rust, tested natively; this file holds only the JS surface
//! (`FunctionsClient`, `PrivateFunction`, `decodeToken`) and the JS <-> Rust conversions.
//! Besides the legacy function tokens, `FunctionsClient` makes IAM API keys for private
//! functions, Scaleway's current way.

#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

/// What the std prelude would give; the shipped wasm is `no_std` so that std's panic and
/// formatting machinery stays out of it.
mod prelude {
    pub use alloc::boxed::Box;
    pub use alloc::string::String;
    pub use alloc::vec::Vec;
}

pub mod api;
pub mod client;
pub mod error;
pub mod heap;
#[cfg(target_arch = "wasm32")]
pub mod http;
pub mod invoke;
#[cfg(target_arch = "wasm32")]
pub mod task;
pub mod token;
pub mod validate;

#[cfg(test)]
mod testing;

/// A panic must never happen (see the tests); if one did, trap instead of formatting a message.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// The allocator of the `no_std` wasm: small, and it reuses what is freed (see heap.rs).
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[global_allocator]
static ALLOCATOR: heap::Heap<heap::WasmMemory> = heap::Heap::new(heap::WasmMemory);

#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub use surface::FunctionsClient;
#[cfg(target_arch = "wasm32")]
pub use surface::{decode_token, PrivateFunction};

#[cfg(target_arch = "wasm32")]
#[cfg_attr(not(feature = "client"), allow(dead_code, unused_imports))]
mod surface {
    use crate::api::{self, Json, Token};
    use crate::client::{Client, Config, TokenFilter};
    use crate::error::Error;
    use crate::http::{get, parse_object, JsGateway, JsTransport};
    use crate::invoke::Invoker;
    use crate::prelude::*;
    use crate::{token, validate};
    use alloc::rc::Rc;
    use core::future::Future;
    use core::pin::Pin;
    use js_sys::{Array, Date, JsString, Object, Promise, Reflect};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    const DEFAULT_TIMEOUT_MS: u32 = 30_000;
    const DEFAULT_RETRIES: u32 = 2;
    const DEFAULT_WAIT_MS: u32 = 60_000;
    const DEFAULT_POLL_MS: u32 = 500;

    #[wasm_bindgen(module = "/js/errors.js")]
    extern "C" {
        #[wasm_bindgen(js_name = makeError)]
        fn make_error(class: &str, message: &str, fields: &Object) -> JsValue;
    }

    #[wasm_bindgen(module = "/js/host.js")]
    extern "C" {
        #[wasm_bindgen(js_name = tokens)]
        fn tokens_js(list: &Array, region: &str) -> JsValue;
        #[wasm_bindgen(js_name = page)]
        fn page_js(page: &JsValue, region: &str) -> JsValue;
    }

    /// Made in one JS call: an error when undefined (a listed object is not a token).
    fn made(value: JsValue) -> Result<JsValue, Error> {
        Some(value)
            .filter(|v| !v.is_undefined())
            .ok_or_else(crate::error::unexpected)
    }

    fn set(target: &Object, key: &str, value: impl Into<JsValue>) {
        set_value(target, key, value.into());
    }

    /// Not inlined: it is called from every conversion, once is enough in the wasm.
    #[inline(never)]
    fn set_value(target: &Object, key: &str, value: JsValue) {
        // Defining a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(target, &JsValue::from_str(key), &value);
    }

    #[inline(never)]
    fn set_opt(target: &Object, key: &str, value: Option<&str>) {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            set(target, key, v);
        }
    }

    fn set_date(target: &Object, key: &str, rfc3339: Option<&str>) {
        if let Some(s) = rfc3339.filter(|s| !s.is_empty()) {
            set(target, key, Date::new(&JsValue::from_str(s)));
        }
    }

    /// The one place where a Rust error becomes a JS `ScwError` subclass.
    fn to_js(error: Error) -> JsValue {
        let fields = Object::new();
        let class = match &error {
            Error::Validation { field, .. } => {
                set(&fields, "type", "validation_error");
                set(&fields, "field", *field);
                "ValidationError"
            }
            Error::Api(e) => {
                let b = &e.body;
                set(&fields, "status", e.status);
                set(&fields, "type", e.type_name.as_str());
                set_opt(&fields, "resource", b.resource.as_deref());
                set_opt(&fields, "resourceId", b.resource_id.as_deref());
                set_opt(&fields, "method", b.method.as_deref());
                set_opt(&fields, "reason", b.reason.as_deref());
                set_opt(&fields, "currentState", b.current_state.as_deref());
                set_opt(&fields, "helpMessage", b.help_message.as_deref());
                set_opt(&fields, "precondition", b.precondition.as_deref());
                if let Some(limit) = b.limit {
                    set(&fields, "limit", limit);
                }
                if !b.details.is_empty() {
                    let details: Array = b
                        .details
                        .iter()
                        .map(|d| {
                            let o = Object::new();
                            set_opt(&o, "argumentName", d.argument_name.as_deref());
                            set_opt(&o, "reason", d.reason.as_deref());
                            set_opt(&o, "helpMessage", d.help_message.as_deref());
                            set_opt(&o, "resource", d.resource.as_deref());
                            set_opt(&o, "action", d.action.as_deref());
                            if let Some(q) = d.quota {
                                set(&o, "quota", q);
                            }
                            if let Some(c) = d.current {
                                set(&o, "current", c);
                            }
                            JsValue::from(o)
                        })
                        .collect();
                    set(&fields, "details", details);
                }
                if !b.fields.is_empty() {
                    let o = Object::new();
                    for (name, messages) in &b.fields {
                        set(
                            &o,
                            name,
                            messages
                                .iter()
                                .map(|m| JsValue::from_str(m))
                                .collect::<Array>(),
                        );
                    }
                    set(&fields, "fields", o);
                }
                e.kind.class()
            }
            Error::Network(_) => {
                set(&fields, "type", "network_error");
                "NetworkError"
            }
            Error::Timeout(_) => {
                set(&fields, "type", "timeout");
                "TimeoutError"
            }
            Error::Aborted => {
                set(&fields, "type", "aborted");
                "AbortError"
            }
        };
        make_error(class, &error.message(), &fields)
    }

    fn invalid(field: &'static str, reason: &'static str) -> Error {
        Error::Validation { field, reason }
    }

    /// A string no longer than [`validate::MAX_LEN`] (checked before it is copied into wasm).
    fn string(value: &JsValue, field: &'static str) -> Result<String, Error> {
        match value.dyn_ref::<JsString>() {
            Some(s) if s.length() as usize <= validate::MAX_LEN => Ok(String::from(s)),
            Some(_) => Err(invalid(field, "is too long")),
            None => Err(invalid(field, "must be a string")),
        }
    }

    fn absent(value: &JsValue) -> bool {
        value.is_undefined() || value.is_null()
    }

    fn opt_string(options: &JsValue, key: &'static str) -> Result<Option<String>, Error> {
        let value = get(options, key);
        if absent(&value) {
            Ok(None)
        } else {
            string(&value, key).map(Some)
        }
    }

    fn opt_whole(
        options: &JsValue,
        key: &'static str,
        min: u32,
        max: u32,
    ) -> Result<Option<u32>, Error> {
        let value = get(options, key);
        if absent(&value) {
            return Ok(None);
        }
        let n = value.as_f64().ok_or(invalid(key, "must be a number"))?;
        validate::whole(n, min, max, key).map(Some)
    }

    /// An options object, or an empty one when absent.
    fn options(value: JsValue) -> Result<JsValue, Error> {
        match value {
            v if absent(&v) => Ok(Object::new().into()),
            v if v.is_object() && !v.is_function() => Ok(v),
            _ => Err(invalid("options", "must be an object")),
        }
    }

    /// `expiresAt` as a Date or an RFC 3339 string in the future; returns the string to send.
    fn expires_at(options: &JsValue) -> Result<Option<String>, Error> {
        let value = get(options, "expiresAt");
        let now = Date::now();
        if absent(&value) {
            return Ok(None);
        }
        if let Some(date) = value.dyn_ref::<Date>() {
            validate::future_ms(Some(date.get_time()), now)?;
            return Ok(Some(date.to_iso_string().into()));
        }
        let text = string(&value, "expiresAt")?;
        validate::future_ms(validate::rfc3339_ms(&text), now)?;
        Ok(Some(text))
    }

    fn token_js(t: &Token, region: &str) -> JsValue {
        let o = Object::new();
        set(&o, "id", t.id.as_str());
        set(&o, "regionalId", [region, "/", &t.id].concat());
        set(&o, "region", region);
        set_opt(&o, "token", t.secret());
        set_opt(&o, "functionId", t.function_id.as_deref());
        set_opt(&o, "namespaceId", t.namespace_id.as_deref());
        set(&o, "status", t.status.as_str());
        set_opt(&o, "description", t.description());
        set_date(&o, "expiresAt", t.expires_at.as_deref());
        o.into()
    }

    /// A namespace or function as the API sent it, with camelCase keys, `*_at` timestamps as
    /// Dates and nulls left out (nested values, such as environment variables, are left as they are).
    fn object_js(j: &JsValue) -> JsValue {
        let o = Object::new();
        for (key, value) in j.entries().into_iter().filter(|(_, v)| !v.is_null()) {
            let value = match value.as_string() {
                Some(text) if key.ends_with("_at") && !text.is_empty() => Date::new(&value).into(),
                _ => value,
            };
            set(&o, &api::camel_case(&key), value);
        }
        o.into()
    }

    fn array<T>(items: &[T], convert: impl Fn(&T) -> JsValue) -> JsValue {
        items.iter().map(convert).collect::<Array>().into()
    }

    /// Runs a call as a Promise that rejects with a `ScwError` subclass. Takes a boxed future
    /// so that the operation machinery (task.rs) and the error conversion exist once in the wasm.
    fn promise(call: Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>) -> Promise {
        crate::task::start(call, to_js)
    }

    /// The filters of listTokens / listAllTokens (page and pageSize only for one page).
    fn token_filter(options: &JsValue, paged: bool) -> Result<TokenFilter, Error> {
        let (page, page_size) = if paged {
            (
                opt_whole(options, "page", 1, 1_000_000)?,
                opt_whole(options, "pageSize", 1, 100)?,
            )
        } else {
            (None, None)
        };
        Ok(TokenFilter {
            function_id: opt_string(options, "functionId")?,
            namespace_id: opt_string(options, "namespaceId")?,
            order_by: opt_string(options, "orderBy")?,
            page,
            page_size,
        })
    }

    /// Manages Serverless Functions tokens with a secret key (keep it in a server or an edge worker).
    #[cfg(feature = "client")]
    #[wasm_bindgen]
    pub struct FunctionsClient {
        inner: Rc<Client<JsTransport>>,
    }

    #[cfg(feature = "client")]
    #[wasm_bindgen]
    impl FunctionsClient {
        /// `new FunctionsClient({ secretKey, region?, apiUrl?, timeoutMs?, retries? })`; throws a ValidationError.
        #[wasm_bindgen(constructor)]
        pub fn new(options: JsValue) -> Result<FunctionsClient, JsValue> {
            Self::build(options).map_err(to_js)
        }

        fn build(value: JsValue) -> Result<FunctionsClient, Error> {
            let o = options(value)?;
            let secret_key =
                opt_string(&o, "secretKey")?.ok_or(invalid("secretKey", "is required"))?;
            validate::secret_key(&secret_key, "secretKey")?;
            let region = match opt_string(&o, "region")? {
                Some(r) => validate::region(&r, "region")?,
                None => "fr-par",
            };
            let api_url = validate::base_url(
                opt_string(&o, "apiUrl")?
                    .as_deref()
                    .unwrap_or("https://api.scaleway.com"),
                "apiUrl",
            )?;
            let timeout_ms = opt_whole(&o, "timeoutMs", 1, 600_000)?.unwrap_or(DEFAULT_TIMEOUT_MS);
            let retries = opt_whole(&o, "retries", 0, 10)?.unwrap_or(DEFAULT_RETRIES);
            let config = Config {
                secret_key,
                region,
                api_url,
                timeout_ms,
                retries,
            };
            Ok(FunctionsClient {
                inner: Rc::new(Client::new(config, JsTransport)),
            })
        }

        /// Creates a token for one function or a whole namespace; the answer holds its secret, once.
        #[wasm_bindgen(js_name = createToken)]
        pub fn create_token(&self, options_: JsValue) -> Promise {
            let c = self.inner.clone();
            promise(Box::pin(async move {
                let o = options(options_)?;
                let (function_id, namespace_id) = (
                    opt_string(&o, "functionId")?,
                    opt_string(&o, "namespaceId")?,
                );
                let scope =
                    validate::scope(function_id.as_deref(), namespace_id.as_deref(), c.region())?;
                let (description, expires) = (opt_string(&o, "description")?, expires_at(&o)?);
                let t = c
                    .create_token(scope, description.as_deref(), expires.as_deref())
                    .await?;
                Ok(token_js(&t, c.region()))
            }))
        }

        /// Reads a token by UUID or regional id.
        #[wasm_bindgen(js_name = getToken)]
        pub fn get_token(&self, id: JsValue) -> Promise {
            let c = self.inner.clone();
            promise(Box::pin(async move {
                let (t, region) = c.get_token(&string(&id, "id")?).await?;
                Ok(token_js(&t, region))
            }))
        }

        /// Deletes (revokes) a token by UUID or regional id.
        #[wasm_bindgen(js_name = deleteToken)]
        pub fn delete_token(&self, id: JsValue) -> Promise {
            let c = self.inner.clone();
            promise(Box::pin(async move {
                let (t, region) = c.delete_token(&string(&id, "id")?).await?;
                Ok(token_js(&t, region))
            }))
        }

        /// One page of tokens: `{ tokens, totalCount }`.
        #[wasm_bindgen(js_name = listTokens)]
        pub fn list_tokens(&self, options_: JsValue) -> Promise {
            let c = self.inner.clone();
            promise(Box::pin(async move {
                let p = c
                    .list_tokens(&token_filter(&options(options_)?, true)?, api::any)
                    .await?;
                made(page_js(&p, c.region()))
            }))
        }

        /// Every token, following every page.
        #[wasm_bindgen(js_name = listAllTokens)]
        pub fn list_all_tokens(&self, options_: JsValue) -> Promise {
            let c = self.inner.clone();
            promise(Box::pin(async move {
                let items = c
                    .list_all_tokens(&token_filter(&options(options_)?, false)?, api::any)
                    .await?;
                made(tokens_js(&items.into_iter().collect(), c.region()))
            }))
        }

        /// Polls a token until it is neither creating nor deleting; rejects with a TimeoutError after `timeoutMs`.
        #[wasm_bindgen(js_name = waitForToken)]
        pub fn wait_for_token(&self, id: JsValue, options_: JsValue) -> Promise {
            let c = self.inner.clone();
            promise(Box::pin(async move {
                let id = string(&id, "id")?;
                let o = options(options_)?;
                let timeout = opt_whole(&o, "timeoutMs", 1, 3_600_000)?.unwrap_or(DEFAULT_WAIT_MS);
                let interval = opt_whole(&o, "intervalMs", 1, 60_000)?.unwrap_or(DEFAULT_POLL_MS);
                let (t, region) = c.wait_for_token(&id, timeout, interval).await?;
                Ok(token_js(&t, region))
            }))
        }

        /// Makes an IAM application allowed to call the project's private functions and an API
        /// key of it: `{ accessKey, secretKey, applicationId, policyId, expiresAt? }`, secret shown once.
        #[wasm_bindgen(js_name = createFunctionAccessKey)]
        pub fn create_function_access_key(&self, options_: JsValue) -> Promise {
            let c = self.inner.clone();
            promise(Box::pin(async move {
                let o = options(options_)?;
                let project =
                    opt_string(&o, "projectId")?.ok_or(invalid("projectId", "is required"))?;
                let organization = opt_string(&o, "organizationId")?;
                let (description, expires) = (opt_string(&o, "description")?, expires_at(&o)?);
                let k = c
                    .create_function_access_key(
                        &project,
                        organization.as_deref(),
                        description.as_deref(),
                        expires.as_deref(),
                    )
                    .await?;
                let o = Object::new();
                set(&o, "accessKey", k.access_key.as_str());
                set(&o, "secretKey", k.secret_key.as_str());
                set(&o, "applicationId", k.application_id.as_str());
                set(&o, "policyId", k.policy_id.as_str());
                set_date(&o, "expiresAt", k.expires_at.as_deref());
                Ok(o.into())
            }))
        }

        /// Deletes an API key made by createFunctionAccessKey, with its policy and application.
        #[wasm_bindgen(js_name = deleteFunctionAccessKey)]
        pub fn delete_function_access_key(&self, access_key: JsValue) -> Promise {
            let c = self.inner.clone();
            promise(Box::pin(async move {
                let access_key = string(&access_key, "accessKey")?;
                c.delete_function_access_key(&access_key).await?;
                Ok(JsValue::UNDEFINED)
            }))
        }

        /// Every namespace of the region.
        #[wasm_bindgen(js_name = listNamespaces)]
        pub fn list_namespaces(&self) -> Promise {
            let c = self.inner.clone();
            promise(Box::pin(async move {
                Ok(array(&c.list_namespaces().await?, object_js))
            }))
        }

        /// One namespace by UUID or regional id.
        #[wasm_bindgen(js_name = getNamespace)]
        pub fn get_namespace(&self, id: JsValue) -> Promise {
            let c = self.inner.clone();
            promise(Box::pin(async move {
                Ok(object_js(&c.get_namespace(&string(&id, "id")?).await?.0))
            }))
        }

        /// Every function of the region, or of one namespace.
        #[wasm_bindgen(js_name = listFunctions)]
        pub fn list_functions(&self, options_: JsValue) -> Promise {
            let c = self.inner.clone();
            promise(Box::pin(async move {
                let namespace_id = opt_string(&options(options_)?, "namespaceId")?;
                Ok(array(
                    &c.list_functions(namespace_id.as_deref()).await?,
                    object_js,
                ))
            }))
        }

        /// One function by UUID or regional id.
        #[wasm_bindgen(js_name = getFunction)]
        pub fn get_function(&self, id: JsValue) -> Promise {
            let c = self.inner.clone();
            promise(Box::pin(async move {
                Ok(object_js(&c.get_function(&string(&id, "id")?).await?.0))
            }))
        }
    }

    /// Calls a private function with a token: `fetch(path, init)` answers the runtime's own Response.
    #[wasm_bindgen]
    pub struct PrivateFunction {
        inner: Rc<Invoker<JsGateway>>,
    }

    #[wasm_bindgen]
    impl PrivateFunction {
        /// `new PrivateFunction({ url, token })` or `({ url, tokenProvider })`; throws a ValidationError.
        #[wasm_bindgen(constructor)]
        pub fn new(options: JsValue) -> Result<PrivateFunction, JsValue> {
            Self::build(options).map_err(to_js)
        }

        fn build(value: JsValue) -> Result<PrivateFunction, Error> {
            let o = options(value)?;
            let url = opt_string(&o, "url")?.ok_or(invalid("url", "is required"))?;
            let fixed = opt_string(&o, "token")?;
            let provider = get(&o, "tokenProvider");
            let provider = match (&fixed, absent(&provider)) {
                (Some(_), false) => {
                    return Err(invalid("token", "and tokenProvider cannot both be given"))
                }
                (None, true) => return Err(invalid("token", "or tokenProvider is required")),
                (Some(_), true) => None,
                (None, false) => Some(
                    provider
                        .dyn_into()
                        .map_err(|_| invalid("tokenProvider", "must be a function"))?,
                ),
            };
            Ok(PrivateFunction {
                inner: Rc::new(Invoker::new(
                    &url,
                    fixed.as_deref(),
                    JsGateway::new(provider),
                )?),
            })
        }

        /// Sends a request to the function with `X-Auth-Token`; resolves with the runtime's Response, whatever its status.
        pub fn fetch(&self, path: JsValue, init: JsValue) -> Promise {
            let f = self.inner.clone();
            promise(Box::pin(async move {
                let path = if absent(&path) {
                    String::new()
                } else {
                    string(&path, "path")?
                };
                if !absent(&init) && !init.is_object() {
                    return Err(invalid("init", "must be an object"));
                }
                f.fetch(&path, &init).await
            }))
        }
    }

    /// Reads a function token's claims and expiry. It does NOT verify the signature: never
    /// trust the claims of a token that did not come from Scaleway or your own server.
    #[wasm_bindgen(js_name = decodeToken)]
    pub fn decode_token(token: JsValue) -> Result<JsValue, JsValue> {
        let decode = || {
            let payload = token::payload(&string(&token, "token")?)?;
            let claims = parse_object(&JsValue::from_str(&payload));
            let claims =
                claims.ok_or(invalid("token", "has a payload that is not a JSON object"))?;
            let o = Object::new();
            if let Some(exp) = get(&claims, "exp").as_f64() {
                set(&o, "expiresAt", Date::new(&JsValue::from_f64(exp * 1000.0)));
            }
            set(&o, "claims", claims);
            Ok(o.into())
        };
        decode().map_err(to_js)
    }
}
