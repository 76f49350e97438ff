//! FunctionProxy's decisions, sans-IO: which origins, methods and paths a browser may use, the
//! answer to a preflight, the CORS headers of every answer, which headers never cross the proxy,
//! and the status a failure of the function becomes. The host driver (src/host/proxy.rs) feeds
//! each request's head to [`Policy::decide`] and does what the [`Decision`] says.
//!
//! Lists (of origins, methods, paths, headers) are text, one item per line, the way the host hands
//! them over and takes them back: the shipped wasm stays small without a `Vec` per list.

use crate::error::Error;
use percent_encoding::percent_decode;

/// Methods a proxy may allow.
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// The methods allowed by default: all but `OPTIONS`.
const DEFAULT_METHODS: &str = "GET\nHEAD\nPOST\nPUT\nPATCH\nDELETE";

/// The caller's credentials and the hop-by-hop headers (RFC 9110 7.6.1), which are the proxy's
/// to set, never the caller's. `content-length` goes too: the body is streamed on.
pub const REQUEST_DROPPED: &str = "x-auth-token,authorization,cookie,host,connection,keep-alive,\
proxy-authorization,proxy-connection,te,trailer,transfer-encoding,upgrade,content-length";

/// Hop-by-hop headers of the function's answer, what no longer describes the body the runtime's
/// fetch hands over (already decoded, then streamed), the function's own CORS headers (the proxy
/// sets its own), and `x-auth-token` in case the function echoes the credential.
pub const RESPONSE_DROPPED: &str = "x-auth-token,connection,keep-alive,proxy-authenticate,te,\
trailer,transfer-encoding,upgrade,content-encoding,content-length,\
access-control-allow-origin,access-control-allow-credentials";

/// How long a browser may reuse a preflight's answer, in seconds.
const MAX_AGE: &str = "600";

fn invalid(field: &'static str, reason: &'static str) -> Error {
    Error::invalid(field, reason)
}

/// Headers of an answer: name and value on lines of their own, in order.
#[derive(Debug, Default, PartialEq)]
pub struct Headers(String);

impl Headers {
    fn add(&mut self, name: &str, value: &str) {
        for part in [name, value] {
            if !self.0.is_empty() {
                self.0.push('\n');
            }
            self.0.push_str(part);
        }
    }

    /// The lines: name, value, name, value...
    pub fn lines(&self) -> &str {
        &self.0
    }
}

/// Who may use the proxy, and for what; each list one item per line.
#[derive(Debug)]
pub struct Policy {
    origins: String,
    methods: String,
    paths: String,
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
    /// query as the browser sent them) without the headers `dropped` (comma-separated), and
    /// answer with `headers` added.
    Forward {
        path: &'a str,
        dropped: String,
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
    /// Checks the options: exact origins (no wildcard: the proxy adds a credential), methods of
    /// [`METHODS`] (default all but `OPTIONS`) and path prefixes starting with `/` (default any path).
    pub fn new(origins: &str, methods: Option<&str>, paths: Option<&str>) -> Result<Self, Error> {
        let origins = origins.to_ascii_lowercase();
        if origins.is_empty() || origins.split('\n').any(|o| o == "*") {
            return Err(invalid("allowedOrigins", "must list origins, no wildcard"));
        }
        if !origins.split('\n').all(is_origin) {
            return Err(invalid(
                "allowedOrigins",
                "must hold origins like https://app.example",
            ));
        }
        let methods = methods.unwrap_or(DEFAULT_METHODS);
        if !methods.split('\n').all(|m| METHODS.contains(&m)) {
            return Err(invalid(
                "allowedMethods",
                "must hold HTTP methods in upper case",
            ));
        }
        let paths = paths.unwrap_or("/");
        if !paths
            .split('\n')
            .all(|p| resolve(p).as_deref() == Some(p.as_bytes()))
        {
            return Err(invalid("allowedPaths", "must hold paths starting with /"));
        }
        Ok(Policy {
            origins,
            methods: methods.into(),
            paths: paths.into(),
        })
    }

    /// The decision for a request: other origins (and requests without `Origin`, which browsers
    /// send on every cross-origin call) are refused without CORS headers; for allowed origins,
    /// a method or path outside the lists is refused, a preflight answered, anything else forwarded.
    pub fn decide<'a>(&self, head: &Head<'a>) -> Decision<'a> {
        let origin = match head.origin {
            Some(o) if self.origins.split('\n').any(|allowed| allowed == o) => o,
            _ => return refuse(403, "origin not allowed", Headers::default()),
        };
        let mut headers = cors(origin);
        let preflight = head.request_method.filter(|_| head.method == "OPTIONS");
        let method = preflight.unwrap_or(head.method);
        if !self.methods.split('\n').any(|m| m == method) {
            return refuse(405, "method not allowed", headers);
        }
        let path = path_and_query(head.url);
        let target = path.split('?').next().unwrap_or_default();
        let inside = resolve(target).is_some_and(|p| {
            self.paths
                .split('\n')
                .any(|prefix| p.starts_with(prefix.as_bytes()))
        });
        if !inside {
            return refuse(403, "path not allowed", headers);
        }
        if preflight.is_some() {
            // What the page sends is allowed (it is for `authorize`); credentials among it are
            // dropped before the function.
            headers.add(
                "access-control-allow-methods",
                &self.methods.replace('\n', ", "),
            );
            if let Some(requested) = head.request_headers {
                headers.add("access-control-allow-headers", requested);
            }
            headers.add("access-control-max-age", MAX_AGE);
            return Decision::Answer(Answer {
                status: 204,
                headers,
                reason: None,
            });
        }
        let mut dropped = String::from(REQUEST_DROPPED);
        let named = head
            .connection
            .unwrap_or_default()
            .split(',')
            .map(str::trim);
        for name in named.filter(|n| is_token(n)) {
            dropped.push(',');
            dropped.push_str(name);
        }
        Decision::Forward {
            path,
            dropped,
            headers,
        }
    }
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

/// A header name (RFC 9110 token), so that the host can delete it.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The CORS headers of an answer to an allowed origin. Credentials are allowed so that a page
/// can send its own session to `authorize`; `Vary` keeps caches from serving one origin's answer to another.
fn cors(origin: &str) -> Headers {
    let mut headers = Headers::default();
    headers.add("access-control-allow-origin", origin);
    headers.add("access-control-allow-credentials", "true");
    headers.add("vary", "Origin");
    headers
}

impl Answer {
    /// The body: `{"error":"<reason>"}` for a refusal (reasons are fixed text), empty for a preflight.
    pub fn body(&self) -> String {
        self.reason
            .map_or_else(String::new, |r| ["{\"error\":\"", r, "\"}"].concat())
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

/// The path and query of an absolute URL: an http(s) URL as runtimes serialize it always has a
/// path, which begins at its third slash.
fn path_and_query(url: &str) -> &str {
    let mut slashes = url.bytes().enumerate().filter(|(_, b)| *b == b'/');
    slashes
        .nth(2)
        .and_then(|(at, _)| url.get(at..))
        .unwrap_or("/")
}

/// The path a request really reaches, for the prefix check: percent-decoded until nothing is
/// left to decode (an upstream may decode again), `\` read as `/` like some servers do, empty and
/// `.` segments dropped and `..` resolved; None when it climbs above the root or never settles.
pub fn resolve(path: &str) -> Option<Vec<u8>> {
    let mut bytes = path.as_bytes().to_vec();
    let mut rounds = 0;
    loop {
        let decoded: Vec<u8> = percent_decode(&bytes).collect();
        if decoded == bytes {
            break;
        }
        if rounds == 3 {
            return None;
        }
        rounds += 1;
        bytes = decoded;
    }
    let mut out = Vec::with_capacity(bytes.len() + 1);
    for segment in bytes.split(|b| matches!(b, b'/' | b'\\')) {
        match segment {
            b"" | b"." => {}
            b".." => {
                let parent = out.iter().rposition(|b| *b == b'/')?;
                out.truncate(parent);
            }
            s => {
                out.push(b'/');
                out.extend_from_slice(s);
            }
        }
    }
    if out.is_empty() || matches!(bytes.last(), Some(b'/' | b'\\')) {
        out.push(b'/');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "https://app.example";

    fn policy(methods: Option<&[&str]>, paths: Option<&[&str]>) -> Result<Policy, Error> {
        let lines = |l: &[&str]| l.join("\n");
        let (methods, paths) = (methods.map(lines), paths.map(lines));
        Policy::new(APP, methods.as_deref(), paths.as_deref())
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

    fn field(e: Result<Policy, Error>) -> std::borrow::Cow<'static, str> {
        match e {
            Err(Error::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_page_of_an_allowed_origin_is_forwarded_with_its_path_and_query() {
        let head = get("https://proxy.example/api/items?x=1&y=%2F");
        match api().decide(&head) {
            Decision::Forward { path, headers, .. } => {
                assert_eq!(path, "/api/items?x=1&y=%2F");
                assert!(headers
                    .lines()
                    .contains("access-control-allow-origin\nhttps://app.example"));
                assert!(headers.lines().contains("vary\nOrigin"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_origins_and_requests_without_an_origin_are_refused_without_cors_headers() {
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
                refuse(403, "origin not allowed", Headers::default())
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
        status(&api().decide(&get(&["https://p", path].concat())))
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
            "/api",
            "/apix/",
            "/admin?/api/",
            "/%2e%2e/%2e%2e/fn/other",
        ] {
            assert_eq!(status_of(path), 403, "{path}");
        }
        for path in [
            "/api/",
            "/api/a/../b",
            "/api/a%2Fb",
            "/api/./x",
            "/api/x?next=/../admin",
        ] {
            assert_eq!(status_of(path), 0, "{path}");
        }
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
    fn a_preflight_is_answered_with_the_methods_the_headers_and_vary_origin() {
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
        let expected = [
            "access-control-allow-origin",
            APP,
            "access-control-allow-credentials",
            "true",
            "vary",
            "Origin",
            "access-control-allow-methods",
            "GET, HEAD, POST, PUT, PATCH, DELETE",
            "access-control-allow-headers",
            "content-type,authorization",
            "access-control-max-age",
            "600",
        ];
        assert_eq!(headers.lines(), expected.join("\n"));
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
    fn the_callers_credentials_and_hop_by_hop_headers_are_not_passed_on() {
        let head = Head {
            connection: Some("keep-alive, X-Secret, bad name"),
            ..get("https://p/api/")
        };
        let Decision::Forward { dropped, .. } = api().decide(&head) else {
            panic!()
        };
        let dropped: Vec<&str> = dropped.split(',').collect();
        for name in [
            "x-auth-token",
            "authorization",
            "cookie",
            "transfer-encoding",
            "X-Secret",
        ] {
            assert!(dropped.contains(&name), "{name}");
        }
        assert!(!dropped.contains(&"bad name"));
        assert!(RESPONSE_DROPPED.split(',').any(|n| n == "x-auth-token"));
    }

    #[test]
    fn an_unreachable_function_is_a_502_and_a_slow_one_a_504_without_the_hosts_message() {
        let unreachable = failed(&Error::Network("http://secret@h".into()), cors(APP));
        assert_eq!(unreachable, refusal(502, "upstream unreachable", cors(APP)));
        let slow = failed(&Error::Timeout("t".into()), Headers::default());
        assert_eq!(slow, refusal(504, "upstream timed out", Headers::default()));
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
        let origins = |list: &[&str]| Policy::new(&list.join("\n"), None, None);
        assert_eq!(field(origins(&[])), "allowedOrigins");
        assert_eq!(field(origins(&["*"])), "allowedOrigins");
        for bad in [
            "app.example",
            "https://app.example/",
            "https://",
            "null",
            "ftp://a",
            "https://a b",
        ] {
            assert_eq!(field(origins(&[bad])), "allowedOrigins", "{bad}");
        }
        assert_eq!(field(policy(None, Some(&["api/"]))), "allowedPaths");
        assert_eq!(field(policy(None, Some(&["/api/../x"]))), "allowedPaths");
        assert_eq!(field(policy(Some(&["FETCH"]), None)), "allowedMethods");
        assert_eq!(field(policy(Some(&[]), None)), "allowedMethods");
        assert!(origins(&["http://localhost:5173", "https://App.Example"]).is_ok());
    }

    #[test]
    fn an_origin_is_compared_in_lower_case_like_browsers_send_it() {
        let p = Policy::new("https://App.Example", None, None).unwrap();
        assert_eq!(status(&p.decide(&get("https://p/"))), 0);
    }
}
