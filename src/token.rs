//! Function tokens: reading a JWT's claims and expiry. Nothing here verifies a signature.

use crate::error::Error;
use crate::prelude::*;
use base64ct::{Base64UrlUnpadded, Encoding};

/// Decodes a JWT segment: unpadded base64url, padding tolerated.
fn base64url(segment: &str) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(segment.trim_end_matches('=')).ok()
}

/// The JSON text of a JWT's payload (the middle part), without verifying anything.
pub fn payload(token: &str) -> Result<String, Error> {
    let bad = Error::Validation {
        field: "token",
        reason: "is not a JWT (header.payload.signature)",
    };
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad);
    };
    base64url(payload)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or(bad)
}

/// When a cached token should be fetched again: a minute before it expires, never for tokens without expiry.
pub fn refresh_at_ms(exp_seconds: Option<f64>) -> Option<f64> {
    exp_seconds
        .filter(|e| e.is_finite())
        .map(|e| e * 1000.0 - 60_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    // {"alg":"RS256","typ":"JWT"} . {"application_claim":[{"namespace_id":"","application_id":"f"}],"jti":"t","exp":1738076138} . sig
    const JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcHBsaWNhdGlvbl9jbGFpbSI6W3sibmFtZXNwYWNlX2lkIjoiIiwiYXBwbGljYXRpb25faWQiOiJmIn1dLCJqdGkiOiJ0IiwiZXhwIjoxNzM4MDc2MTM4fQ.c2ln";

    #[test]
    fn the_claims_of_a_function_token_are_readable_without_its_key() {
        let json = payload(JWT).unwrap();
        let claims: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(claims["exp"], 1_738_076_138);
        assert!(json.contains(r#""application_id":"f""#));
    }

    #[test]
    fn base64url_matches_the_rfc_vectors() {
        for (enc, dec) in [
            ("", ""),
            ("Zg", "f"),
            ("Zm8", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg==", "foob"),
            ("Zm9vYmE", "fooba"),
            ("Zm9vYmFy", "foobar"),
        ] {
            assert_eq!(base64url(enc).as_deref(), Some(dec.as_bytes()), "{enc}");
        }
        assert_eq!(base64url("Z"), None);
        assert_eq!(base64url("Z!=="), None);
    }

    #[test]
    fn garbage_is_not_a_token() {
        for bad in ["", "abc", "a.b", "a.b.c.d", "a.%%%.c", "a.__8.c"] {
            assert!(payload(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_token_is_refreshed_a_minute_before_it_expires() {
        assert_eq!(refresh_at_ms(Some(100.0)), Some(40_000.0));
        assert_eq!(refresh_at_ms(None), None);
    }
}
