//! FunctionProxy's decisions, sans-IO: which origins, methods and paths a browser may use, the
//! answer to a preflight, the CORS headers of every answer, which headers never cross the proxy,
//! and the status a failure of the function becomes. The host driver (src/host/proxy.rs) feeds
//! each request's head to [`Policy::decide`] and does what the [`Decision`] says.

use crate::error::Error;
use crate::validate;
use percent_encoding::percent_decode_str;
use serde::Deserialize;

/// Methods a proxy may allow.
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// The methods allowed by default: all but `OPTIONS`, which the proxy answers itself.
const DEFAULT_METHODS: [&str; 6] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/// How long a browser may reuse a preflight's answer by default, in seconds.
const DEFAULT_MAX_AGE_S: u32 = 600;

/// The longest `maxAge` accepted: a day, Firefox's own cap (Chromium caps at 7200 s).
const MAX_MAX_AGE_S: u32 = 86_400;

/// Percent-decodings an upstream might apply before it routes a path (some decode twice).
const MAX_DECODINGS: usize = 3;

/// Headers of the caller's request that never reach the function: its credentials (the proxy
/// sets its own) and the hop-by-hop headers (RFC 9110 7.6.1), which are for the connection to
/// the proxy. `content-length` goes too: the body is streamed on; and `expect`, whose
/// `100-continue` the proxy's own server answers (Node's fetch refuses to send it).
const REQUEST_DROPPED: [&str; 15] = [
    "x-auth-token",
    "authorization",
    "cookie",
    "host",
    "connection",
    "keep-alive",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "http2-settings",
    "content-length",
    "expect",
];

/// Headers of the function's answer that never reach the caller: hop-by-hop headers, what no
/// longer describes the body the runtime's fetch hands over (already decoded, then streamed),
/// the function's own CORS headers (the proxy sets its own), and `x-auth-token` in case the
/// function echoes the credential.
const RESPONSE_DROPPED: [&str; 13] = [
    "x-auth-token",
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-encoding",
    "content-length",
    "access-control-allow-origin",
    "access-control-allow-credentials",
];

/// Headers of an answer, as name and value pairs in order.
pub type Headers = Vec<(&'static str, String)>;

/// Who may use the proxy and for what: FunctionProxy's options of that name.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Access {
    /// Exact origins of the pages that may call (no wildcard: the proxy adds a credential).
    pub allowed_origins: Vec<String>,
    /// Methods of [`METHODS`], in upper case; default all but `OPTIONS`.
    pub allowed_methods: Option<Vec<String>>,
    /// Path prefixes starting with `/`; default any path.
    pub allowed_paths: Option<Vec<String>>,
    /// Seconds a browser may reuse a preflight's answer; default 600.
    pub max_age: Option<f64>,
}

/// Checked [`Access`]: the proxy's rules.
#[derive(Debug)]
pub struct Policy {
    origins: Vec<String>,
    methods: Vec<String>,
    paths: Vec<String>,
    max_age: u32,
}

/// The head of a browser's request, as the host read it.
#[derive(Debug, Default)]
pub struct Head<'a> {
    pub method: &'a str,
    /// The request's absolute URL.
    pub url: &'a str,
    pub origin: Option<&'a str>,
    /// `Access-Control-Request-Method`: present on a preflight.
    pub request_method: Option<&'a str>,
    /// `Access-Control-Request-Headers` of a preflight.
    pub request_headers: Option<&'a str>,
    /// `Connection`: the headers it names are hop-by-hop too.
    pub connection: Option<&'a str>,
}

/// What to do with a request.
#[derive(Debug, PartialEq)]
pub enum Decision<'a> {
    /// Answer without calling the function.
    Answer(Answer),
    /// Ask `authorize`, then send the request to the function's URL followed by `path` (path and
    /// query as the browser sent them) without the headers `dropped` (lower case), and answer
    /// with `headers` added.
    Forward {
        path: &'a str,
        dropped: Vec<String>,
        headers: Headers,
    },
}

/// An answer the proxy makes itself: a refusal, or a preflight's 204.
#[derive(Debug, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub headers: Headers,
    /// Why the request was refused (the JSON body names it); None for a preflight.
    pub reason: Option<&'static str>,
}

impl Policy {
    /// Checks the options; each bad one is a validation error naming it.
    pub fn new(access: Access) -> Result<Self, Error> {
        let origins: Vec<String> = (access.allowed_origins.iter())
            .map(|o| as_sent(o))
            .collect();
        if origins.is_empty() || origins.iter().any(|o| o == "*") {
            return Err(Error::invalid(
                "allowedOrigins",
                "must list origins, no wildcard",
            ));
        }
        if !origins.iter().all(|o| is_origin(o)) {
            return Err(Error::invalid(
                "allowedOrigins",
                "must hold origins like https://app.example",
            ));
        }
        let methods = access
            .allowed_methods
            .unwrap_or_else(|| DEFAULT_METHODS.map(String::from).to_vec());
        if methods.is_empty() || !methods.iter().all(|m| METHODS.contains(&m.as_str())) {
            return Err(Error::invalid(
                "allowedMethods",
                "must hold HTTP methods in upper case",
            ));
        }
        let paths = access.allowed_paths.unwrap_or_else(|| vec!["/".into()]);
        if paths.is_empty() || !paths.iter().all(|p| is_plain_path(p)) {
            return Err(Error::invalid(
                "allowedPaths",
                "must hold paths starting with /, without dot segments or escapes",
            ));
        }
        let max_age = match access.max_age {
            Some(seconds) => validate::whole(seconds, 0, MAX_MAX_AGE_S, "maxAge")?,
            None => DEFAULT_MAX_AGE_S,
        };
        Ok(Policy {
            origins,
            methods,
            paths,
            max_age,
        })
    }

    /// The decision for a request: other origins (`null` included, which sandboxed frames,
    /// `file:` pages and redirected requests send) and requests without `Origin` are refused
    /// without CORS headers; for allowed origins, a method or path outside the lists is refused,
    /// a preflight answered, anything else forwarded.
    pub fn decide<'a>(&self, head: &Head<'a>) -> Decision<'a> {
        let origin = match head.origin {
            Some(o) if self.origins.iter().any(|allowed| allowed == o) => o,
            _ => return refuse(403, "origin not allowed", Headers::new()),
        };
        let mut headers = cors(origin);
        let preflight = head.request_method.filter(|_| head.method == "OPTIONS");
        let method = preflight.unwrap_or(head.method);
        if !self.methods.iter().any(|m| m == method) {
            return refuse(405, "method not allowed", headers);
        }
        let path = path_and_query(head.url);
        let target = path.split_once('?').map_or(path, |(target, _)| target);
        if !self.allows_path(target) {
            return refuse(403, "path not allowed", headers);
        }
        if preflight.is_some() {
            // What the page sends is allowed (it is for `authorize`); credentials among it are
            // dropped before the function.
            headers.push(("access-control-allow-methods", self.methods.join(", ")));
            if let Some(requested) = head.request_headers {
                headers.push(("access-control-allow-headers", requested.into()));
            }
            headers.push(("access-control-max-age", self.max_age.to_string()));
            return Decision::Answer(Answer {
                status: 204,
                headers,
                reason: None,
            });
        }
        Decision::Forward {
            path,
            dropped: dropped_with(&REQUEST_DROPPED, head.connection),
            headers,
        }
    }

    /// True when every path an upstream might route `target` to lies under an allowed prefix.
    fn allows_path(&self, target: &str) -> bool {
        readings(target).is_some_and(|readings| {
            (readings.iter()).all(|p| self.paths.iter().any(|prefix| p.starts_with(prefix)))
        })
    }
}

/// The headers of the function's answer that never reach the caller: [`RESPONSE_DROPPED`] and
/// those its `Connection` header names.
pub fn response_dropped(connection: Option<&str>) -> Vec<String> {
    dropped_with(&RESPONSE_DROPPED, connection)
}

/// `fixed` and the header names listed in a `Connection` value, in lower case.
fn dropped_with(fixed: &[&str], connection: Option<&str>) -> Vec<String> {
    let named = (connection.unwrap_or_default().split(','))
        .map(str::trim)
        .filter(|name| is_token(name))
        .map(str::to_ascii_lowercase);
    fixed
        .iter()
        .map(|name| name.to_string())
        .chain(named)
        .collect()
}

fn refusal(status: u16, reason: &'static str, headers: Headers) -> Answer {
    Answer {
        status,
        headers,
        reason: Some(reason),
    }
}

fn refuse(status: u16, reason: &'static str, headers: Headers) -> Decision<'static> {
    Decision::Answer(refusal(status, reason, headers))
}

/// The answer when `authorize` did not resolve to `true` (it returned something else, threw or
/// rejected): 403, with the CORS `headers` of the forwarded decision so that the page can read it.
pub fn unauthorized(headers: Headers) -> Answer {
    refusal(403, "not authorized", headers)
}

/// The answer when the function could not be reached: 504 for a deadline, 502 for the rest
/// (unreachable, a token provider that failed). The host's message is left out: the caller
/// learns nothing of the upstream, and nothing of the credential.
pub fn failed(error: &Error, headers: Headers) -> Answer {
    match error {
        Error::Timeout(_) => refusal(504, "upstream timed out", headers),
        _ => refusal(502, "upstream unreachable", headers),
    }
}

/// A header name (RFC 9110 token).
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The CORS headers of an answer to an allowed origin. Credentials are allowed so that a page
/// can send its own session to `authorize`; `Vary` keeps caches from serving one origin's answer to another.
fn cors(origin: &str) -> Headers {
    vec![
        ("access-control-allow-origin", origin.into()),
        ("access-control-allow-credentials", "true".into()),
        ("vary", "Origin".into()),
    ]
}

impl Answer {
    /// The body: `{"error":"<reason>"}` for a refusal (reasons are fixed text), empty for a preflight.
    pub fn body(&self) -> String {
        self.reason
            .map_or_else(String::new, |r| format!(r#"{{"error":"{r}"}}"#))
    }
}

/// True for an origin as browsers send it, in lower case: `http(s)://host[:port]`.
fn is_origin(o: &str) -> bool {
    let host = o
        .strip_prefix("https://")
        .or_else(|| o.strip_prefix("http://"))
        .unwrap_or_default();
    !host.is_empty()
        && !host.ends_with(':')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
}

/// An origin as browsers send it: in lower case, without its scheme's default port.
fn as_sent(origin: &str) -> String {
    let origin = origin.to_ascii_lowercase();
    let default_port = if origin.starts_with("https://") {
        ":443"
    } else {
        ":80"
    };
    match origin.strip_suffix(default_port) {
        Some(bare) => bare.to_owned(),
        None => origin,
    }
}

/// True for an allowed path prefix: it reads the same however it is decoded or resolved.
fn is_plain_path(prefix: &str) -> bool {
    prefix.starts_with('/') && readings(prefix).is_some_and(|r| r == [prefix])
}

/// The path and query of an absolute URL: an http(s) URL as runtimes serialize it always has a
/// path, which begins at the first `/` after the authority.
fn path_and_query(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or("/", |start| &after_scheme[start..])
}

/// Every path an upstream might route `path` to: as sent and after each percent-decoding, with
/// `\` read as a separator (as some servers do) and as a plain character, and dot segments
/// resolved. None when one of them climbs above the root, or when the path is still encoded
/// after [`MAX_DECODINGS`].
pub fn readings(path: &str) -> Option<Vec<String>> {
    let mut readings: Vec<String> = Vec::new();
    let mut current = path.to_string();
    for _ in 0..=MAX_DECODINGS {
        for backslash_separates in [true, false] {
            let reading = resolve(&current, backslash_separates)?;
            if !readings.contains(&reading) {
                readings.push(reading);
            }
        }
        let decoded = percent_decode_str(&current)
            .decode_utf8_lossy()
            .into_owned();
        if decoded == current {
            return Some(readings);
        }
        current = decoded;
    }
    None
}

/// `path` with empty and `.` segments dropped and `..` resolved; None when it climbs above the
/// root. A segment's `;` parameters do not hide a dot segment (`..;` is `..` to some servers).
fn resolve(path: &str, backslash_separates: bool) -> Option<String> {
    let separators: &[char] = if backslash_separates {
        &['/', '\\']
    } else {
        &['/']
    };
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split(separators) {
        match segment.split_once(';').map_or(segment, |(name, _)| name) {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            _ => segments.push(segment),
        }
    }
    let mut resolved: String = segments.iter().flat_map(|s| ["/", s]).collect();
    if resolved.is_empty() || path.ends_with(separators) {
        resolved.push('/');
    }
    Some(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "https://app.example";

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn access(methods: Option<&[&str]>, paths: Option<&[&str]>) -> Access {
        Access {
            allowed_origins: strings(&[APP]),
            allowed_methods: methods.map(strings),
            allowed_paths: paths.map(strings),
            max_age: None,
        }
    }

    fn policy(methods: Option<&[&str]>, paths: Option<&[&str]>) -> Result<Policy, Error> {
        Policy::new(access(methods, paths))
    }

    fn api() -> Policy {
        policy(None, Some(&["/api/"])).unwrap()
    }

    fn get(url: &str) -> Head<'_> {
        Head {
            method: "GET",
            url,
            origin: Some(APP),
            ..Head::default()
        }
    }

    fn status(d: &Decision) -> u16 {
        match d {
            Decision::Answer(a) => a.status,
            Decision::Forward { .. } => 0,
        }
    }

    fn field(e: Result<Policy, Error>) -> String {
        match e {
            Err(Error::Validation { field, .. }) => field.into_owned(),
            other => panic!("{other:?}"),
        }
    }

    fn header<'h>(headers: &'h Headers, name: &str) -> Option<&'h str> {
        (headers.iter())
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn a_page_of_an_allowed_origin_is_forwarded_with_its_path_and_query() {
        let head = get("https://proxy.example/api/items?x=1&y=%2F");
        match api().decide(&head) {
            Decision::Forward { path, headers, .. } => {
                assert_eq!(path, "/api/items?x=1&y=%2F");
                assert_eq!(headers, cors(APP));
                assert_eq!(header(&headers, "vary"), Some("Origin"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_origins_null_and_requests_without_an_origin_are_refused_without_cors_headers() {
        for origin in [
            Some("https://evil.example"),
            Some("null"),
            None,
            Some("https://app.example.evil"),
        ] {
            let head = Head {
                origin,
                ..get("https://p/api/x")
            };
            assert_eq!(
                api().decide(&head),
                refuse(403, "origin not allowed", Headers::new())
            );
        }
    }

    #[test]
    fn a_method_outside_the_list_is_refused_and_the_page_can_read_why() {
        let p = policy(Some(&["GET"]), None).unwrap();
        let head = Head {
            method: "DELETE",
            ..get("https://p/x")
        };
        let d = p.decide(&head);
        assert_eq!(status(&d), 405);
        assert!(matches!(d, Decision::Answer(a) if a.headers == cors(APP)));
    }

    /// The status of a GET of `path` under `/api/` (0: forwarded).
    fn status_of(path: &str) -> u16 {
        status(&api().decide(&get(&format!("https://p{path}"))))
    }

    #[test]
    fn encoded_dot_segments_never_climb_out_of_an_allowed_path() {
        for path in [
            "/api/%2e%2e/admin",
            "/api/%2E%2E/admin",
            "/api/..%2Fadmin",
            "/api/..%2fadmin",
            "/api/%2e%2e%2fadmin",
            "/api/x/..%2F..%2Fadmin",
            "/api/..%5Cadmin",
            "/api/..\\admin",
            "/api//../admin",
            "/api/%252e%252e/admin",
            "/api/..;/admin",
            "/api/%2e%2e;x=1/admin",
            "/api",
            "/apix/",
            "/admin?/api/",
            "/%2e%2e/%2e%2e/fn/other",
            "/api/%25252e%25252e/admin",
        ] {
            assert_eq!(status_of(path), 403, "{path}");
        }
        for path in [
            "/api/",
            "/api/a/../b",
            "/api/a%2Fb",
            "/api/./x",
            "/api/x?next=/../admin",
            "/api/a;v=1/b",
            "/api/caf%C3%A9",
        ] {
            assert_eq!(status_of(path), 0, "{path}");
        }
    }

    #[test]
    fn a_path_is_refused_when_any_decoding_of_it_leaves_the_prefix() {
        // Fully decoded it stays in /api/v1/; decoded once (as some upstreams do) it is /api/.
        let p = policy(None, Some(&["/api/v1/"])).unwrap();
        let reach = |path: &str| status(&p.decide(&get(&format!("https://p{path}"))));
        assert_eq!(reach("/api/v1/a%252fb/../../"), 403);
        // Read with `\` as a separator it stays inside; as a character, it does not.
        assert_eq!(reach("/api/v1/a\\b/../../"), 403);
        assert_eq!(reach("/api/v1/a%252fb/"), 0);
    }

    #[test]
    fn without_allowed_paths_any_path_is_forwarded_but_none_climbs_above_the_function() {
        let p = policy(None, None).unwrap();
        assert_eq!(status(&p.decide(&get("https://p"))), 0);
        assert_eq!(status(&p.decide(&get("https://p/a/b?c"))), 0);
        assert_eq!(
            status(&p.decide(&get("https://p/..%2F..%2Femulator/reset"))),
            403
        );
    }

    #[test]
    fn a_preflight_is_answered_with_the_methods_the_headers_max_age_and_vary_origin() {
        let head = Head {
            method: "OPTIONS",
            request_method: Some("POST"),
            request_headers: Some("content-type,authorization"),
            ..get("https://p/api/x")
        };
        let Decision::Answer(Answer {
            status: 204,
            headers,
            reason: None,
        }) = api().decide(&head)
        else {
            panic!()
        };
        let mut expected = cors(APP);
        expected.extend([
            (
                "access-control-allow-methods",
                "GET, HEAD, POST, PUT, PATCH, DELETE".to_string(),
            ),
            (
                "access-control-allow-headers",
                "content-type,authorization".into(),
            ),
            ("access-control-max-age", "600".into()),
        ]);
        assert_eq!(headers, expected);
    }

    #[test]
    fn max_age_is_an_option_of_whole_seconds_up_to_a_day() {
        let with = |max_age| {
            Policy::new(Access {
                max_age,
                ..access(None, None)
            })
        };
        let preflight = Head {
            method: "OPTIONS",
            request_method: Some("GET"),
            ..get("https://p/")
        };
        for (seconds, sent) in [(7200.0, "7200"), (0.0, "0"), (86_400.0, "86400")] {
            let Decision::Answer(a) = with(Some(seconds)).unwrap().decide(&preflight) else {
                panic!()
            };
            assert_eq!(header(&a.headers, "access-control-max-age"), Some(sent));
        }
        for bad in [-1.0, 1.5, 86_401.0, f64::NAN] {
            assert_eq!(field(with(Some(bad))), "maxAge", "{bad}");
        }
    }

    #[test]
    fn a_preflight_for_a_method_or_path_outside_the_lists_or_another_origin_is_refused() {
        let preflight = |url, method, origin| Head {
            method: "OPTIONS",
            url,
            origin: Some(origin),
            request_method: Some(method),
            ..Head::default()
        };
        let p = policy(Some(&["GET"]), Some(&["/api/"])).unwrap();
        assert_eq!(
            status(&p.decide(&preflight("https://p/api/", "PUT", APP))),
            405
        );
        assert_eq!(
            status(&p.decide(&preflight("https://p/x", "GET", APP))),
            403
        );
        assert_eq!(
            status(&p.decide(&preflight("https://p/api/", "GET", "https://evil.example"))),
            403
        );
    }

    #[test]
    fn the_callers_credentials_hop_by_hop_headers_and_those_connection_names_are_not_passed_on() {
        let head = Head {
            connection: Some("keep-alive, X-Secret, bad name,,Upgrade"),
            ..get("https://p/api/")
        };
        let Decision::Forward { dropped, .. } = api().decide(&head) else {
            panic!()
        };
        for name in [
            "x-auth-token",
            "authorization",
            "cookie",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "keep-alive",
            "connection",
            "proxy-connection",
            "expect",
            "x-secret",
        ] {
            assert!(dropped.iter().any(|d| d == name), "{name}");
        }
        assert!(!dropped.iter().any(|d| d == "bad name" || d.is_empty()));
    }

    #[test]
    fn the_functions_hop_by_hop_headers_credential_echo_and_connection_names_are_not_passed_back() {
        let dropped = response_dropped(Some("close, X-Internal-Route"));
        for name in [
            "x-auth-token",
            "connection",
            "keep-alive",
            "proxy-authenticate",
            "transfer-encoding",
            "access-control-allow-origin",
            "x-internal-route",
        ] {
            assert!(dropped.iter().any(|d| d == name), "{name}");
        }
        assert_eq!(response_dropped(None).len(), RESPONSE_DROPPED.len());
    }

    #[test]
    fn an_unreachable_function_is_a_502_and_a_slow_one_a_504_without_the_hosts_message() {
        let unreachable = failed(&Error::Network("http://secret@h".into()), cors(APP));
        assert_eq!(unreachable, refusal(502, "upstream unreachable", cors(APP)));
        let slow = failed(&Error::Timeout("t".into()), Headers::new());
        assert_eq!(slow, refusal(504, "upstream timed out", Headers::new()));
        assert_eq!(slow.body(), r#"{"error":"upstream timed out"}"#);
    }

    #[test]
    fn a_request_authorize_rejects_is_refused_and_the_page_can_read_why() {
        assert_eq!(
            unauthorized(cors(APP)),
            refusal(403, "not authorized", cors(APP))
        );
    }

    #[test]
    fn bad_options_are_refused_naming_the_option() {
        let origins = |list: &[&str]| {
            Policy::new(Access {
                allowed_origins: strings(list),
                ..Access::default()
            })
        };
        assert_eq!(field(origins(&[])), "allowedOrigins");
        assert_eq!(field(origins(&["*"])), "allowedOrigins");
        for bad in [
            "app.example",
            "https://app.example/",
            "https://",
            "null",
            "ftp://a",
            "https://a b",
            "https://a.example\nhttps://b.example",
        ] {
            assert_eq!(field(origins(&[bad])), "allowedOrigins", "{bad}");
        }
        for bad in ["api/", "/api/../x", "/api/%2e%2e/", "/a\\..\\..", ""] {
            assert_eq!(field(policy(None, Some(&[bad]))), "allowedPaths", "{bad}");
        }
        assert_eq!(field(policy(None, Some(&[]))), "allowedPaths");
        assert_eq!(field(policy(Some(&["FETCH"]), None)), "allowedMethods");
        assert_eq!(field(policy(Some(&["get"]), None)), "allowedMethods");
        assert_eq!(field(policy(Some(&[]), None)), "allowedMethods");
        assert!(origins(&["http://localhost:5173", "https://App.Example"]).is_ok());
        assert!(policy(None, Some(&["/api/", "/health", "/"])).is_ok());
    }

    #[test]
    fn an_origin_is_compared_as_browsers_send_it_in_lower_case_without_a_default_port() {
        for allowed in ["https://App.Example", "https://app.example:443"] {
            let p = Policy::new(Access {
                allowed_origins: strings(&[allowed]),
                ..Access::default()
            })
            .unwrap();
            assert_eq!(status(&p.decide(&get("https://p/"))), 0, "{allowed}");
        }
        let local = Policy::new(Access {
            allowed_origins: strings(&["http://localhost:80", "http://localhost:8080"]),
            ..Access::default()
        })
        .unwrap();
        assert_eq!(local.origins, ["http://localhost", "http://localhost:8080"]);
    }

    // proptest's random source does not build for wasm32-unknown-unknown: the properties run natively.
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Pieces of a path an attacker might combine: names, dot segments, separators, and their
        /// percent-encodings, once and twice encoded, in both cases.
        const PIECES: &[&str] = &[
            "api",
            "v1",
            "admin",
            "a",
            ".",
            "..",
            "/",
            "\\",
            ";",
            ";x",
            "%2e",
            "%2E",
            "%2e%2e",
            "%2E%2e",
            "%252e",
            "%252e%252e",
            "%25252e",
            "%2f",
            "%2F",
            "%252f",
            "%5c",
            "%5C",
            "%255c",
            "%3b",
            "%25",
            "%",
            "%c0%ae",
            "?",
        ];

        /// The path a plain upstream routes `path` to after decoding it `times`, taking `\` for a
        /// separator or not: a stack of segments, written apart from [`resolve`] to check it.
        fn routed(path: &str, times: usize, backslash: bool) -> Option<String> {
            let mut path = path.to_string();
            for _ in 0..times {
                path = percent_decode_str(&path).decode_utf8_lossy().into_owned();
            }
            if backslash {
                path = path.replace('\\', "/");
            }
            let mut stack = Vec::new();
            for segment in path.split('/').filter(|s| !s.is_empty()) {
                let name = segment.split(';').next().unwrap_or_default();
                if name == ".." {
                    stack.pop()?;
                } else if name != "." {
                    stack.push(segment);
                }
            }
            Some(format!("/{}/", stack.join("/")))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4096))]

            #[test]
            fn no_encoded_dot_segment_backslash_or_double_encoding_leaves_an_allowed_prefix(
                pieces in prop::collection::vec(prop::sample::select(PIECES), 0..12)
            ) {
                let path = format!("/api/v1/{}", pieces.concat());
                let allowed = policy(None, Some(&["/api/v1/"])).unwrap();
                let target = path.split_once('?').map_or(path.as_str(), |(t, _)| t);
                if status(&allowed.decide(&get(&format!("https://p{path}")))) == 0 {
                    for times in 0..=6 {
                        for backslash in [true, false] {
                            let reached = routed(target, times, backslash);
                            prop_assert!(
                                reached.as_deref().is_some_and(|r| r.starts_with("/api/v1/")),
                                "{path} reaches {reached:?} decoded {times} times"
                            );
                        }
                    }
                }
            }

            #[test]
            fn plain_names_under_an_allowed_prefix_are_always_forwarded(
                names in prop::collection::vec("[A-Za-z0-9_~-]{1,8}", 0..6)
            ) {
                let path = format!("/api/{}", names.join("/"));
                prop_assert_eq!(status_of(&path), 0);
            }
        }
    }
}
