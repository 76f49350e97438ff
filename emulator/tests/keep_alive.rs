//! Keep-alive clients on one connection: an answer either leaves the connection usable for the
//! next request or says that it closes it.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::thread::sleep;
use std::time::Duration;

use common::Emulator;

/// An answer read off a connection: its status and its headers (names in lower case).
struct Head {
    status: u16,
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        (self.headers.iter())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A raw HTTP/1.1 connection to the emulator.
struct Connection {
    reader: BufReader<TcpStream>,
}

impl Connection {
    fn open(emulator: &Emulator) -> Self {
        let address = emulator.field("api_url").replace("http://", "");
        let stream = TcpStream::connect(address).expect("the emulator listens");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        Connection {
            reader: BufReader::new(stream),
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        self.reader
            .get_mut()
            .write_all(bytes)
            .expect("the connection takes the request");
    }

    /// Reads one answer, its body included (by its Content-Length).
    fn answer(&mut self) -> Head {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("a status line");
        let status = line
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a status line, not {line:?}"));
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("a header line");
            let Some((name, value)) = line.trim_end().split_once(':') else {
                break;
            };
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
        let head = Head { status, headers };
        let length = head
            .header("content-length")
            .map_or(0, |l| l.parse().unwrap());
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).expect("the whole body");
        head
    }
}

/// The head of a POST of a 2-byte JSON body to `path`, with `token` when there is one.
fn post_head(path: &str, token: Option<&str>) -> String {
    let token = token.map_or(String::new(), |t| format!("X-Auth-Token: {t}\r\n"));
    format!(
        "POST {path} HTTP/1.1\r\nHost: emulator\r\n{token}Content-Type: application/json\r\n\
         Content-Length: 2\r\n\r\n"
    )
}

#[test]
fn a_refusal_answered_before_the_body_arrived_says_that_the_connection_closes() {
    let emulator = Emulator::start(&[]);
    let unknown_key = "00000000-0000-4000-8000-000000000000";
    let function = format!("/fn/{}", emulator.field("function_id"));
    let refusals = [
        ("/iam/v1alpha1/applications", Some(unknown_key), 401),
        ("/functions/v1beta1/regions/fr-par/tokens", None, 401),
        (function.as_str(), None, 403),
    ];
    for (path, token, status) in refusals {
        let mut connection = Connection::open(&emulator);
        connection.write(post_head(path, token).as_bytes());
        // The body comes later, as from a client that writes the head and the body apart.
        let head = connection.answer();
        assert_eq!(head.status, status, "{path}");
        assert_eq!(head.header("connection"), Some("close"), "{path}");
        sleep(Duration::from_millis(50));
        let _ = connection.reader.get_mut().write_all(b"{}");
    }
}

#[test]
fn answers_that_read_the_whole_body_keep_the_connection_open() {
    let emulator = Emulator::start(&[]);
    let key = emulator.field("secret_key");
    let mut connection = Connection::open(&emulator);
    for round in 0..3 {
        let path = "/functions/v1beta1/regions/fr-par/tokens";
        connection.write(format!("{}{{}}", post_head(path, Some(&key))).as_bytes());
        let refused = connection.answer();
        assert_eq!(refused.status, 400, "round {round}: no function_id");
        assert_eq!(refused.header("connection"), None, "round {round}");
        let list =
            "GET /functions/v1beta1/regions/fr-par/namespaces HTTP/1.1\r\nHost: emulator\r\n";
        connection.write(format!("{list}X-Auth-Token: {key}\r\n\r\n").as_bytes());
        let listed = connection.answer();
        assert_eq!(listed.status, 200, "round {round}");
        assert_eq!(listed.header("connection"), None, "round {round}");
    }
}
