//! `decodeToken`.

use super::options::string;
use super::sync;
use crate::error::Error;
use crate::{host, shape, token};
use wasm_bindgen::prelude::*;

/// Reads a function token's claims and expiry. It does NOT verify the signature: never
/// trust the claims of a token that did not come from Scaleway or your own server.
#[wasm_bindgen(js_name = decodeToken)]
pub fn decode_token(token: JsValue) -> Result<JsValue, JsValue> {
    sync(|| {
        let claims = host::jwt_claims(token::claims_segment(&string(&token, "token")?)?);
        if claims.is_undefined() {
            return Err(Error::invalid(
                "token",
                "has a payload that is not a JSON object",
            ));
        }
        let exp = host::get(&claims, "exp");
        if !exp.is_undefined() && !exp.as_f64().is_some_and(is_date_seconds) {
            return Err(Error::invalid(
                "token",
                "has an `exp` claim that is not a date in seconds",
            ));
        }
        Ok(shape::decoded(&claims))
    })
}

/// True for seconds since the epoch that a JS `Date` can hold (within 100,000,000 days of it).
fn is_date_seconds(seconds: f64) -> bool {
    (seconds * 1000.0).abs() <= 8.64e15
}
