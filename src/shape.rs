//! The JS shapes of what the library hands out: js/shape.js makes them all, from the API's
//! answers and from the wasm's error reports. Each function here is one call across the boundary.

use crate::error::Error;
use crate::host::to_json;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/shape.js")]
extern "C" {
    #[cfg(feature = "client")]
    #[wasm_bindgen(js_name = token)]
    fn token_js(wire: &JsValue, region: &str) -> JsValue;
    #[cfg(feature = "client")]
    #[wasm_bindgen(js_name = tokens)]
    fn tokens_js(list: js_sys::Array, region: &str) -> JsValue;
    #[cfg(feature = "client")]
    #[wasm_bindgen(js_name = page)]
    fn page_js(wire: &JsValue, total_count: u32, region: &str) -> JsValue;
    #[cfg(feature = "client")]
    #[wasm_bindgen(js_name = object)]
    fn object_js(wire: &JsValue) -> JsValue;
    #[cfg(feature = "client")]
    #[wasm_bindgen(js_name = objects)]
    fn objects_js(list: js_sys::Array) -> JsValue;
    #[cfg(feature = "client")]
    #[wasm_bindgen(js_name = listedKeys)]
    fn listed_keys_js(list: js_sys::Array) -> JsValue;
    #[cfg(feature = "client")]
    #[wasm_bindgen(js_name = accessKey)]
    fn access_key_js(wire: &JsValue, policy_id: &str, old_key_error: JsValue) -> JsValue;
    #[wasm_bindgen(js_name = decoded)]
    fn decoded_js(claims: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = errorFields)]
    fn error_fields_js(report: JsValue) -> JsValue;
}

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    /// An instance of the error class `class` (the classes the package exports).
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(class: &str, message: &str, fields: JsValue) -> JsValue;
}

/// A shape, or the unexpected-answer error when shape.js found the answer malformed.
#[cfg(feature = "client")]
fn made(shape: JsValue) -> Result<JsValue, Error> {
    Some(shape)
        .filter(|s| !s.is_undefined())
        .ok_or_else(crate::error::unexpected)
}

/// A Token from the API's token and the region it was read in.
#[cfg(feature = "client")]
pub fn token((wire, region): (JsValue, &str)) -> Result<JsValue, Error> {
    made(token_js(&wire, region))
}

/// Tokens from the API's tokens.
#[cfg(feature = "client")]
pub fn tokens(list: Vec<JsValue>, region: &str) -> Result<JsValue, Error> {
    made(tokens_js(list.into_iter().collect(), region))
}

/// `{ tokens, totalCount }` from a page of ListTokens.
#[cfg(feature = "client")]
pub fn page(wire: &JsValue, region: &str) -> Result<JsValue, Error> {
    made(page_js(wire, crate::wire::total_count(wire), region))
}

/// A Namespace or Function.
#[cfg(feature = "client")]
pub fn object((wire, _): (JsValue, &str)) -> Result<JsValue, Error> {
    made(object_js(&wire))
}

/// Namespaces or Functions.
#[cfg(feature = "client")]
pub fn objects(list: Vec<JsValue>) -> Result<JsValue, Error> {
    made(objects_js(list.into_iter().collect()))
}

/// A FunctionAccessKey.
#[cfg(feature = "client")]
pub fn access_key(made_key: crate::iam::AccessKey<JsValue>) -> JsValue {
    access_key_js(&made_key.key, &made_key.policy_id, JsValue::UNDEFINED)
}

/// rotateFunctionAccessKey's FunctionAccessKey, with `oldKeyError` when the old key was to be
/// deleted and could not be.
#[cfg(feature = "client")]
pub fn rotated_key(rotated: crate::iam::Rotated<JsValue>) -> JsValue {
    let old_key_error = rotated.old_key_error.map_or(JsValue::UNDEFINED, error);
    access_key_js(&rotated.made.key, &rotated.made.policy_id, old_key_error)
}

/// The keys of listFunctionAccessKeys.
#[cfg(feature = "client")]
pub fn listed_keys(list: Vec<JsValue>) -> Result<JsValue, Error> {
    made(listed_keys_js(list.into_iter().collect()))
}

/// decodeToken's `{ claims, expiresAt? }`.
pub fn decoded(claims: &JsValue) -> JsValue {
    decoded_js(claims)
}

/// The one place where a Rust error becomes a JS `ScwError` subclass.
pub fn error(error: Error) -> JsValue {
    let report = error.report();
    make_error(
        report.class,
        &report.message,
        error_fields_js(to_json(&report)),
    )
}
