//! Function tokens: reading a JWT's claims and expiry. Nothing here verifies a signature.

use crate::error::Error;
use crate::prelude::*;

fn sextet(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' | b'+' => 62,
        b'_' | b'/' => 63,
        _ => return None,
    }))
}

/// Decodes unpadded base64url (padding tolerated).
pub fn base64url(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=').as_bytes();
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= sextet(*c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(bytes.get(1..chunk.len()).unwrap_or_default());
    }
    Some(out)
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
