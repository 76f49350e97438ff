//! API URLs: every path segment and query value percent-encoded, ids read from answers included,
//! so that no id can climb to another path or add a query parameter.

use crate::error::{self, Error};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters is escaped, in segments and query values alike.
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A URL being built: a checked base, then segments, then query pairs.
#[derive(Debug)]
pub struct Url {
    text: String,
    has_query: bool,
}

impl Url {
    /// Starts at a checked base URL (scheme and host, maybe a path; no trailing slash).
    pub fn new(base: &str) -> Self {
        Url {
            text: base.into(),
            has_query: false,
        }
    }

    /// Appends `/segment`, escaped. A dot segment (`.`, `..`) or an empty one cannot be escaped
    /// (URL parsers resolve `%2E%2E` too): it is refused as an unexpected value.
    pub fn segment(mut self, segment: &str) -> Result<Self, Error> {
        if matches!(segment, "" | "." | "..") {
            return Err(error::unexpected());
        }
        self.text.push('/');
        self.text.extend(utf8_percent_encode(segment, ESCAPED));
        Ok(self)
    }

    /// Appends the fixed segments of a route (`functions/v1beta1/regions`): known-safe text.
    pub fn route(mut self, route: &'static str) -> Self {
        self.text.push('/');
        self.text.push_str(route);
        self
    }

    /// Appends `key=value` to the query when there is a value, the value escaped.
    pub fn query(mut self, key: &'static str, value: Option<&str>) -> Self {
        if let Some(value) = value {
            self.text.push(if self.has_query { '&' } else { '?' });
            self.has_query = true;
            self.text.push_str(key);
            self.text.push('=');
            self.text.extend(utf8_percent_encode(value, ESCAPED));
        }
        self
    }

    /// The URL.
    pub fn build(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_and_query_values_are_escaped() {
        let url = Url::new("https://api.example")
            .route("iam/v1alpha1/policies")
            .segment("a/b?c#d%e f")
            .unwrap()
            .query("organization_id", Some("x&admin=1"))
            .query("skipped", None)
            .query("page", Some("2"))
            .build();
        assert_eq!(
            url,
            "https://api.example/iam/v1alpha1/policies/a%2Fb%3Fc%23d%25e%20f?organization_id=x%26admin%3D1&page=2"
        );
    }

    #[test]
    fn dot_and_empty_segments_are_refused() {
        for segment in ["", ".", ".."] {
            assert!(
                Url::new("https://a").segment(segment).is_err(),
                "{segment:?}"
            );
        }
        assert!(Url::new("https://a").segment("..x").is_ok());
    }

    #[test]
    fn unicode_is_escaped_as_utf8() {
        let url = Url::new("https://a").segment("é").unwrap().build();
        assert_eq!(url, "https://a/%C3%A9");
    }
}
