//! The crate's one error type; the JS boundary turns it into `ScwError` subclasses (shape.rs).
//! Answers of the API that are not a success are mapped in `api` (cargo feature `client`).

#[cfg(feature = "client")]
mod api;

#[cfg(feature = "client")]
pub use api::{from_response, unexpected, ApiError, Body, Detail, Kind, Subject};

use serde::Serialize;
use std::borrow::Cow;

/// Every failure of the library.
#[derive(Debug, PartialEq)]
pub enum Error {
    /// The input was refused before any request (`ValidationError`).
    Validation {
        field: Cow<'static, str>,
        reason: &'static str,
    },
    /// The API answered with an error status (or an unreadable success).
    #[cfg(feature = "client")]
    Api(Box<ApiError>),
    /// The request never got an answer (`NetworkError`); the text is the host's message.
    Network(String),
    /// The API answered with a redirect, which is never followed (`NetworkError`): `status` and
    /// the target's `origin`, when the host shows them.
    Redirect {
        status: Option<u16>,
        origin: Option<String>,
    },
    /// A deadline passed (`TimeoutError`).
    Timeout(String),
    /// The caller's signal aborted the call (`AbortError`).
    Aborted,
}

/// What JS needs to build an error: its class, message and fields (snake_case like the API's;
/// js/shape.js makes them camelCase). Absent fields serialize as nothing or `undefined`.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub class: &'static str,
    pub message: String,
    #[serde(rename = "type")]
    pub type_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'a str>,
    #[cfg(feature = "client")]
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub body: Option<&'a Body>,
}

impl Error {
    /// A `ValidationError` for the option or argument `field`.
    pub fn invalid(field: impl Into<Cow<'static, str>>, reason: &'static str) -> Self {
        Error::Validation {
            field: field.into(),
            reason,
        }
    }

    /// The report of this error for the JS boundary.
    pub fn report(&self) -> Report<'_> {
        let (class, type_name, field) = match self {
            Error::Validation { field, .. } => {
                ("ValidationError", "validation_error", Some(field.as_ref()))
            }
            #[cfg(feature = "client")]
            Error::Api(e) => (e.kind.class(), e.type_name.as_str(), None),
            Error::Network(_) => ("NetworkError", "network_error", None),
            Error::Redirect { .. } => ("NetworkError", "redirect_refused", None),
            Error::Timeout(_) => ("TimeoutError", "timeout", None),
            Error::Aborted => ("AbortError", "aborted", None),
        };
        #[cfg(feature = "client")]
        let api = match self {
            Error::Api(e) => Some(e),
            _ => None,
        };
        let status = match self {
            #[cfg(feature = "client")]
            Error::Api(e) => Some(e.status),
            Error::Redirect { status, .. } => *status,
            _ => None,
        };
        Report {
            class,
            message: self.message(),
            type_name,
            status,
            field,
            #[cfg(feature = "client")]
            body: api.map(|e| &e.body),
        }
    }

    /// The readable message (never contains a secret: only ids, field names and API text).
    pub fn message(&self) -> String {
        match self {
            Error::Validation { field, reason } => format!("{field} {reason}"),
            #[cfg(feature = "client")]
            Error::Api(e) => e.message.clone(),
            Error::Network(m) => format!("network error: {m}"),
            Error::Redirect { status, origin } => {
                let answer =
                    status.map_or("with a redirect".into(), |s| format!("{s}, a redirect"));
                let to = origin
                    .as_deref()
                    .map_or(String::new(), |o| format!(" to {o}"));
                format!(
                    "the API answered {answer}{to}, which is not followed: Scaleway's API never \
                     redirects, and the secret key must not reach another origin (check apiUrl)"
                )
            }
            Error::Timeout(m) => m.clone(),
            Error::Aborted => "the operation was aborted".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_validation_report_names_its_field() {
        let v = Error::invalid("secretKey", "is required");
        assert_eq!(
            serde_json::to_value(v.report()).unwrap(),
            serde_json::json!({ "class": "ValidationError", "message": "secretKey is required",
                "type": "validation_error", "field": "secretKey" })
        );
    }
}
