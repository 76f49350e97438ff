//! Request parsing that answers `invalid_arguments` instead of axum's plain-text rejections.

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::errors::{ApiError, Detail, Reason};
use crate::model::Region;

/// Largest accepted API request body.
pub const MAX_BODY: usize = 64 * 1024;

/// A JSON body of at most [`MAX_BODY`] bytes (an empty body reads as `{}`).
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY)
            .await
            .map_err(|_| {
                ApiError::invalid(
                    "body",
                    Reason::Constraint,
                    "the body must be at most 64 KiB",
                )
            })?;
        let bytes: &[u8] = if bytes.is_empty() { b"{}" } else { &bytes };
        serde_json::from_slice(bytes).map(Body).map_err(|e| {
            ApiError::invalid("body", Reason::Format, format!("invalid JSON body: {e}"))
        })
    }
}

/// The query string's pairs, in order (list filters may repeat a name).
pub struct Query(Vec<(String, String)>);

impl Query {
    /// Reads a raw query string.
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        let uri: axum::http::Uri = format!("/?{query}")
            .parse()
            .map_err(|_| malformed_query())?;
        axum::extract::Query::try_from_uri(&uri)
            .map(|axum::extract::Query(pairs)| Query(pairs))
            .map_err(|_| malformed_query())
    }

    /// The value of `name` (the last one when repeated).
    pub fn get(&self, name: &str) -> Option<&str> {
        (self.0.iter().rev())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        (self.0.iter())
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

fn malformed_query() -> ApiError {
    ApiError::invalid("query", Reason::Format, "malformed query string")
}

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Query::parse(parts.uri.query().unwrap_or(""))
    }
}

/// A JSON object body read field by field, so that a refusal names the field: a value of the
/// wrong type is refused as `format`, a field the call does not take as `constraint`. A `null`
/// value reads as absent, as Scaleway's SDKs send unset fields.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct Fields(Map<String, Value>);

impl Fields {
    /// Takes the field `name`, if present and of type `T`.
    pub fn take<T: DeserializeOwned>(&mut self, check: &mut Checker, name: &str) -> Option<T> {
        match self.0.remove(name)? {
            Value::Null => None,
            value => match serde_json::from_value(value) {
                Ok(value) => Some(value),
                Err(e) => {
                    // What was expected, never the value itself (it may be a secret).
                    let help = match e.to_string().split_once(", expected ") {
                        Some((_, expected)) => format!("{name} must be {expected}"),
                        None => format!("{name}: {e}"),
                    };
                    check.refuse(name, Reason::Format, help);
                    None
                }
            },
        }
    }

    /// Refuses every field no [`Fields::take`] asked for.
    pub fn refuse_others(self, check: &mut Checker) {
        for name in self.0.keys() {
            check.refuse(name, Reason::Constraint, format!("unknown field {name}"));
        }
    }
}

/// Path parameters.
pub struct PathArgs<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathArgs<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::from_request_parts(parts, state)
            .await
            .map(|Path(args)| PathArgs(args))
            .map_err(|_| ApiError::invalid("path", Reason::Format, "malformed path"))
    }
}

/// The served region named in a path, else 404 like an unknown resource.
pub fn region(name: &str) -> Result<Region, ApiError> {
    Region::parse(name).ok_or(ApiError::NotFound("Region was not found"))
}

/// The id in a path, refused as `format` when it is not a UUID.
pub fn path_id(name: &str, value: &str) -> Result<Uuid, ApiError> {
    let mut check = Checker::default();
    let id = check.uuid(name, Some(value));
    check.finish()?;
    id.ok_or_else(|| ApiError::invalid(name, Reason::Required, "missing id"))
}

/// Collects every refused argument of a request, so that one answer names them all.
#[derive(Default)]
pub struct Checker {
    details: Vec<Detail>,
}

impl Checker {
    /// Refuses `name` with this reason.
    pub fn refuse(&mut self, name: &str, reason: Reason, help: impl Into<String>) {
        self.details.push(Detail {
            argument_name: name.to_owned(),
            help_message: help.into(),
            reason,
        });
    }

    /// A UUID argument, if present and well formed.
    pub fn uuid(&mut self, name: &str, value: Option<&str>) -> Option<Uuid> {
        let value = value?;
        match Uuid::try_parse(value) {
            Ok(id) => Some(id),
            Err(_) => {
                self.refuse(name, Reason::Format, format!("{name} must be a UUID"));
                None
            }
        }
    }

    /// UUID arguments (a repeated query argument).
    pub fn uuids(&mut self, name: &str, values: Vec<&str>) -> Vec<Uuid> {
        (values.into_iter())
            .filter_map(|value| self.uuid(name, Some(value)))
            .collect()
    }

    /// A boolean argument, if present and well formed: what Go's `strconv.ParseBool` takes, as
    /// the API does (the Python SDK sends `True` and `False`).
    pub fn boolean(&mut self, name: &str, value: Option<&str>) -> Option<bool> {
        match value? {
            "true" | "True" | "TRUE" | "t" | "T" | "1" => Some(true),
            "false" | "False" | "FALSE" | "f" | "F" | "0" => Some(false),
            _ => {
                self.refuse(
                    name,
                    Reason::Format,
                    format!("{name} must be true or false"),
                );
                None
            }
        }
    }

    /// An RFC 3339 date argument, if present and well formed, in UTC.
    pub fn date(&mut self, name: &str, value: Option<&str>) -> Option<OffsetDateTime> {
        let value = value?;
        match OffsetDateTime::parse(value, &Rfc3339) {
            Ok(date) => Some(date.to_offset(time::UtcOffset::UTC)),
            Err(_) => {
                self.refuse(
                    name,
                    Reason::Format,
                    format!("{name} must be an RFC 3339 date"),
                );
                None
            }
        }
    }

    /// A text argument of at most `max` characters.
    pub fn text(&mut self, name: &str, value: Option<String>, max: usize) -> String {
        let value = value.unwrap_or_default();
        if value.chars().count() > max {
            self.refuse(
                name,
                Reason::Constraint,
                format!("{name} must be at most {max} characters"),
            );
        }
        value
    }

    /// A positive integer argument within `range`, else `default`.
    pub fn number(
        &mut self,
        name: &str,
        value: Option<&str>,
        range: std::ops::RangeInclusive<usize>,
        default: usize,
    ) -> usize {
        let Some(value) = value else { return default };
        match value.parse::<usize>() {
            Ok(n) if range.contains(&n) => n,
            Ok(_) => {
                let help = format!(
                    "{name} must be between {} and {}",
                    range.start(),
                    range.end()
                );
                self.refuse(name, Reason::Constraint, help);
                default
            }
            Err(_) => {
                self.refuse(name, Reason::Format, format!("{name} must be an integer"));
                default
            }
        }
    }

    /// Ok when nothing was refused.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.details.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Invalid(self.details))
        }
    }
}
