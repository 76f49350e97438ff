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
        Ok(shape::decoded(&claims))
    })
}
