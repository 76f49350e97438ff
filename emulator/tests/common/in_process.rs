//! The emulator's router (`scw_emulator::app`) called in-process with `oneshot`: no process, no
//! port, the same answers.

use axum::body::Body;
use axum::http::{HeaderMap, Request};
use axum::Router;
use clap::Parser;
use http_body_util::BodyExt;
use scw_emulator::args::Args;
use serde_json::Value;
use tower::ServiceExt;

/// What the in-process emulator answers as its address.
pub const API_URL: &str = "http://emulator.test";

/// An emulator answering in-process.
pub struct InProcess {
    router: Router,
    pub info: Value,
}

/// An answer: status, headers and body (JSON when it parses, else a string).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The arguments an `invalid_arguments` answer names, in order.
    pub fn refused(&self) -> Vec<&str> {
        (self.body["details"].as_array().into_iter().flatten())
            .filter_map(|detail| detail["argument_name"].as_str())
            .collect()
    }
}

impl InProcess {
    /// The emulator these flags describe (`--port` is not needed).
    pub async fn new(flags: &[&str]) -> Self {
        let args = Args::try_parse_from([&["scw-emulator"], flags].concat()).expect("valid flags");
        let router = scw_emulator::app(&args, API_URL).expect("the emulator builds");
        let mut emulator = InProcess {
            router,
            info: Value::Null,
        };
        emulator.info = emulator
            .send("GET", "/emulator/info", None, None)
            .await
            .body;
        emulator
    }

    pub fn field(&self, name: &str) -> String {
        self.info[name].as_str().expect("an info field").to_owned()
    }

    /// Sends a request to `path` with this credential and JSON body.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(key) = key {
            request = request.header("X-Auth-Token", key);
        }
        let body = match body {
            Some(json) => {
                request = request.header("Content-Type", "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.raw(request.body(body).expect("a valid request")).await
    }

    /// Sends a request as it is.
    pub async fn raw(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("an answer");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Calls the API with the emulator's secret key (region fr-par for a relative Functions path).
    pub async fn api(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let path = if path.starts_with("/iam/") {
            path.to_owned()
        } else {
            format!("/functions/v1beta1/regions/fr-par{path}")
        };
        let key = self.field("secret_key");
        self.send(method, &path, Some(&key), body.as_ref()).await
    }

    /// Like [`InProcess::api`], asserting a 200, and returns the body.
    pub async fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let reply = self.api(method, path, body).await;
        assert_eq!(reply.status, 200, "{method} {path}: {:?}", reply.body);
        reply.body
    }
}
