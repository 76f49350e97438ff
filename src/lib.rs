//! Scaleway Serverless Functions credentials and private-function calls, from WebAssembly.
//!
//! The modules hold plain Rust decisions, tested natively with `cargo test`; `host`, `input`
//! and `shape` are the boundary with JS, and this file holds only the JS API:
//! `FunctionsClient` (cargo feature `client`), `FunctionProxy` (cargo feature `proxy`),
//! `PrivateFunction` and `decodeToken`.

#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod engine;
pub mod error;
#[cfg(feature = "client")]
pub mod functions;
#[cfg(feature = "client")]
pub mod iam;
pub mod invoke;
mod prelude;
#[cfg(feature = "proxy")]
pub mod proxy;
pub mod token;
#[cfg(feature = "client")]
pub mod url;
pub mod validate;
pub mod wire;

#[cfg(target_arch = "wasm32")]
mod host;
#[cfg(target_arch = "wasm32")]
mod input;
#[cfg(target_arch = "wasm32")]
mod shape;

#[cfg(all(test, feature = "client"))]
mod testing;

/// A panic must never happen (see the tests); if one did, trap instead of formatting a message.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

// SAFETY: the wasm has one thread (no atomics), which is what AssumeSingleThreaded requires.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

#[cfg(all(target_arch = "wasm32", feature = "proxy"))]
pub use surface::FunctionProxy;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub use surface::FunctionsClient;
#[cfg(target_arch = "wasm32")]
pub use surface::{decode_token, PrivateFunction};

#[cfg(target_arch = "wasm32")]
mod surface {
    use crate::error::Error;
    use crate::host::{self, JsGateway};
    use crate::input::{self, absent, string};
    use crate::invoke::Invoker;
    use crate::prelude::*;
    use crate::{shape, token};
    use alloc::rc::Rc;
    use core::future::Future;
    use core::pin::Pin;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::future_to_promise;

    /// A Promise rejected with the `ScwError` subclass of `error`.
    fn rejected(error: Error) -> js_sys::Promise {
        js_sys::Promise::reject(&shape::error(error))
    }

    /// A Promise of `call`'s outcome, rejected with a `ScwError` subclass. The call comes boxed
    /// so that the promise machinery exists once in the wasm, not once per method.
    fn promise(call: Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>) -> js_sys::Promise {
        future_to_promise(async move { call.await.map_err(shape::error) })
    }

    #[cfg(feature = "client")]
    pub use client_surface::FunctionsClient;

    #[cfg(feature = "client")]
    mod client_surface {
        use super::{promise, rejected};
        use crate::client::{Client, Config, Transport};
        use crate::error::{unexpected, Error};
        use crate::functions::{get, TokenFilter};
        use crate::host::{self, JsTransport};
        use crate::input::{self, expires_at, opt_string, opt_whole, required, string};
        use crate::prelude::*;
        use crate::{shape, validate};
        use alloc::rc::Rc;
        use js_sys::Promise;
        use wasm_bindgen::prelude::*;

        const DEFAULT_TIMEOUT_MS: u32 = 30_000;
        const DEFAULT_RETRIES: u32 = 2;
        const DEFAULT_WAIT_MS: u32 = 60_000;
        const DEFAULT_POLL_MS: u32 = 500;

        /// What a `then` callback hands back for `answer`: the value, or a promise rejected with its error.
        fn settle_now(answer: Result<JsValue, Error>) -> JsValue {
            answer.unwrap_or_else(|e| rejected(e).into())
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

        /// Manages Serverless Functions credentials with a secret key (keep it in a server or an edge worker).
        #[wasm_bindgen]
        pub struct FunctionsClient {
            config: Rc<Config>,
        }

        impl FunctionsClient {
            /// A call of one GET whose first attempt is sent at once. A success is shaped by
            /// `finish` in the reply's own `then`, with no Rust future (docs/DECISIONS.md); an
            /// error answer, a failure or a retry goes on in a future from that first outcome.
            fn once(
                &self,
                options: JsValue,
                url: impl FnOnce(&Client<'_, JsTransport>, &JsValue) -> Result<String, Error>,
                finish: fn(&JsValue, &'static str) -> Result<JsValue, Error>,
            ) -> Promise {
                let start = || -> Result<Promise, Error> {
                    let o = input::options(options)?;
                    let signal = input::signal(&o)?;
                    let client = Client::new(&self.config, JsTransport::new(signal.clone()));
                    let url = url(&client, &o)?;
                    let (config, region) = (self.config.clone(), self.config.region);
                    let started = client.transport.now_ms();
                    let sent = client.transport.send_now(
                        &get(&url),
                        &config.secret_key,
                        config.timeout_ms,
                    );
                    let then = Closure::once_into_js(move |value: JsValue, fulfilled: bool| {
                        match JsTransport::outcome(value, fulfilled) {
                            Ok(reply) if reply.succeeded() => {
                                let answer = reply.body.json_object().ok_or_else(unexpected);
                                settle_now(answer.and_then(|j| finish(&j, region)))
                            }
                            first => promise(Box::pin(async move {
                                let client = Client::new(&config, JsTransport::new(signal));
                                let answer = client
                                    .exchange_after(get(&url), None, first, started)
                                    .await?;
                                finish(&answer.ok_or_else(unexpected)?, region)
                            }))
                            .into(),
                        }
                    });
                    Ok(host::settled(&sent, &then))
                };
                start().unwrap_or_else(rejected)
            }

            /// One call: reads `options` (an object or nothing) and its `signal`, then runs
            /// `call` with a client whose requests and pauses end when the signal aborts.
            fn run(
                &self,
                options: JsValue,
                call: impl AsyncFnOnce(&Client<'_, JsTransport>, JsValue) -> Result<JsValue, Error>
                    + 'static,
            ) -> Promise {
                let config = self.config.clone();
                promise(Box::pin(async move {
                    let options = input::options(options)?;
                    let client = Client::new(&config, JsTransport::new(input::signal(&options)?));
                    call(&client, options).await
                }))
            }
        }

        #[wasm_bindgen]
        impl FunctionsClient {
            /// `new FunctionsClient({ secretKey, region?, apiUrl?, timeoutMs?, retries? })`; throws a ValidationError.
            #[wasm_bindgen(constructor)]
            pub fn new(options: JsValue) -> Result<FunctionsClient, JsValue> {
                Self::build(options).map_err(shape::error)
            }

            fn build(value: JsValue) -> Result<FunctionsClient, Error> {
                let o = input::options(value)?;
                let secret_key = required(&o, "secretKey")?;
                validate::secret_key(&secret_key, "secretKey")?;
                let region = match opt_string(&o, "region")? {
                    Some(r) => validate::region(&r, "region")?,
                    None => "fr-par",
                };
                let api_url = opt_string(&o, "apiUrl")?;
                let api_url = validate::base_url(
                    api_url.as_deref().unwrap_or("https://api.scaleway.com"),
                    "apiUrl",
                )?;
                let config = Config {
                    secret_key,
                    region,
                    api_url,
                    timeout_ms: opt_whole(&o, "timeoutMs", 1, 600_000)?
                        .unwrap_or(DEFAULT_TIMEOUT_MS),
                    retries: opt_whole(&o, "retries", 0, 10)?.unwrap_or(DEFAULT_RETRIES),
                };
                Ok(FunctionsClient {
                    config: Rc::new(config),
                })
            }

            /// Creates a token for one function or a whole namespace; the answer holds its secret, once.
            #[wasm_bindgen(js_name = createToken)]
            pub fn create_token(&self, options: JsValue) -> Promise {
                self.run(options, async |c, o| {
                    let function_id = opt_string(&o, "functionId")?;
                    let namespace_id = opt_string(&o, "namespaceId")?;
                    let scope = validate::scope(
                        function_id.as_deref(),
                        namespace_id.as_deref(),
                        c.region(),
                    )?;
                    let (description, expires) = (opt_string(&o, "description")?, expires_at(&o)?);
                    let t = c
                        .create_token(scope, description.as_deref(), expires.as_deref())
                        .await?;
                    shape::token((t, c.region()))
                })
            }

            /// Reads a token by UUID or regional id.
            #[wasm_bindgen(js_name = getToken)]
            pub fn get_token(&self, id: JsValue, options: JsValue) -> Promise {
                self.run(options, async move |c, _| {
                    shape::token(c.get_token(&string(&id, "id")?).await?)
                })
            }

            /// Deletes (revokes) a token by UUID or regional id.
            #[wasm_bindgen(js_name = deleteToken)]
            pub fn delete_token(&self, id: JsValue, options: JsValue) -> Promise {
                self.run(options, async move |c, _| {
                    shape::token(c.delete_token(&string(&id, "id")?).await?)
                })
            }

            /// One page of tokens: `{ tokens, totalCount }`.
            #[wasm_bindgen(js_name = listTokens)]
            pub fn list_tokens(&self, options: JsValue) -> Promise {
                self.once(
                    options,
                    |c, o| c.list_tokens_url(&token_filter(o, true)?),
                    shape::page,
                )
            }

            /// Every token, following every page.
            #[wasm_bindgen(js_name = listAllTokens)]
            pub fn list_all_tokens(&self, options: JsValue) -> Promise {
                self.run(options, async |c, o| {
                    let all = c.list_all_tokens(&token_filter(&o, false)?).await?;
                    shape::tokens(all, c.region())
                })
            }

            /// Polls a token until it is neither creating nor deleting; rejects with a TimeoutError after `timeoutMs`.
            #[wasm_bindgen(js_name = waitForToken)]
            pub fn wait_for_token(&self, id: JsValue, options: JsValue) -> Promise {
                self.run(options, async move |c, o| {
                    let id = string(&id, "id")?;
                    let timeout =
                        opt_whole(&o, "timeoutMs", 1, 3_600_000)?.unwrap_or(DEFAULT_WAIT_MS);
                    let interval =
                        opt_whole(&o, "intervalMs", 1, 60_000)?.unwrap_or(DEFAULT_POLL_MS);
                    shape::token(c.wait_for_token(&id, timeout, interval).await?)
                })
            }

            /// Makes an IAM application allowed to call the project's private functions and an API
            /// key of it: `{ accessKey, secretKey, applicationId, policyId, expiresAt? }`, secret shown once.
            #[wasm_bindgen(js_name = createFunctionAccessKey)]
            pub fn create_function_access_key(&self, options: JsValue) -> Promise {
                self.run(options, async |c, o| {
                    let project = required(&o, "projectId")?;
                    let organization = opt_string(&o, "organizationId")?;
                    let (description, expires) = (opt_string(&o, "description")?, expires_at(&o)?);
                    let made = c
                        .create_function_access_key(
                            &project,
                            organization.as_deref(),
                            description.as_deref(),
                            expires.as_deref(),
                        )
                        .await?;
                    Ok(shape::access_key(made))
                })
            }

            /// The keys made by createFunctionAccessKey, for one project or the whole organization:
            /// `{ accessKey, applicationId, projectId, description?, createdAt, expiresAt? }[]`, no secret.
            #[wasm_bindgen(js_name = listFunctionAccessKeys)]
            pub fn list_function_access_keys(&self, options: JsValue) -> Promise {
                self.run(options, async |c, o| {
                    let project = opt_string(&o, "projectId")?;
                    let organization = opt_string(&o, "organizationId")?;
                    let keys = c
                        .list_function_access_keys(project.as_deref(), organization.as_deref())
                        .await?;
                    shape::listed_keys(keys)
                })
            }

            /// A new key for the application of `accessKey` (its secret shown once); the old key
            /// is deleted only with `deleteOld: true`, once the new one exists.
            #[wasm_bindgen(js_name = rotateFunctionAccessKey)]
            pub fn rotate_function_access_key(
                &self,
                access_key: JsValue,
                options: JsValue,
            ) -> Promise {
                self.run(options, async move |c, o| {
                    let access_key = string(&access_key, "accessKey")?;
                    let expires = expires_at(&o)?;
                    let delete_old = input::opt_bool(&o, "deleteOld")?.unwrap_or(false);
                    let made = c
                        .rotate_function_access_key(&access_key, expires.as_deref(), delete_old)
                        .await?;
                    Ok(shape::access_key(made))
                })
            }

            /// Deletes an API key made by createFunctionAccessKey, with its policy and application.
            #[wasm_bindgen(js_name = deleteFunctionAccessKey)]
            pub fn delete_function_access_key(
                &self,
                access_key: JsValue,
                options: JsValue,
            ) -> Promise {
                self.run(options, async move |c, _| {
                    let access_key = string(&access_key, "accessKey")?;
                    c.delete_function_access_key(&access_key).await?;
                    Ok(JsValue::UNDEFINED)
                })
            }

            /// Every namespace of the region.
            #[wasm_bindgen(js_name = listNamespaces)]
            pub fn list_namespaces(&self, options: JsValue) -> Promise {
                self.run(options, async |c, _| {
                    shape::objects(c.list_namespaces().await?)
                })
            }

            /// One namespace by UUID or regional id.
            #[wasm_bindgen(js_name = getNamespace)]
            pub fn get_namespace(&self, id: JsValue, options: JsValue) -> Promise {
                self.run(options, async move |c, _| {
                    shape::object(c.get_namespace(&string(&id, "id")?).await?)
                })
            }

            /// Every function of the region, or of one namespace.
            #[wasm_bindgen(js_name = listFunctions)]
            pub fn list_functions(&self, options: JsValue) -> Promise {
                self.run(options, async |c, o| {
                    let namespace_id = opt_string(&o, "namespaceId")?;
                    shape::objects(c.list_functions(namespace_id.as_deref()).await?)
                })
            }

            /// One function by UUID or regional id.
            #[wasm_bindgen(js_name = getFunction)]
            pub fn get_function(&self, id: JsValue, options: JsValue) -> Promise {
                self.run(options, async move |c, _| {
                    shape::object(c.get_function(&string(&id, "id")?).await?)
                })
            }
        }
    }

    #[cfg(feature = "proxy")]
    pub use proxy_surface::FunctionProxy;

    #[cfg(feature = "proxy")]
    mod proxy_surface {
        use super::promise;
        use crate::error::Error;
        use crate::host::{self, JsProxy};
        use crate::input::{self, opt_lines, opt_whole};
        use crate::prelude::*;
        use crate::proxy::Policy;
        use crate::shape;
        use alloc::rc::Rc;
        use wasm_bindgen::prelude::*;
        use wasm_bindgen::JsCast;

        /// How long FunctionProxy gives the function to begin its answer, by default.
        const DEFAULT_PROXY_TIMEOUT_MS: u32 = 30_000;

        /// Puts a private function behind a proxy that browsers on allowed origins can call:
        /// `handle(request)` resolves to a Response (js/api.js binds it, for `Deno.serve(proxy.handle)`).
        #[wasm_bindgen]
        pub struct FunctionProxy {
            inner: Rc<JsProxy>,
        }

        #[wasm_bindgen]
        impl FunctionProxy {
            /// `new FunctionProxy({ url, token | tokenProvider, allowedOrigins, authorize, allowedMethods?,
            /// allowedPaths?, timeoutMs? })`; throws a ValidationError naming the option.
            #[wasm_bindgen(constructor)]
            pub fn new(options: JsValue) -> Result<FunctionProxy, JsValue> {
                Self::build(options).map_err(shape::error)
            }

            fn build(value: JsValue) -> Result<FunctionProxy, Error> {
                let o = input::options(value)?;
                let invoker = input::invoker(&o)?;
                let authorize =
                    host::get(&o, "authorize")
                        .dyn_into()
                        .map_err(|_| Error::Validation {
                            field: "authorize",
                            reason: "must be a function",
                        })?;
                let policy = Policy::new(
                    &opt_lines(&o, "allowedOrigins")?.unwrap_or_default(),
                    opt_lines(&o, "allowedMethods")?.as_deref(),
                    opt_lines(&o, "allowedPaths")?.as_deref(),
                )?;
                let timeout =
                    opt_whole(&o, "timeoutMs", 1, 600_000)?.unwrap_or(DEFAULT_PROXY_TIMEOUT_MS);
                Ok(FunctionProxy {
                    inner: Rc::new(JsProxy::new(policy, invoker, authorize, timeout)),
                })
            }

            /// Answers a browser's Request: a preflight or a refusal itself, anything else with the function's Response.
            pub fn handle(&self, request: JsValue) -> js_sys::Promise {
                let p = self.inner.clone();
                promise(Box::pin(async move { p.handle(request).await }))
            }
        }
    }

    /// Calls a private function with a credential: `fetch(path, init)` answers the runtime's own Response.
    #[wasm_bindgen]
    pub struct PrivateFunction {
        inner: Rc<Invoker<JsGateway>>,
        direct: host::DirectCall,
    }

    #[wasm_bindgen]
    impl PrivateFunction {
        /// `new PrivateFunction({ url, token })` or `({ url, tokenProvider })`; throws a ValidationError.
        #[wasm_bindgen(constructor)]
        pub fn new(options: JsValue) -> Result<PrivateFunction, JsValue> {
            Self::build(options).map_err(shape::error)
        }

        fn build(value: JsValue) -> Result<PrivateFunction, Error> {
            let o = input::options(value)?;
            Ok(PrivateFunction {
                inner: Rc::new(input::invoker(&o)?),
                direct: host::DirectCall::new(),
            })
        }

        /// Sends a request to the function with `X-Auth-Token`; resolves with the runtime's Response, whatever its status.
        pub fn fetch(&self, path: JsValue, init: JsValue) -> js_sys::Promise {
            let call = call_path(&path, &init).and_then(|path| {
                Ok(match self.inner.fixed_call(&path)? {
                    Some((url, token)) => self.direct.send(&url, token, &init),
                    None => {
                        let f = self.inner.clone();
                        promise(Box::pin(async move { f.fetch(&path, &init).await }))
                    }
                })
            });
            call.unwrap_or_else(rejected)
        }
    }

    /// The path of `PrivateFunction.fetch` (empty when absent), once its `init` is known to be an object or absent.
    fn call_path(path: &JsValue, init: &JsValue) -> Result<String, Error> {
        let path = if absent(path) {
            String::new()
        } else {
            string(path, "path")?
        };
        if !absent(init) && !init.is_object() {
            return Err(Error::Validation {
                field: "init",
                reason: "must be an object",
            });
        }
        Ok(path)
    }

    /// Reads a function token's claims and expiry. It does NOT verify the signature: never
    /// trust the claims of a token that did not come from Scaleway or your own server.
    #[wasm_bindgen(js_name = decodeToken)]
    pub fn decode_token(token: JsValue) -> Result<JsValue, JsValue> {
        let decode = || {
            let claims = host::jwt_claims(token::claims_segment(&string(&token, "token")?)?);
            if claims.is_undefined() {
                return Err(Error::Validation {
                    field: "token",
                    reason: "has a payload that is not a JSON object",
                });
            }
            Ok(shape::decoded(&claims))
        };
        decode().map_err(shape::error)
    }
}
