//! The JS API's arguments read into Rust values. Option objects become `#[derive(Deserialize)]`
//! structs through serde-wasm-bindgen; a value of the wrong type is a `ValidationError` naming the
//! option, and never quotes the value (it may be a secret).

use crate::error::Error;
use crate::host::get;
use crate::host::JsGateway;
use crate::invoke::Invoker;
use crate::propagation::{Propagation, DEFAULT_WINDOW_MS, MAX_WINDOW_MS};
use crate::validate;
use js_sys::{Date, Function, JsString};
use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_path_to_error::Segment;
use wasm_bindgen::{JsCast, JsValue};

/// True for `undefined` and `null`.
pub fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// Reads an options object into `T` (its `Default` when the object is absent).
pub fn read<T: DeserializeOwned + Default>(value: &JsValue) -> Result<T, Error> {
    if absent(value) {
        return Ok(T::default());
    }
    if !value.is_object() || value.is_function() {
        return Err(Error::invalid("options", "must be an object"));
    }
    let from = serde_wasm_bindgen::Deserializer::from(value.clone());
    serde_path_to_error::deserialize(from).map_err(|e| {
        let mut path = e.path().iter();
        let field = match path.next() {
            Some(Segment::Map { key }) => key.clone(),
            _ => "options".to_string(),
        };
        let nested = path.next().is_some();
        Error::invalid(field, reason(&e.into_inner().to_string(), nested))
    })
}

/// A readable reason from serde's message, which is
/// `invalid type: <the value>, expected <what>`: only the expectation is kept.
fn reason(message: &str, nested: bool) -> &'static str {
    let expected = message.rsplit_once(", expected ").map(|(_, e)| e);
    match (expected, nested) {
        (Some("a string"), false) => "must be a string",
        (Some("a string"), true) => "must hold only strings",
        (Some("a boolean"), _) => "must be true or false",
        (Some("a sequence"), _) => "must be an array",
        (Some(e), _) if e.starts_with("struct ") || e.starts_with("a map") => "must be an object",
        (Some(e), false) if is_number(e) => "must be a number",
        (Some(e), true) if is_number(e) => "must hold only numbers",
        _ => "has the wrong type",
    }
}

/// True for serde's expectation of a Rust number type (`f64`, `u32`...).
fn is_number(expected: &str) -> bool {
    matches!(
        expected,
        "f32" | "f64" | "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64"
    )
}

/// For `#[serde(default, deserialize_with = "preserved")]`: a JS value kept as it is (a signal,
/// a function, a Date), `None` when absent.
pub fn preserved<'de, D: Deserializer<'de>>(de: D) -> Result<Option<JsValue>, D::Error> {
    let value: JsValue = serde_wasm_bindgen::preserve::deserialize(de)?;
    Ok(Some(value).filter(|v| !absent(v)))
}

/// A required option.
pub fn required<T>(value: Option<T>, field: &'static str) -> Result<T, Error> {
    value.ok_or(Error::invalid(field, "is required"))
}

/// A whole-number option within `min..=max`, if given.
pub fn whole(
    value: Option<f64>,
    min: u32,
    max: u32,
    field: &'static str,
) -> Result<Option<u32>, Error> {
    value
        .map(|n| validate::whole(n, min, max, field))
        .transpose()
}

/// A JS function option, if given.
pub fn function(value: Option<JsValue>, field: &'static str) -> Result<Option<Function>, Error> {
    value
        .map(|v| {
            v.dyn_into()
                .map_err(|_| Error::invalid(field, "must be a function"))
        })
        .transpose()
}

/// A string argument no longer than [`validate::MAX_LEN`], checked before it is copied into wasm.
pub fn string(value: &JsValue, field: &'static str) -> Result<String, Error> {
    match value.dyn_ref::<JsString>() {
        Some(s) if s.length() as usize <= validate::MAX_LEN => Ok(String::from(s)),
        Some(_) => Err(Error::invalid(field, "is too long")),
        None => Err(Error::invalid(field, "must be a string")),
    }
}

/// A string option no longer than [`validate::MAX_LEN`], if given.
pub fn text(value: Option<String>, field: &'static str) -> Result<Option<String>, Error> {
    match value {
        Some(s) if s.len() > validate::MAX_LEN => Err(Error::invalid(field, "is too long")),
        other => Ok(other),
    }
}

/// The function (`url`) and its credential (`token` or `tokenProvider`, exactly one) of
/// PrivateFunction and FunctionProxy, with what is known of the token's age.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Credential {
    pub url: Option<String>,
    /// A secret, or a key object of `createFunctionAccessKey` (`secretKey`, `createdAt`).
    #[serde(deserialize_with = "preserved")]
    pub token: Option<JsValue>,
    /// When a secret `token` was made: a Date.
    #[serde(deserialize_with = "preserved")]
    pub issued_at: Option<JsValue>,
    pub propagation_window_ms: Option<f64>,
    #[serde(deserialize_with = "preserved")]
    pub token_provider: Option<JsValue>,
}

impl Credential {
    /// The function's invoker, with a fixed token (and its age, when known) or the caller's
    /// token provider.
    pub fn invoker(self) -> Result<Invoker<JsGateway>, Error> {
        let url = required(text(self.url, "url")?, "url")?;
        let provider = function(self.token_provider, "tokenProvider")?;
        let window = whole(
            self.propagation_window_ms,
            0,
            MAX_WINDOW_MS,
            "propagationWindowMs",
        )?
        .unwrap_or(DEFAULT_WINDOW_MS);
        let Some(token) = self.token else {
            if provider.is_none() {
                return Err(Error::invalid("token", "or tokenProvider is required"));
            }
            if self.issued_at.is_some() {
                return Err(Error::invalid(
                    "issuedAt",
                    "is for a token, not a tokenProvider",
                ));
            }
            return Invoker::new(&url, None, JsGateway::new(provider));
        };
        if provider.is_some() {
            return Err(Error::invalid(
                "token",
                "and tokenProvider cannot both be given",
            ));
        }
        let (secret, issued_at_ms) = fixed_token(&token, self.issued_at)?;
        let invoker = Invoker::new(&url, Some(&secret), JsGateway::new(None))?;
        Ok(match issued_at_ms {
            Some(at) => invoker.with_propagation(Propagation::issued(at, window, Date::now())),
            None => invoker,
        })
    }
}

/// A fixed `token` and its creation time, when known: a secret with `issuedAt`, or a key
/// object with its `secretKey` and `createdAt`. Nothing here quotes the secret.
fn fixed_token(
    token: &JsValue,
    issued_at: Option<JsValue>,
) -> Result<(String, Option<f64>), Error> {
    let now = Date::now();
    if token.is_string() {
        let issued = issued_at
            .map(|at| {
                creation_ms(&at, now).ok_or(Error::invalid(
                    "issuedAt",
                    "must be a valid Date, not in the future: when the key was made",
                ))
            })
            .transpose()?;
        return Ok((string(token, "token")?, issued));
    }
    if !token.is_object() || token.is_function() {
        return Err(Error::invalid(
            "token",
            "must be a string or a key object from createFunctionAccessKey",
        ));
    }
    if issued_at.is_some() {
        return Err(Error::invalid(
            "issuedAt",
            "is for a secret: a key object carries its own createdAt",
        ));
    }
    let secret = get(token, "secretKey");
    if !secret.is_string() {
        return Err(Error::invalid(
            "token",
            "is a key object without its secretKey (a listed key has none)",
        ));
    }
    let created = creation_ms(&get(token, "createdAt"), now).ok_or(Error::invalid(
        "token",
        "is a key object without a valid createdAt",
    ))?;
    Ok((string(&secret, "token")?, Some(created)))
}

/// A creation time (a Date) in epoch milliseconds, if it can be one at `now_ms`.
fn creation_ms(value: &JsValue, now_ms: f64) -> Option<f64> {
    let ms = value.dyn_ref::<Date>()?.get_time();
    Propagation::believable(ms, now_ms).then_some(ms)
}
