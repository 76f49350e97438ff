//! The API's wire format (snake_case): request bodies as serde types, and read access to answers.
//!
//! Answers are parsed by the host (`JSON.parse`) and read here only for what a decision needs
//! (an id, a status, a count); their JS shapes are made in one place, js/shape.js.

use serde::Serialize;

/// Read access to a parsed JSON value: the host's objects in wasm, `serde_json` in tests.
pub trait Json: Sized + Clone {
    /// A property of an object (None when absent or null).
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

/// A request body; every variant serializes as the JSON object the API expects.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Body<'a> {
    Token(CreateToken<'a>),
    Application(CreateApplication<'a>),
    Policy(CreatePolicy<'a>),
    ApiKey(CreateApiKey<'a>),
}

/// CreateToken: exactly one of `function_id` and `namespace_id`.
#[derive(Debug, Serialize)]
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

/// CreateApplication (IAM).
#[derive(Debug, Serialize)]
pub struct CreateApplication<'a> {
    pub name: &'a str,
    pub organization_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
}

/// CreatePolicy (IAM): permission sets granted to an application on projects.
#[derive(Debug, Serialize)]
pub struct CreatePolicy<'a> {
    pub name: &'a str,
    pub organization_id: &'a str,
    pub application_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    pub rules: [Rule<'a>; 1],
}

/// One rule of a policy.
#[derive(Debug, Serialize)]
pub struct Rule<'a> {
    pub permission_set_names: [&'a str; 1],
    pub project_ids: [&'a str; 1],
}

/// CreateAPIKey (IAM).
#[derive(Debug, Serialize)]
pub struct CreateApiKey<'a> {
    pub application_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<&'a str>,
    pub default_project_id: &'a str,
}

/// True while a token (or any object with a `status`) is being created or deleted.
pub fn is_transient(j: &impl Json) -> bool {
    matches!(j.str("status").as_deref(), Some("creating" | "deleting"))
}

/// A whole-number property (quotas, limits), None when absent or not a number.
pub fn integer(j: &impl Json, key: &str) -> Option<i64> {
    j.num(key).filter(|n| n.is_finite()).map(|n| n as i64)
}

/// `total_count` of a list answer, within `0..=u32::MAX` (0 when absent or negative).
pub fn total_count(j: &impl Json) -> u32 {
    j.num("total_count")
        .filter(|n| *n >= 0.0)
        .map_or(0, |n| n.min(f64::from(u32::MAX)) as u32)
}

/// The objects of one page of a list answer and its `total_count`.
pub fn page<J: Json>(j: &J, key: &str) -> (Vec<J>, u32) {
    (j.list(key), total_count(j))
}

/// Native tests read answers parsed by serde_json.
#[cfg(test)]
impl Json for serde_json::Value {
    fn get(&self, key: &str) -> Option<Self> {
        self.get(key).filter(|v| !v.is_null()).cloned()
    }
    fn as_text(&self) -> Option<String> {
        self.as_str().map(String::from)
    }
    fn as_num(&self) -> Option<f64> {
        self.as_f64()
    }
    fn items(&self) -> Vec<Self> {
        self.as_array().cloned().unwrap_or_default()
    }
    fn entries(&self) -> Vec<(String, Self)> {
        self.as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{from_str, json, to_value, Value};

    #[test]
    fn a_token_request_sends_only_what_was_given() {
        let body = Body::Token(CreateToken {
            function_id: Some("f"),
            namespace_id: None,
            description: Some("say \"hi\"\n"),
            expires_at: None,
        });
        assert_eq!(
            to_value(&body).unwrap(),
            json!({ "function_id": "f", "description": "say \"hi\"\n" })
        );
    }

    #[test]
    fn a_policy_grants_one_permission_set_on_one_project() {
        let body = Body::Policy(CreatePolicy {
            name: "n",
            organization_id: "o",
            application_id: "a",
            description: None,
            rules: [Rule {
                permission_set_names: ["FunctionsPrivateAccess"],
                project_ids: ["p"],
            }],
        });
        assert_eq!(
            to_value(&body).unwrap(),
            json!({ "name": "n", "organization_id": "o", "application_id": "a",
                "rules": [{ "permission_set_names": ["FunctionsPrivateAccess"], "project_ids": ["p"] }] })
        );
    }

    #[test]
    fn a_page_reads_its_objects_and_a_sane_count() {
        let j: Value = from_str(r#"{"tokens":[{"id":"a"}],"total_count":-3}"#).unwrap();
        let (items, total) = page(&j, "tokens");
        assert_eq!((items.len(), total), (1, 0));
        let j: Value = from_str(r#"{"total_count":1e12}"#).unwrap();
        assert_eq!(page(&j, "tokens").1, u32::MAX);
    }

    #[test]
    fn creating_and_deleting_are_the_transient_statuses() {
        for (status, transient) in [("creating", true), ("deleting", true), ("ready", false)] {
            let j: Value = json!({ "status": status });
            assert_eq!(is_transient(&j), transient, "{status}");
        }
        assert!(!is_transient(&json!({})));
    }
}
