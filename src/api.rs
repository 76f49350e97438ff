//! Wire types of the Functions API (snake_case, as sent by Scaleway).

use serde::{Deserialize, Serialize};

/// The placeholder the API sends instead of a token's secret after its creation.
const HIDDEN: &str = "<hidden>";

/// A function token as the API sends it.
#[derive(Debug, Deserialize, PartialEq)]
pub struct Token {
    pub id: String,
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub function_id: Option<String>,
    #[serde(default)]
    pub namespace_id: Option<String>,
    pub status: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
}

impl Token {
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

/// A Serverless Functions namespace (the fields a caller of private functions needs).
#[derive(Debug, Deserialize)]
pub struct Namespace {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub project_id: String,
    #[serde(default)]
    pub organization_id: String,
    #[serde(default)]
    pub region: String,
    pub status: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub error_message: Option<String>,
}

/// A function (the fields a caller of private functions needs).
#[derive(Debug, Deserialize)]
pub struct Function {
    pub id: String,
    pub name: String,
    pub namespace_id: String,
    #[serde(default)]
    pub region: String,
    pub status: String,
    #[serde(default)]
    pub privacy: String,
    #[serde(default)]
    pub domain_name: String,
    #[serde(default)]
    pub runtime: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub error_message: Option<String>,
}

/// One page of a list call.
pub trait Page: for<'de> Deserialize<'de> {
    /// The listed object.
    type Item;
    /// `total_count` of the answer.
    fn total(&self) -> u32;
    /// The objects of this page.
    fn into_items(self) -> Vec<Self::Item>;
}

macro_rules! page {
    ($name:ident, $field:ident, $item:ty) => {
        /// One page of a list answer.
        #[derive(Debug, Deserialize)]
        pub struct $name {
            #[serde(default)]
            pub $field: Vec<$item>,
            #[serde(default)]
            pub total_count: u32,
        }

        impl Page for $name {
            type Item = $item;
            fn total(&self) -> u32 {
                self.total_count
            }
            fn into_items(self) -> Vec<$item> {
                self.$field
            }
        }
    };
}

page!(TokenPage, tokens, Token);
page!(NamespacePage, namespaces, Namespace);
page!(FunctionPage, functions, Function);

/// Body of CreateToken.
#[derive(Debug, Default, Serialize)]
pub struct CreateToken<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_token_never_exposes_the_hidden_placeholder() {
        let t: Token = serde_json::from_str(
            r#"{"id":"a","token":"<hidden>","function_id":"f","public_key":"","status":"ready","description":"","expires_at":null}"#,
        )
        .unwrap();
        assert_eq!(t.secret(), None);
        assert_eq!(t.description(), None);
        assert_eq!(t.namespace_id, None);
        assert!(!t.is_transient());
    }

    #[test]
    fn a_created_token_shows_its_secret_once() {
        let t: Token = serde_json::from_str(r#"{"id":"a","token":"eyJ.x.y","namespace_id":"n","status":"creating","description":"ci"}"#).unwrap();
        assert_eq!(t.secret(), Some("eyJ.x.y"));
        assert_eq!(t.description(), Some("ci"));
        assert!(t.is_transient());
    }

    #[test]
    fn a_create_request_sends_only_what_was_given() {
        let body = CreateToken {
            function_id: Some("f"),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"function_id":"f"}"#
        );
    }
}
