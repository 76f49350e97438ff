//! Wire types of the Functions API (snake_case on the wire), read from parsed JSON through [`Json`].
//!
//! No serde here on purpose: reading the host's `JSON.parse` result field by field keeps
//! serde's machinery (and its float printing) out of the shipped wasm.

use crate::prelude::*;

/// The placeholder the API sends instead of a token's secret after its creation.
const HIDDEN: &str = "<hidden>";

/// Read access to a parsed JSON value: the host's objects in wasm, `serde_json` in tests.
pub trait Json: Sized + Clone {
    /// A property of an object.
    fn get(&self, key: &str) -> Option<Self>;
    /// The value as a string.
    fn as_text(&self) -> Option<String>;
    /// The value as a number.
    fn as_num(&self) -> Option<f64>;
    /// The elements of an array (none when not an array).
    fn items(&self) -> Vec<Self>;
    /// The properties of an object (none when not an object).
    fn entries(&self) -> Vec<(String, Self)>;

    /// A string property.
    fn str(&self, key: &str) -> Option<String> {
        self.get(key)?.as_text()
    }
    /// A number property.
    fn num(&self, key: &str) -> Option<f64> {
        self.get(key)?.as_num()
    }
    /// The elements of an array property.
    fn list(&self, key: &str) -> Vec<Self> {
        self.get(key).map(|v| v.items()).unwrap_or_default()
    }
}

/// A function token as the API sends it.
#[derive(Debug, PartialEq)]
pub struct Token {
    pub id: String,
    pub token: Option<String>,
    pub function_id: Option<String>,
    pub namespace_id: Option<String>,
    pub status: String,
    pub description: Option<String>,
    pub expires_at: Option<String>,
}

impl Token {
    /// Reads a token; None when `id` or `status` is missing.
    pub fn from_json(j: &impl Json) -> Option<Self> {
        Some(Token {
            id: j.str("id")?,
            token: j.str("token"),
            function_id: j.str("function_id"),
            namespace_id: j.str("namespace_id"),
            status: j.str("status")?,
            description: j.str("description"),
            expires_at: j.str("expires_at"),
        })
    }

    /// The secret, only when the API really showed it (never the `<hidden>` placeholder).
    pub fn secret(&self) -> Option<&str> {
        self.token
            .as_deref()
            .filter(|t| !t.is_empty() && *t != HIDDEN)
    }

    /// The description, absent when empty.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref().filter(|d| !d.is_empty())
    }

    /// True while the token is being created or deleted.
    pub fn is_transient(&self) -> bool {
        matches!(self.status.as_str(), "creating" | "deleting")
    }
}

/// An IAM API key as CreateAPIKey answers, with the application and policy made for it.
#[derive(Debug, PartialEq)]
pub struct AccessKey {
    pub access_key: String,
    pub secret_key: String,
    pub application_id: String,
    pub policy_id: String,
    pub expires_at: Option<String>,
}

impl AccessKey {
    /// Reads a created key; None without `access_key` or `secret_key` (only creation shows it).
    pub fn from_json(j: &impl Json) -> Option<Self> {
        Some(AccessKey {
            access_key: j.str("access_key")?,
            secret_key: j.str("secret_key").filter(|s| !s.is_empty())?,
            application_id: j.str("application_id").unwrap_or_default(),
            policy_id: String::new(),
            expires_at: j.str("expires_at"),
        })
    }
}

/// Any object of the API (namespace, function) taken as it is, provided it has an `id`.
pub fn object<J: Json + Clone>(j: &J) -> Option<J> {
    j.str("id").map(|_| j.clone())
}

/// Any value taken as it is, to be read later (the wasm reads listed tokens in one go).
pub fn any<J: Clone>(j: &J) -> Option<J> {
    Some(j.clone())
}

/// `snake_case` to `camelCase`, for the keys of API objects handed to JS.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        match c {
            '_' if !out.is_empty() => upper = true,
            c if upper => {
                out.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// One page of a list answer: the objects under `key` and `total_count`.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total_count: u32,
}

impl<T> Page<T> {
    /// Reads a page; None when an object of the page cannot be read.
    pub fn from_json<J: Json>(j: &J, key: &str, item: fn(&J) -> Option<T>) -> Option<Self> {
        let items = j.list(key).iter().map(item).collect::<Option<Vec<T>>>()?;
        let total_count = j
            .num("total_count")
            .filter(|n| *n >= 0.0)
            .map_or(0, |n| n.min(f64::from(u32::MAX)) as u32);
        Some(Page { items, total_count })
    }
}

impl Page<Token> {
    /// Reads a page of ListTokens.
    pub fn of_tokens<J: Json>(j: &J) -> Option<Self> {
        Page::from_json(j, "tokens", Token::from_json)
    }
}

/// Decimal digits of a number, without core::fmt (kept out of the wasm).
pub trait Decimal {
    /// The number in base 10.
    fn to_decimal(self) -> String;
}

impl<N: Into<u32>> Decimal for N {
    fn to_decimal(self) -> String {
        let mut n: u32 = self.into();
        let mut digits = Vec::with_capacity(10);
        loop {
            digits.push(b'0' + (n % 10) as u8);
            n /= 10;
            if n == 0 {
                break;
            }
        }
        digits.iter().rev().map(|d| char::from(*d)).collect()
    }
}

/// Appends `s` as a JSON string literal.
fn push_json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from(HEX[(u32::from(c) >> 4) as usize]));
                out.push(char::from(HEX[(u32::from(c) & 15) as usize]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The JSON object of the given string fields, skipping absent ones.
pub fn json_object(fields: &[(&str, Option<&str>)]) -> String {
    let mut out = String::from("{");
    for (key, value) in fields {
        if let Some(value) = value {
            if out.len() > 1 {
                out.push(',');
            }
            push_json_string(&mut out, key);
            out.push(':');
            push_json_string(&mut out, value);
        }
    }
    out.push('}');
    out
}

/// A JSON object from [`json_object`] with one more field holding already serialized JSON.
pub fn with_raw(mut object: String, key: &str, raw_json: &str) -> String {
    object.pop();
    if object.len() > 1 {
        object.push(',');
    }
    push_json_string(&mut object, key);
    object.push(':');
    object.push_str(raw_json);
    object.push('}');
    object
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{from_str, Value};

    fn token(json: &str) -> Token {
        Token::from_json(&from_str::<Value>(json).unwrap()).unwrap()
    }

    #[test]
    fn a_listed_token_never_exposes_the_hidden_placeholder() {
        let t = token(
            r#"{"id":"a","token":"<hidden>","function_id":"f","public_key":"","status":"ready","description":"","expires_at":null}"#,
        );
        assert_eq!(t.secret(), None);
        assert_eq!(t.description(), None);
        assert_eq!((&t.namespace_id, &t.expires_at), (&None, &None));
        assert!(!t.is_transient());
    }

    #[test]
    fn a_created_token_shows_its_secret_once() {
        let t = token(
            r#"{"id":"a","token":"eyJ.x.y","namespace_id":"n","status":"creating","description":"ci"}"#,
        );
        assert_eq!(t.secret(), Some("eyJ.x.y"));
        assert_eq!(t.description(), Some("ci"));
        assert!(t.is_transient());
    }

    #[test]
    fn an_object_without_id_is_not_a_token() {
        assert!(Token::from_json(&from_str::<Value>(r#"{"status":"ready"}"#).unwrap()).is_none());
        let page = from_str::<Value>(r#"{"tokens":[{"status":"ready"}],"total_count":1}"#).unwrap();
        assert!(Page::from_json(&page, "tokens", Token::from_json).is_none());
    }

    #[test]
    fn a_page_reads_its_objects_and_count() {
        let page = from_str::<Value>(r#"{"functions":[{"id":"f","name":"hello","namespace_id":"n","domain_name":"d"}],"total_count":7}"#).unwrap();
        let p = Page::from_json(&page, "functions", object).unwrap();
        assert_eq!(
            (p.items[0]["domain_name"].as_str(), p.total_count),
            (Some("d"), 7)
        );
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        assert_eq!(
            (
                0u32.to_decimal(),
                404u16.to_decimal(),
                u32::MAX.to_decimal()
            ),
            ("0".into(), "404".into(), "4294967295".into())
        );
    }

    #[test]
    fn api_keys_become_camel_case() {
        assert_eq!(camel_case("domain_name"), "domainName");
        assert_eq!(
            camel_case("secret_environment_variables"),
            "secretEnvironmentVariables"
        );
        assert_eq!(camel_case("id"), "id");
        assert_eq!(camel_case("_odd__key_"), "_oddKey");
    }

    #[test]
    fn request_bodies_are_valid_json_whatever_the_description() {
        let body = json_object(&[
            ("function_id", Some("f")),
            ("namespace_id", None),
            ("description", Some("a \"quoted\"\\\n\u{1}é")),
        ]);
        let back: Value = from_str(&body).unwrap();
        assert_eq!(back["description"], "a \"quoted\"\\\n\u{1}é");
        assert_eq!(back.as_object().unwrap().len(), 2);
        assert_eq!(json_object(&[]), "{}");
    }
}
