//! Starts the real `scw-emulator` binary on a free port and talks HTTP to it.
#![allow(dead_code)]

pub mod in_process;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use ureq::http::Request;

/// A running emulator, killed when dropped.
pub struct Emulator {
    pub child: Child,
    pub info: Value,
    agent: ureq::Agent,
}

/// An HTTP answer: status and body (JSON when it parses, else a string).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub headers: ureq::http::HeaderMap,
}

impl Emulator {
    /// Starts an emulator with these extra flags and waits for its ready line.
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_scw-emulator"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the emulator starts");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout is piped");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the ready line is readable");
        let info: Value = serde_json::from_str(&line).expect("the ready line is JSON");
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Emulator { child, info, agent }
    }

    pub fn field(&self, name: &str) -> String {
        self.info[name]
            .as_str()
            .expect("a ready-line field")
            .to_owned()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.field("api_url"))
    }

    /// Sends a request with these headers and an optional raw body.
    pub fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = self
            .agent
            .run(
                request
                    .body(body.unwrap_or("").to_owned())
                    .expect("a valid request"),
            )
            .expect("the emulator answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer {
            status,
            body,
            headers,
        }
    }

    /// Calls the API of region fr-par with the secret key.
    pub fn api(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        let key = self.field("secret_key");
        let url = self.url(&format!("/functions/v1beta1/regions/fr-par{path}"));
        let body = body.map(|b| b.to_string());
        let mut headers = vec![("X-Auth-Token", key.as_str())];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        self.send(method, &url, &headers, body.as_deref())
    }

    /// Calls the IAM API (`/iam/v1alpha1{path}`) with this secret key.
    pub fn iam_as(&self, key: &str, method: &str, path: &str, body: Option<Value>) -> Answer {
        let url = self.url(&format!("/iam/v1alpha1{path}"));
        let body = body.map(|b| b.to_string());
        let headers = [("X-Auth-Token", key), ("Content-Type", "application/json")];
        self.send(method, &url, &headers, body.as_deref())
    }

    /// The emulator's organization, as its first namespace shows it.
    pub fn organization_id(&self) -> Value {
        self.api("GET", "/namespaces", None).body["namespaces"][0]["organization_id"].clone()
    }

    /// Creates a token for the seeded function (or with this body) and returns the answer body.
    pub fn create_token(&self, body: Value) -> Value {
        let answer = self.api("POST", "/tokens", Some(body));
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        answer.body
    }

    /// A token for the seeded function.
    pub fn function_token(&self) -> Value {
        self.create_token(json!({ "function_id": self.field("function_id") }))
    }

    /// Calls a function URL with an optional token; returns the status.
    pub fn call(&self, url: &str, token: Option<&str>) -> u16 {
        let headers: Vec<(&str, &str)> = token.map(|t| ("X-Auth-Token", t)).into_iter().collect();
        self.send("GET", url, &headers, None).status
    }

    /// Calls the seeded private function.
    pub fn call_seeded(&self, token: Option<&str>) -> u16 {
        self.call(&self.field("function_url"), token)
    }

    /// Stops the process with SIGTERM and returns whether it exited with 0.
    pub fn terminate(mut self) -> bool {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        self.child.wait().map(|s| s.success()).unwrap_or(false)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A temporary directory removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("scw-emulator-{name}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    pub fn file(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
