//! Input checks done before any request: ids, regions, URLs, header values, numbers and dates.

use crate::error::Error;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Regions where Serverless Functions exist.
pub const REGIONS: [&str; 3] = ["fr-par", "nl-ams", "pl-waw"];

/// Longest string accepted anywhere; keeps hostile megabyte inputs out of the request path.
pub const MAX_LEN: usize = 8192;

fn invalid(field: &'static str, reason: &'static str) -> Error {
    Error::invalid(field, reason)
}

/// True for a canonical 8-4-4-4-12 hexadecimal UUID.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A region name from [`REGIONS`].
pub fn region(s: &str, field: &'static str) -> Result<&'static str, Error> {
    REGIONS
        .iter()
        .copied()
        .find(|r| *r == s)
        .ok_or_else(|| invalid(field, "must be one of fr-par, nl-ams, pl-waw"))
}

/// A resource id given as a UUID or as a regional id `region/uuid`; returns the region (if any) and the UUID.
pub fn resource_id<'a>(
    s: &'a str,
    field: &'static str,
) -> Result<(Option<&'static str>, &'a str), Error> {
    let (region_part, uuid) = match s.split_once('/') {
        Some((r, u)) => (Some(region(r, field)?), u),
        None => (None, s),
    };
    if is_uuid(uuid) {
        Ok((region_part, uuid))
    } else {
        Err(invalid(
            field,
            "must be a UUID or a regional id like fr-par/<uuid>",
        ))
    }
}

/// The UUID of an id that must live in `region` (scopes and filters): a UUID or `region/uuid`.
pub fn uuid<'a>(s: &'a str, field: &'static str, region: &str) -> Result<&'a str, Error> {
    match resource_id(s, field)? {
        (Some(other), _) if other != region => {
            Err(invalid(field, "is in another region than the client"))
        }
        (_, uuid) => Ok(uuid),
    }
}

/// A plain (not regional) UUID, such as a project or organization id.
pub fn plain_uuid<'a>(s: &'a str, field: &'static str) -> Result<&'a str, Error> {
    if is_uuid(s) {
        Ok(s)
    } else {
        Err(invalid(field, "must be a UUID"))
    }
}

/// An IAM access key: `SCW` and 17 upper-case letters or digits.
pub fn access_key<'a>(s: &'a str, field: &'static str) -> Result<&'a str, Error> {
    let tail = s.strip_prefix("SCW").unwrap_or_default();
    if tail.len() == 17
        && tail
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        Ok(s)
    } else {
        Err(invalid(
            field,
            "must be an access key like SCW0123456789ABCDEFG",
        ))
    }
}

/// The scope of a token: one function or a whole namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    /// `function_id`
    Function(&'a str),
    /// `namespace_id`
    Namespace(&'a str),
}

/// Exactly one of `functionId` and `namespaceId` (UUIDs or regional ids of `region`).
pub fn scope<'a>(
    function_id: Option<&'a str>,
    namespace_id: Option<&'a str>,
    region: &str,
) -> Result<Scope<'a>, Error> {
    match (function_id, namespace_id) {
        (Some(f), None) => Ok(Scope::Function(uuid(f, "functionId", region)?)),
        (None, Some(n)) => Ok(Scope::Namespace(uuid(n, "namespaceId", region)?)),
        (Some(_), Some(_)) => Err(invalid(
            "functionId",
            "and namespaceId cannot both be given",
        )),
        (None, None) => Err(invalid("functionId", "or namespaceId is required")),
    }
}

/// A value that can travel in an HTTP header: non-empty printable ASCII, so no CR/LF injection.
pub fn header_value<'a>(s: &'a str, field: &'static str) -> Result<&'a str, Error> {
    if s.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if s.len() > MAX_LEN || !s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(invalid(
            field,
            "must be printable ASCII without line breaks",
        ));
    }
    Ok(s)
}

/// A Scaleway secret key: a UUID (checked as a header value first, for its messages).
pub fn secret_key<'a>(s: &'a str, field: &'static str) -> Result<&'a str, Error> {
    plain_uuid(header_value(s, field)?, field)
}

/// A base URL (the API's or a function's): https, or http for localhost and 127.0.0.1 only;
/// returned without a trailing slash.
pub fn base_url(s: &str, field: &'static str) -> Result<String, Error> {
    let bad = || {
        invalid(
            field,
            "must be an https URL (http only for localhost or 127.0.0.1) without query or fragment",
        )
    };
    let (secure, rest) = if let Some(rest) = s.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = s.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(bad());
    };
    let rest = rest.trim_end_matches('/');
    let host_port = rest.split('/').next().unwrap_or_default();
    let host = host_port.rsplit_once(':').map_or(host_port, |(h, _)| h);
    let clean = rest
        .bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'?' | b'#' | b'@' | b'\\'));
    let local = host == "localhost" || host == "127.0.0.1";
    if host.is_empty() || !clean || (!secure && !local) {
        return Err(bad());
    }
    let scheme = if secure { "https://" } else { "http://" };
    Ok([scheme, rest].concat())
}

/// A whole number within `min..=max` (JS numbers arrive as f64; NaN and fractions are refused).
pub fn whole(n: f64, min: u32, max: u32, field: &'static str) -> Result<u32, Error> {
    if n >= f64::from(min) && n <= f64::from(max) && n == f64::from(n as u32) {
        Ok(n as u32)
    } else {
        Err(invalid(field, "is out of range or not a whole number"))
    }
}

/// `order_by` of list calls.
pub fn order_by(s: &str) -> Result<&'static str, Error> {
    ["created_at_asc", "created_at_desc"]
        .into_iter()
        .find(|o| *o == s)
        .ok_or_else(|| invalid("orderBy", "must be created_at_asc or created_at_desc"))
}

/// An expiry in the future, given as epoch milliseconds (from a JS Date) or parsed from an RFC 3339 string.
pub fn future_ms(ms: Option<f64>, now_ms: f64) -> Result<f64, Error> {
    match ms {
        Some(ms) if ms.is_finite() && ms > now_ms => Ok(ms),
        Some(ms) if ms.is_finite() => Err(invalid("expiresAt", "is in the past")),
        _ => Err(invalid(
            "expiresAt",
            "must be a valid Date or an RFC 3339 string",
        )),
    }
}

/// Parses an RFC 3339 timestamp (`2027-01-31T12:00:00Z`, fractions and offsets allowed) to epoch
/// milliseconds; None for anything else, an impossible date included.
pub fn rfc3339_ms(s: &str) -> Option<f64> {
    let at = OffsetDateTime::parse(s, &Rfc3339).ok()?;
    Some((at.unix_timestamp_nanos() / 1_000_000) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "11111111-1111-1111-1111-111111111111";

    fn field_of(e: Error) -> std::borrow::Cow<'static, str> {
        match e {
            Error::Validation { field, .. } => field,
            _ => panic!("not a validation error"),
        }
    }

    #[test]
    fn a_token_id_may_be_a_uuid_or_a_regional_id() {
        assert_eq!(resource_id(ID, "id").ok(), Some((None, ID)));
        let regional = ["nl-ams/", ID].concat();
        assert_eq!(
            resource_id(&regional, "id").ok(),
            Some((Some("nl-ams"), ID))
        );
    }

    #[test]
    fn malformed_ids_are_refused_with_the_field_name() {
        for bad in [
            "",
            "../x",
            "a?b#c",
            "xx-par/11111111-1111-1111-1111-111111111111",
            "11111111-1111-1111-1111-11111111111Z",
            "11111111111111111111111111111111111é",
        ] {
            assert_eq!(
                field_of(resource_id(bad, "tokenId").unwrap_err()),
                "tokenId",
                "{bad}"
            );
        }
    }

    #[test]
    fn a_token_has_exactly_one_scope() {
        assert_eq!(
            scope(Some(ID), None, "fr-par").ok(),
            Some(Scope::Function(ID))
        );
        assert_eq!(
            scope(None, Some(ID), "fr-par").ok(),
            Some(Scope::Namespace(ID))
        );
        assert!(scope(Some(ID), Some(ID), "fr-par").is_err());
        assert!(scope(None, None, "fr-par").is_err());
        assert_eq!(
            field_of(scope(None, Some("x"), "fr-par").unwrap_err()),
            "namespaceId"
        );
    }

    #[test]
    fn a_scope_may_be_a_regional_id_of_the_client_region() {
        let regional = ["fr-par/", ID].concat();
        assert_eq!(
            scope(Some(&regional), None, "fr-par").ok(),
            Some(Scope::Function(ID))
        );
        let elsewhere = ["nl-ams/", ID].concat();
        assert_eq!(
            field_of(scope(None, Some(&elsewhere), "fr-par").unwrap_err()),
            "namespaceId"
        );
    }

    #[test]
    fn only_known_regions_are_accepted() {
        assert_eq!(region("pl-waw", "region").ok(), Some("pl-waw"));
        assert!(region("us-east-1", "region").is_err());
    }

    #[test]
    fn a_base_url_must_be_https_except_on_this_machine() {
        assert_eq!(
            base_url("https://api.scaleway.com/", "apiUrl")
                .ok()
                .as_deref(),
            Some("https://api.scaleway.com")
        );
        assert_eq!(
            base_url("http://127.0.0.1:8080", "apiUrl").ok().as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            base_url("http://localhost", "apiUrl").ok().as_deref(),
            Some("http://localhost")
        );
        for bad in [
            "http://api.scaleway.com",
            "api.scaleway.com",
            "javascript:alert(1)",
            "https://",
            "https://a b",
            "https://x?y",
            "http://localhost.evil.com",
            "http://user@localhost",
        ] {
            assert!(base_url(bad, "apiUrl").is_err(), "{bad}");
        }
    }

    #[test]
    fn secret_keys_are_uuids() {
        let key = "11111111-2222-4333-8444-555555555555";
        assert_eq!(secret_key(key, "secretKey"), Ok(key));
        for bad in [
            "",
            "k",
            "a\r\nX-Evil: 1",
            "SCW0123456789ABCDEFG",
            &key[1..],
            "é",
        ] {
            assert_eq!(
                secret_key(bad, "secretKey").map_err(|e| matches!(
                    e,
                    Error::Validation { field, .. } if field == "secretKey"
                )),
                Err(true)
            );
        }
    }

    #[test]
    fn header_values_cannot_smuggle_line_breaks() {
        assert!(header_value("abc.def", "token").is_ok());
        for bad in ["", "a\r\nX-Evil: 1", "a\nb", "é"] {
            assert!(header_value(bad, "token").is_err());
        }
    }

    #[test]
    fn page_numbers_must_be_whole_and_in_range() {
        assert_eq!(whole(3.0, 1, 100, "page").ok(), Some(3));
        for bad in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY, 101.0] {
            assert!(whole(bad, 1, 100, "page").is_err());
        }
    }

    #[test]
    fn rfc3339_timestamps_are_parsed_with_fractions_and_offsets() {
        assert_eq!(rfc3339_ms("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            rfc3339_ms("2025-01-28T15:55:38+01:00"),
            rfc3339_ms("2025-01-28T14:55:38Z")
        );
        assert_eq!(
            rfc3339_ms("2027-01-31T12:00:00Z"),
            Some(1_801_396_800_000.0)
        );
        assert_eq!(
            rfc3339_ms("2025-01-28T14:55:38.123456789Z"),
            Some(rfc3339_ms("2025-01-28T14:55:38Z").unwrap() + 123.0)
        );
        assert!(rfc3339_ms("2024-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn impossible_or_sloppy_dates_are_refused() {
        for bad in [
            "2027-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2027-13-01T00:00:00Z",
            "2027-01-01",
            "2027-01-01T24:00:00Z",
            "2027-01-01T00:00:00",
            "2027-01-01T00:00:00.Z",
            "tomorrow",
            "2027-01-01T00:00:00+1:00",
        ] {
            assert_eq!(rfc3339_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_expiry_must_lie_in_the_future() {
        assert!(future_ms(Some(2.0), 1.0).is_ok());
        assert_eq!(
            field_of(future_ms(Some(1.0), 1.0).unwrap_err()),
            "expiresAt"
        );
        assert!(future_ms(Some(f64::NAN), 1.0).is_err());
        assert!(future_ms(None, 1.0).is_err());
    }
}
