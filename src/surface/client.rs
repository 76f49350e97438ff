//! `FunctionsClient`: the management API (tokens, IAM keys, namespaces and functions).

use super::options::{self, preserved, required, string, text, whole};
use super::{promise, sync};
use crate::client::{Client, Config};
use crate::error::Error;
use crate::functions::TokenFilter;
use crate::host::JsTransport;
use crate::{shape, validate};
use js_sys::{Date, Promise};
use serde::Deserialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

const DEFAULT_TIMEOUT_MS: u32 = 30_000;
const DEFAULT_RETRIES: u32 = 2;
const DEFAULT_WAIT_MS: u32 = 60_000;
const DEFAULT_POLL_MS: u32 = 500;

/// The options every call of the API client takes.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Call {
    #[serde(deserialize_with = "preserved")]
    signal: Option<JsValue>,
}

/// The `signal` option: an AbortSignal, if given.
fn signal_of(value: Option<JsValue>) -> Result<Option<AbortSignal>, Error> {
    value
        .map(|v| {
            v.dyn_into()
                .map_err(|_| Error::invalid("signal", "must be an AbortSignal"))
        })
        .transpose()
}

/// `new FunctionsClient(...)`'s options.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ClientOptions {
    secret_key: Option<String>,
    region: Option<String>,
    api_url: Option<String>,
    timeout_ms: Option<f64>,
    retries: Option<f64>,
}

/// createToken's options.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct CreateTokenOptions {
    function_id: Option<String>,
    namespace_id: Option<String>,
    description: Option<String>,
    #[serde(deserialize_with = "preserved")]
    expires_at: Option<JsValue>,
}

/// The filters of listTokens and listAllTokens (page and pageSize only for one page).
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct TokenFilterOptions {
    function_id: Option<String>,
    namespace_id: Option<String>,
    order_by: Option<String>,
    page: Option<f64>,
    page_size: Option<f64>,
}

impl TokenFilterOptions {
    fn filter(self, paged: bool) -> Result<TokenFilter, Error> {
        let (page, page_size) = if paged {
            (
                whole(self.page, 1, 1_000_000, "page")?,
                whole(self.page_size, 1, 100, "pageSize")?,
            )
        } else {
            (None, None)
        };
        Ok(TokenFilter {
            function_id: self.function_id,
            namespace_id: self.namespace_id,
            order_by: self.order_by,
            page,
            page_size,
        })
    }
}

/// waitForToken's options.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct WaitOptions {
    timeout_ms: Option<f64>,
    interval_ms: Option<f64>,
}

/// createFunctionAccessKey's and listFunctionAccessKeys' options.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct KeyOptions {
    project_id: Option<String>,
    organization_id: Option<String>,
    description: Option<String>,
    #[serde(deserialize_with = "preserved")]
    expires_at: Option<JsValue>,
}

/// rotateFunctionAccessKey's options.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct RotateOptions {
    #[serde(deserialize_with = "preserved")]
    expires_at: Option<JsValue>,
    delete_old: Option<bool>,
}

/// listFunctions' options.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct FunctionFilterOptions {
    namespace_id: Option<String>,
}

/// `expiresAt` as a Date or an RFC 3339 string in the future; returns the string to send.
fn expires_at(value: Option<JsValue>) -> Result<Option<String>, Error> {
    let Some(value) = value else { return Ok(None) };
    let now = Date::now();
    if let Some(date) = value.dyn_ref::<Date>() {
        validate::future_ms(Some(date.get_time()), now)?;
        return Ok(Some(date.to_iso_string().into()));
    }
    let text = string(&value, "expiresAt")
        .map_err(|_| Error::invalid("expiresAt", "must be a Date or an RFC 3339 string"))?;
    validate::future_ms(validate::rfc3339_ms(&text), now)?;
    Ok(Some(text))
}

/// Manages Serverless Functions credentials with a secret key (keep it in a server or an edge worker).
#[wasm_bindgen]
pub struct FunctionsClient {
    config: Rc<Config>,
}

impl FunctionsClient {
    /// One call: reads the `signal` of `options`, then runs `call` with a client whose requests
    /// and pauses end when the signal aborts.
    fn run(
        &self,
        options: JsValue,
        call: impl AsyncFnOnce(&Client<'_, JsTransport>, JsValue) -> Result<JsValue, Error> + 'static,
    ) -> Promise {
        let config = self.config.clone();
        promise(async move {
            let Call { signal } = options::read(&options)?;
            let signal = signal_of(signal)?;
            let client = Client::new(&config, JsTransport::new(signal));
            call(&client, options).await
        })
    }
}

#[wasm_bindgen]
impl FunctionsClient {
    /// `new FunctionsClient({ secretKey, region?, apiUrl?, timeoutMs?, retries? })`; throws a ValidationError.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<FunctionsClient, JsValue> {
        sync(|| Self::build(&options))
    }

    fn build(options: &JsValue) -> Result<FunctionsClient, Error> {
        let o: ClientOptions = options::read(options)?;
        let secret_key = required(text(o.secret_key, "secretKey")?, "secretKey")?;
        validate::secret_key(&secret_key, "secretKey")?;
        let region = match o.region {
            Some(r) => validate::region(&r, "region")?,
            None => "fr-par",
        };
        let api_url = text(o.api_url, "apiUrl")?;
        let api_url = validate::base_url(
            api_url.as_deref().unwrap_or("https://api.scaleway.com"),
            "apiUrl",
        )?;
        let config = Config {
            secret_key,
            region,
            api_url,
            timeout_ms: whole(o.timeout_ms, 1, 600_000, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS),
            retries: whole(o.retries, 0, 10, "retries")?.unwrap_or(DEFAULT_RETRIES),
        };
        Ok(FunctionsClient {
            config: Rc::new(config),
        })
    }

    /// Creates a token for one function or a whole namespace; the answer holds its secret, once.
    #[wasm_bindgen(js_name = createToken)]
    pub fn create_token(&self, options: JsValue) -> Promise {
        self.run(options, async |c, o| {
            let o: CreateTokenOptions = options::read(&o)?;
            let scope = validate::scope(
                o.function_id.as_deref(),
                o.namespace_id.as_deref(),
                c.region(),
            )?;
            let description = text(o.description, "description")?;
            let expires = expires_at(o.expires_at)?;
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
        self.run(options, async |c, o| {
            let filter = options::read::<TokenFilterOptions>(&o)?.filter(true)?;
            shape::page(&c.list_tokens(&filter).await?, c.region())
        })
    }

    /// Every token, following every page.
    #[wasm_bindgen(js_name = listAllTokens)]
    pub fn list_all_tokens(&self, options: JsValue) -> Promise {
        self.run(options, async |c, o| {
            let filter = options::read::<TokenFilterOptions>(&o)?.filter(false)?;
            shape::tokens(c.list_all_tokens(&filter).await?, c.region())
        })
    }

    /// Polls a token until it is neither creating nor deleting; rejects with a TimeoutError after `timeoutMs`.
    #[wasm_bindgen(js_name = waitForToken)]
    pub fn wait_for_token(&self, id: JsValue, options: JsValue) -> Promise {
        self.run(options, async move |c, o| {
            let id = string(&id, "id")?;
            let o: WaitOptions = options::read(&o)?;
            let timeout =
                whole(o.timeout_ms, 1, 3_600_000, "timeoutMs")?.unwrap_or(DEFAULT_WAIT_MS);
            let interval =
                whole(o.interval_ms, 1, 60_000, "intervalMs")?.unwrap_or(DEFAULT_POLL_MS);
            shape::token(c.wait_for_token(&id, timeout, interval).await?)
        })
    }

    /// Makes an IAM application allowed to call the project's private functions and an API
    /// key of it: `{ accessKey, secretKey, applicationId, policyId, expiresAt? }`, secret shown once.
    #[wasm_bindgen(js_name = createFunctionAccessKey)]
    pub fn create_function_access_key(&self, options: JsValue) -> Promise {
        self.run(options, async |c, o| {
            let o: KeyOptions = options::read(&o)?;
            let project = required(text(o.project_id, "projectId")?, "projectId")?;
            let description = text(o.description, "description")?;
            let expires = expires_at(o.expires_at)?;
            let made = c
                .create_function_access_key(
                    &project,
                    o.organization_id.as_deref(),
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
            let o: KeyOptions = options::read(&o)?;
            let keys = c
                .list_function_access_keys(o.project_id.as_deref(), o.organization_id.as_deref())
                .await?;
            shape::listed_keys(keys)
        })
    }

    /// A new key for the application of `accessKey` (its secret shown once); the old key
    /// is deleted only with `deleteOld: true`, once the new one exists.
    #[wasm_bindgen(js_name = rotateFunctionAccessKey)]
    pub fn rotate_function_access_key(&self, access_key: JsValue, options: JsValue) -> Promise {
        self.run(options, async move |c, o| {
            let access_key = string(&access_key, "accessKey")?;
            let o: RotateOptions = options::read(&o)?;
            let expires = expires_at(o.expires_at)?;
            let made = c
                .rotate_function_access_key(
                    &access_key,
                    expires.as_deref(),
                    o.delete_old.unwrap_or(false),
                )
                .await?;
            Ok(shape::rotated_key(made))
        })
    }

    /// Deletes an API key made by createFunctionAccessKey, and its policy and application with
    /// the application's last key.
    #[wasm_bindgen(js_name = deleteFunctionAccessKey)]
    pub fn delete_function_access_key(&self, access_key: JsValue, options: JsValue) -> Promise {
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
            let o: FunctionFilterOptions = options::read(&o)?;
            shape::objects(c.list_functions(o.namespace_id.as_deref()).await?)
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
