//! The JS API's arguments read into Rust values: option objects, strings, lists, whole numbers,
//! dates, signals and a function's credential, each refused with a ValidationError that names it.

use crate::error::Error;
#[cfg(feature = "proxy")]
use crate::host::lines;
#[cfg(feature = "client")]
use crate::host::AbortSignal;
use crate::host::{get, JsGateway};
use crate::invoke::Invoker;
use crate::prelude::*;
use crate::validate;
#[cfg(feature = "client")]
use js_sys::Date;
use js_sys::JsString;
use wasm_bindgen::{JsCast, JsValue};

fn invalid(field: &'static str, reason: &'static str) -> Error {
    Error::Validation { field, reason }
}

/// True for `undefined` and `null`.
pub fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// An options object, or an empty one when absent.
pub fn options(value: JsValue) -> Result<JsValue, Error> {
    match value {
        v if absent(&v) => Ok(js_sys::Object::new().into()),
        v if v.is_object() && !v.is_function() => Ok(v),
        _ => Err(invalid("options", "must be an object")),
    }
}

/// A string no longer than [`validate::MAX_LEN`] (checked before it is copied into wasm).
pub fn string(value: &JsValue, field: &'static str) -> Result<String, Error> {
    match value.dyn_ref::<JsString>() {
        Some(s) if s.length() as usize <= validate::MAX_LEN => Ok(String::from(s)),
        Some(_) => Err(invalid(field, "is too long")),
        None => Err(invalid(field, "must be a string")),
    }
}

/// An optional string option.
pub fn opt_string(options: &JsValue, key: &'static str) -> Result<Option<String>, Error> {
    let value = get(options, key);
    if absent(&value) {
        Ok(None)
    } else {
        string(&value, key).map(Some)
    }
}

/// A required string option.
pub fn required(options: &JsValue, key: &'static str) -> Result<String, Error> {
    opt_string(options, key)?.ok_or(invalid(key, "is required"))
}

/// An optional boolean option.
#[cfg(feature = "client")]
pub fn opt_bool(options: &JsValue, key: &'static str) -> Result<Option<bool>, Error> {
    let value = get(options, key);
    if absent(&value) {
        return Ok(None);
    }
    value
        .as_bool()
        .map(Some)
        .ok_or(invalid(key, "must be true or false"))
}

/// An optional list of strings, one item per line (the shape src/proxy.rs reads).
#[cfg(feature = "proxy")]
pub fn opt_lines(options: &JsValue, key: &'static str) -> Result<Option<String>, Error> {
    let value = get(options, key);
    if absent(&value) {
        return Ok(None);
    }
    lines(&value)
        .as_string()
        .map(Some)
        .ok_or(invalid(key, "must be an array of strings"))
}

/// The function (`url`) and its credential (`token` or `tokenProvider`, exactly one) of
/// PrivateFunction and FunctionProxy.
pub fn invoker(options: &JsValue) -> Result<Invoker<JsGateway>, Error> {
    let url = required(options, "url")?;
    let fixed = opt_string(options, "token")?;
    let provider = get(options, "tokenProvider");
    let provider = match (&fixed, absent(&provider)) {
        (Some(_), false) => return Err(invalid("token", "and tokenProvider cannot both be given")),
        (None, true) => return Err(invalid("token", "or tokenProvider is required")),
        (Some(_), true) => None,
        (None, false) => Some(
            provider
                .dyn_into()
                .map_err(|_| invalid("tokenProvider", "must be a function"))?,
        ),
    };
    Invoker::new(&url, fixed.as_deref(), JsGateway::new(provider))
}

/// An optional whole-number option within `min..=max`.
#[cfg(any(feature = "client", feature = "proxy"))]
pub fn opt_whole(
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

/// `expiresAt` as a Date or an RFC 3339 string in the future; returns the string to send.
#[cfg(feature = "client")]
pub fn expires_at(options: &JsValue) -> Result<Option<String>, Error> {
    let value = get(options, "expiresAt");
    if absent(&value) {
        return Ok(None);
    }
    let now = Date::now();
    if let Some(date) = value.dyn_ref::<Date>() {
        validate::future_ms(Some(date.get_time()), now)?;
        return Ok(Some(date.to_iso_string().into()));
    }
    let text = string(&value, "expiresAt")?;
    validate::future_ms(validate::rfc3339_ms(&text), now)?;
    Ok(Some(text))
}

/// The caller's `signal`: an AbortSignal, or undefined.
#[cfg(feature = "client")]
pub fn signal(options: &JsValue) -> Result<JsValue, Error> {
    let value = get(options, "signal");
    if absent(&value) {
        Ok(JsValue::UNDEFINED)
    } else if value.is_instance_of::<AbortSignal>() {
        Ok(value)
    } else {
        Err(invalid("signal", "must be an AbortSignal"))
    }
}
