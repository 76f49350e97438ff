//! Function tokens: finding a JWT's claims and when to refresh it. Nothing here verifies a
//! signature. The claims segment is decoded by the host (base64url and JSON, js/host.js).

use crate::error::Error;

/// The claims segment of a JWT (`header.claims.signature`): base64url text, padding tolerated.
pub fn claims_segment(token: &str) -> Result<&str, Error> {
    let mut parts = token.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(claims), Some(_), None) if is_base64url(claims) => Ok(claims),
        _ => Err(Error::invalid(
            "token",
            "is not a JWT (header.payload.signature)",
        )),
    }
}

/// Non-empty base64url text, maybe padded, whose length can be whole bytes.
fn is_base64url(s: &str) -> bool {
    let text = s.trim_end_matches('=');
    !text.is_empty()
        && s.len() - text.len() <= 2
        && text.len() % 4 != 1
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
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
    use base64ct::{Base64UrlUnpadded, Encoding};

    // {"alg":"RS256","typ":"JWT"} . {"application_claim":[{"namespace_id":"","application_id":"f"}],"jti":"t","exp":1738076138} . sig
    const JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcHBsaWNhdGlvbl9jbGFpbSI6W3sibmFtZXNwYWNlX2lkIjoiIiwiYXBwbGljYXRpb25faWQiOiJmIn1dLCJqdGkiOiJ0IiwiZXhwIjoxNzM4MDc2MTM4fQ.c2ln";

    #[test]
    fn the_claims_of_a_function_token_are_its_middle_segment() {
        let segment = claims_segment(JWT).unwrap();
        let json = Base64UrlUnpadded::decode_vec(segment).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(claims["exp"], 1_738_076_138);
    }

    #[test]
    fn base64url_segments_of_every_length_and_padding_are_accepted() {
        for segment in ["Zg", "Zg==", "Zm8", "Zm8=", "Zm9v", "Zm9vYmE", "a-_b"] {
            assert_eq!(claims_segment(&["h.", segment, ".s"].concat()), Ok(segment));
        }
    }

    #[test]
    fn garbage_is_not_a_token() {
        for bad in [
            "",
            "abc",
            "a.b",
            "a.b.c.d",
            "a.%%%.c",
            "a..c",
            "a.Z.c",
            "a.Zg===.c",
            "a.Z+/g.c",
        ] {
            assert!(claims_segment(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_token_is_refreshed_a_minute_before_it_expires() {
        assert_eq!(refresh_at_ms(Some(100.0)), Some(40_000.0));
        assert_eq!(refresh_at_ms(None), None);
    }
}
