//! Answers of the API that are not a success, mapped from Scaleway error bodies to an error
//! class, a readable message and the body's fields.

use super::Error;
use crate::wire::{self, Json};
use serde::{Serialize, Serializer};

/// Which JS error class an API failure becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `InvalidArgumentsError`
    InvalidArguments,
    /// `NotFoundError`
    NotFound,
    /// `DeniedAuthenticationError`
    DeniedAuthentication,
    /// `PermissionsDeniedError`
    PermissionsDenied,
    /// `QuotasExceededError`
    QuotasExceeded,
    /// `TransientStateError`
    TransientState,
    /// `TooManyRequestsError`
    TooManyRequests,
    /// plain `ScwError`
    Other,
}

impl Kind {
    /// The JS class name.
    pub fn class(self) -> &'static str {
        match self {
            Kind::InvalidArguments => "InvalidArgumentsError",
            Kind::NotFound => "NotFoundError",
            Kind::DeniedAuthentication => "DeniedAuthenticationError",
            Kind::PermissionsDenied => "PermissionsDeniedError",
            Kind::QuotasExceeded => "QuotasExceededError",
            Kind::TransientState => "TransientStateError",
            Kind::TooManyRequests => "TooManyRequestsError",
            Kind::Other => "ScwError",
        }
    }

    fn from_type(t: &str) -> Option<(Kind, &'static str)> {
        Some(match t {
            "invalid_arguments" | "invalid_request_error" => {
                (Kind::InvalidArguments, "invalid_arguments")
            }
            "not_found" | "unknown_resource" => (Kind::NotFound, "not_found"),
            "denied_authentication" => (Kind::DeniedAuthentication, "denied_authentication"),
            "permissions_denied" => (Kind::PermissionsDenied, "permissions_denied"),
            "quotas_exceeded" => (Kind::QuotasExceeded, "quotas_exceeded"),
            "transient_state" => (Kind::TransientState, "transient_state"),
            "too_many_requests" => (Kind::TooManyRequests, "too_many_requests"),
            _ => return None,
        })
    }

    fn from_status(status: u16) -> (Kind, &'static str) {
        match status {
            400 => (Kind::InvalidArguments, "invalid_arguments"),
            401 => (Kind::DeniedAuthentication, "denied_authentication"),
            403 => (Kind::PermissionsDenied, "permissions_denied"),
            404 => (Kind::NotFound, "not_found"),
            409 => (Kind::TransientState, "transient_state"),
            429 => (Kind::TooManyRequests, "too_many_requests"),
            _ => (Kind::Other, "unknown"),
        }
    }
}

/// One entry of `details` (the fields of every error type, all optional).
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct Detail {
    pub argument_name: Option<String>,
    pub reason: Option<String>,
    pub help_message: Option<String>,
    pub resource: Option<String>,
    pub action: Option<String>,
    pub quota: Option<i64>,
    pub current: Option<i64>,
}

/// A Scaleway error body, every documented shape at once; serialized (snake_case, like the
/// API's) as the fields of the JS error.
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct Body {
    #[serde(skip)]
    pub kind: Option<String>,
    #[serde(skip)]
    pub message: Option<String>,
    pub resource: Option<String>,
    pub resource_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Detail>,
    pub method: Option<String>,
    pub reason: Option<String>,
    pub current_state: Option<String>,
    pub help_message: Option<String>,
    pub precondition: Option<String>,
    pub limit: Option<i64>,
    /// `fields` of the older `invalid_request_error` shape: messages per field.
    #[serde(serialize_with = "as_map", skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<(String, Vec<String>)>,
}

/// `fields` as an object, in the API's order.
fn as_map<S: Serializer>(fields: &[(String, Vec<String>)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(fields.iter().map(|(name, messages)| (name, messages)))
}

impl Detail {
    fn from_json(j: &impl Json) -> Self {
        Detail {
            argument_name: j.str("argument_name"),
            reason: j.str("reason"),
            help_message: j.str("help_message"),
            resource: j.str("resource"),
            action: j.str("action"),
            quota: wire::integer(j, "quota"),
            current: wire::integer(j, "current"),
        }
    }
}

impl Body {
    /// Reads every known field of an error body.
    pub fn from_json<J: Json>(j: &J) -> Self {
        let fields = j.get("fields").map(|f| f.entries()).unwrap_or_default();
        Body {
            kind: j.str("type"),
            message: j.str("message"),
            resource: j.str("resource"),
            resource_id: j.str("resource_id"),
            details: j.list("details").iter().map(Detail::from_json).collect(),
            method: j.str("method"),
            reason: j.str("reason"),
            current_state: j.str("current_state"),
            help_message: j.str("help_message"),
            precondition: j.str("precondition"),
            limit: wire::integer(j, "limit"),
            fields: fields
                .into_iter()
                .map(|(name, v)| (name, v.items().iter().filter_map(J::as_text).collect()))
                .collect(),
        }
    }
}

/// An answer of the API that is not a success.
#[derive(Debug, PartialEq)]
pub struct ApiError {
    pub kind: Kind,
    pub status: u16,
    /// The error `type` (from the body, else derived from the status).
    pub type_name: String,
    pub message: String,
    pub body: Body,
}

/// What a request was about, to name it in a message-only 404.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    pub resource: &'static str,
    pub id: &'a str,
}

fn reason_text(reason: &str) -> &str {
    match reason {
        "required" => "is required",
        "format" => "is wrongly formatted",
        "constraint" => "does not respect constraint",
        other => other,
    }
}

fn push_details(msg: &mut String, details: &[Detail], one: impl Fn(&mut String, &Detail)) {
    for (i, d) in details.iter().enumerate() {
        msg.push_str(if i == 0 { ": " } else { "; " });
        one(msg, d);
    }
}

/// Builds the error of a failed answer. `body` is the parsed JSON (None when it was not JSON)
/// and `excerpt` the first characters of the raw text, used when nothing better is known.
pub fn from_response(
    status: u16,
    body: Option<Body>,
    excerpt: &str,
    subject: Option<Subject>,
) -> Error {
    let parsed = body.is_some();
    let mut body = body.unwrap_or_default();
    let (kind, type_name) = match body.kind.as_deref().and_then(Kind::from_type) {
        Some(k) => k,
        None => Kind::from_status(status),
    };
    let type_name = body
        .kind
        .clone()
        .filter(|_| kind == Kind::Other)
        .unwrap_or_else(|| type_name.into());
    if kind == Kind::NotFound && body.resource.is_none() {
        if let Some(s) = subject {
            body.resource = Some(s.resource.into());
            body.resource_id = Some(s.id.into());
        }
    }
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let fallback = || match &body.message {
        Some(m) if !m.is_empty() => m.clone(),
        _ if parsed => format!("HTTP {status}"),
        _ => format!("HTTP {status}: {excerpt}"),
    };
    let message = match kind {
        Kind::InvalidArguments if !body.details.is_empty() => {
            let mut m = String::from("invalid argument(s)");
            push_details(&mut m, &body.details, |m, d| {
                m.push_str(d.argument_name.as_deref().unwrap_or("argument"));
                m.push(' ');
                m.push_str(reason_text(d.reason.as_deref().unwrap_or("")));
                if let Some(help) = d.help_message.as_deref().filter(|h| !h.is_empty()) {
                    m.push_str(", ");
                    m.push_str(help);
                }
            });
            m
        }
        Kind::InvalidArguments if !body.fields.is_empty() => {
            let mut m = String::from("invalid argument(s)");
            for (i, (name, msgs)) in body.fields.iter().enumerate() {
                m.push_str(if i == 0 { ": " } else { "; " });
                m.push_str(name);
                for (j, msg) in msgs.iter().enumerate() {
                    m.push_str(if j == 0 { " " } else { ", " });
                    m.push_str(msg);
                }
            }
            m
        }
        Kind::NotFound if body.resource.is_some() => [
            "resource ",
            &opt(&body.resource),
            " with ID ",
            &opt(&body.resource_id),
            " is not found",
        ]
        .concat(),
        Kind::DeniedAuthentication if body.reason.is_some() => {
            let reason = match body.reason.as_deref() {
                Some("invalid_argument") => "invalid argument",
                Some("not_found") => "not found",
                Some("expired") => "expired",
                other => other.unwrap_or_default(),
            };
            [
                "denied authentication: ",
                reason,
                " (method ",
                &opt(&body.method),
                ")",
            ]
            .concat()
        }
        Kind::PermissionsDenied if !body.details.is_empty() => {
            let mut m = String::from("insufficient permissions");
            push_details(&mut m, &body.details, |m, d| {
                m.push_str(d.action.as_deref().unwrap_or_default());
                m.push(' ');
                m.push_str(d.resource.as_deref().unwrap_or_default());
            });
            m
        }
        Kind::QuotasExceeded if !body.details.is_empty() => {
            let mut m = String::from("quota(s) exceeded");
            push_details(&mut m, &body.details, |m, d| {
                m.push_str(d.resource.as_deref().unwrap_or_default());
                m.push_str(" has reached its quota");
            });
            m
        }
        Kind::TransientState if body.resource.is_some() => [
            "resource ",
            &opt(&body.resource),
            " with ID ",
            &opt(&body.resource_id),
            " is in a transient state: ",
            &opt(&body.current_state),
        ]
        .concat(),
        Kind::TooManyRequests if body.help_message.is_some() => {
            ["too many requests: ", &opt(&body.help_message)].concat()
        }
        Kind::Other if body.help_message.as_deref().is_some_and(|h| !h.is_empty()) => {
            [&fallback(), ": ", &opt(&body.help_message)].concat()
        }
        _ => fallback(),
    };
    Error::Api(Box::new(ApiError {
        kind,
        status,
        type_name,
        message,
        body,
    }))
}

/// A success answer whose body could not be read as the expected object.
pub fn unexpected() -> Error {
    Error::Api(Box::new(ApiError {
        kind: Kind::Other,
        status: 200,
        type_name: "unexpected_response".into(),
        message: "the API answered with an unexpected body".into(),
        body: Body::default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(status: u16, json: &str, subject: Option<Subject>) -> ApiError {
        let body = serde_json::from_str::<serde_json::Value>(json)
            .ok()
            .map(|v| Body::from_json(&v));
        match from_response(status, body, json, subject) {
            Error::Api(e) => *e,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_message_only_404_names_the_resource_that_was_asked_for() {
        let subject = Subject {
            resource: "token",
            id: "11111111-1111-1111-1111-111111111111",
        };
        let e = map(404, r#"{"message":"Token was not found"}"#, Some(subject));
        assert_eq!(e.kind, Kind::NotFound);
        assert_eq!(e.type_name, "not_found");
        assert_eq!(
            e.message,
            "resource token with ID 11111111-1111-1111-1111-111111111111 is not found"
        );
        assert_eq!(e.body.resource_id.as_deref(), Some(subject.id));
    }

    #[test]
    fn invalid_arguments_list_each_field() {
        let e = map(
            400,
            r#"{"details":[{"argument_name":"expires_at","reason":"format","help_message":""}],"message":"invalid argument(s)","type":"invalid_arguments"}"#,
            None,
        );
        assert_eq!(e.kind, Kind::InvalidArguments);
        assert_eq!(
            e.message,
            "invalid argument(s): expires_at is wrongly formatted"
        );
    }

    #[test]
    fn a_bad_secret_key_is_denied_authentication() {
        let e = map(
            401,
            r#"{"message":"authentication is denied","method":"api_key","reason":"invalid_argument","type":"denied_authentication"}"#,
            None,
        );
        assert_eq!(e.kind, Kind::DeniedAuthentication);
        assert_eq!(
            e.message,
            "denied authentication: invalid argument (method api_key)"
        );
    }

    #[test]
    fn the_class_follows_the_type_before_the_status() {
        assert_eq!(map(403, r#"{"type":"quotas_exceeded","details":[{"resource":"tokens","quota":10,"current":10}]}"#, None).kind, Kind::QuotasExceeded);
        assert_eq!(map(409, r#"{"type":"transient_state","resource":"token","resource_id":"x","current_state":"creating"}"#, None).message, "resource token with ID x is in a transient state: creating");
        assert_eq!(
            map(
                429,
                r#"{"type":"too_many_requests","help_message":"slow down"}"#,
                None
            )
            .kind,
            Kind::TooManyRequests
        );
        assert_eq!(map(403, r#"{"type":"permissions_denied","details":[{"resource":"tokens","action":"write"}]}"#, None).message, "insufficient permissions: write tokens");
        assert_eq!(
            map(404, r#"{"type":"unknown_resource","message":"gone"}"#, None).kind,
            Kind::NotFound
        );
        let other = map(
            412,
            r#"{"type":"precondition_failed","message":"nope"}"#,
            None,
        );
        assert_eq!(
            (other.kind, other.type_name.as_str(), other.message.as_str()),
            (Kind::Other, "precondition_failed", "nope")
        );
        let refused = map(
            412,
            r#"{"help_message":"creating function tokens is disabled","message":"precondition failed","precondition":"token_creation_disabled","type":"precondition_failed"}"#,
            None,
        );
        assert_eq!(
            refused.message,
            "precondition failed: creating function tokens is disabled"
        );
        assert_eq!(
            refused.body.precondition.as_deref(),
            Some("token_creation_disabled")
        );
    }

    #[test]
    fn old_style_field_errors_are_invalid_arguments() {
        let e = map(
            400,
            r#"{"type":"invalid_request_error","message":"bad","fields":{"name":["is too long"]}}"#,
            None,
        );
        assert_eq!(e.message, "invalid argument(s): name is too long");
    }

    #[test]
    fn a_report_carries_the_class_and_every_field_the_api_sent() {
        let e = Error::Api(Box::new(map(
            400,
            r#"{"type":"invalid_request_error","message":"bad","fields":{"b":["x"],"a":["y","z"]},"help_message":"see docs"}"#,
            None,
        )));
        let report = serde_json::to_value(e.report()).unwrap();
        assert_eq!(report["class"], "InvalidArgumentsError");
        assert_eq!(report["type"], "invalid_arguments");
        assert_eq!(report["status"], 400);
        assert_eq!(report["help_message"], "see docs");
        assert_eq!(
            report["fields"],
            serde_json::json!({ "a": ["y", "z"], "b": ["x"] })
        );
        assert!(report.get("details").is_none());
    }

    #[test]
    fn a_body_that_is_not_json_gives_the_status_and_an_excerpt() {
        let e = map(502, "<html>Bad Gateway</html>", None);
        assert_eq!(e.kind, Kind::Other);
        assert_eq!(e.message, "HTTP 502: <html>Bad Gateway</html>");
        assert_eq!(map(503, "", None).kind, Kind::Other);
    }
}
