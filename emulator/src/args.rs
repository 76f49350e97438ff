//! Command-line flags.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use uuid::Uuid;

/// Local emulator of the Scaleway Serverless Functions API and private-function gateway.
#[derive(Debug, Clone, Parser)]
#[command(name = "scw-emulator", version)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Exit when standard input closes: a parent holding the other end of a pipe takes the
    /// emulator with it when it ends, even when it is killed.
    #[arg(long)]
    pub exit_on_stdin_close: bool,
    /// Keep state in this file (plus FILE.journal) across restarts.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Start from the world this JSON file describes instead of the demo namespace.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Directory served at `/` (the demo page); skipped when missing.
    #[arg(long, value_name = "DIR", default_value = "www")]
    pub www: PathBuf,
    /// Directory served at `/pkg/` (the built library); skipped when missing.
    #[arg(long, value_name = "DIR", default_value = "pkg")]
    pub pkg: PathBuf,
    /// How long a new token stays `creating` and a deleted one `deleting` (also namespaces, functions).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub token_delay_ms: u64,
    /// Proxy function calls that pass the token check to this local http:// server instead of echoing.
    #[arg(long, value_name = "URL")]
    pub upstream: Option<String>,
    /// Browser origin allowed to call the API (repeatable); none: no CORS headers, as Scaleway.
    #[arg(long = "cors-origin", value_name = "ORIGIN", value_parser = parse_origin)]
    pub cors_origins: Vec<String>,
    /// Whether the gateway answers CORS preflights of private functions itself.
    #[arg(long, value_enum, default_value_t = GatewayPreflight::Refuse)]
    pub gateway_preflight: GatewayPreflight,
    /// Whether CreateToken still works (`refuse`: Scaleway once JWT tokens are retired).
    #[arg(long, value_enum, default_value_t = LegacyTokenCreation::Allow)]
    pub legacy_token_creation: LegacyTokenCreation,
    /// Refuse CreateAPIKey without `expires_at`, like organisations that require key expiry.
    #[arg(long)]
    pub require_key_expiry: bool,
    /// Longest validity of a new API key, e.g. `90d`, `12h`, `30m`, `3600s`.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub max_key_validity: Option<time::Duration>,
    /// Size of new namespace RSA keys (the real API uses 4096; 2048 starts and signs faster).
    /// `ring`, which signs the tokens, takes 2048 to 4096 bits.
    #[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(u32).range(2048..=4096))]
    pub rsa_bits: u32,
    /// Secret key the API accepts (default: the seed file's, else the stored one, else a random one).
    #[arg(long, value_name = "UUID")]
    pub secret_key: Option<Uuid>,
    /// Enable `/emulator/faults`: queued faults (error statuses, resets, slow or broken answers) hit the next requests.
    #[arg(long)]
    pub faults: bool,
}

/// `--gateway-preflight`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GatewayPreflight {
    /// A preflight to a private function gets 403, like any call without a credential.
    Refuse,
    /// The gateway answers preflights of private functions and adds CORS headers to their answers.
    Allow,
}

/// `--legacy-token-creation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LegacyTokenCreation {
    /// CreateToken answers as in the July 2026 recording.
    Allow,
    /// CreateToken is refused; reading, listing, deleting and calling with tokens keep working.
    Refuse,
}

/// An origin as browsers send it: `http(s)://host[:port]`, nothing after.
fn parse_origin(value: &str) -> Result<String, String> {
    let uri: axum::http::Uri = value.parse().map_err(|_| bad_origin(value))?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let bare = uri.path() == "/" && !value.ends_with('/') && uri.query().is_none();
    match uri.authority() {
        Some(authority) if scheme_ok && bare && authority.as_str().find('@').is_none() => {
            Ok(value.to_owned())
        }
        _ => Err(bad_origin(value)),
    }
}

fn bad_origin(value: &str) -> String {
    format!(
        "{value:?} is not an origin (expected http(s)://host[:port], e.g. http://localhost:5173)"
    )
}

/// A duration: a positive whole number followed by `s`, `m`, `h` or `d`.
fn parse_duration(value: &str) -> Result<time::Duration, String> {
    let bad = || format!("{value:?} is not a duration (expected e.g. 90d, 12h, 30m or 3600s)");
    let unit = value.chars().last().ok_or_else(bad)?;
    let number: i64 = value[..value.len() - unit.len_utf8()]
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(bad)?;
    let seconds = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return Err(bad()),
    };
    number
        .checked_mul(seconds)
        .filter(|s| *s <= 100 * 365 * 86_400)
        .map(time::Duration::seconds)
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::{parse_duration, parse_origin};

    #[test]
    fn origins_are_a_scheme_and_a_host_only() {
        for good in [
            "http://localhost:5173",
            "https://app.example.com",
            "http://127.0.0.1:8080",
        ] {
            assert_eq!(parse_origin(good).as_deref(), Ok(good));
        }
        for bad in [
            "",
            "*",
            "localhost:5173",
            "ftp://x.test",
            "http://x.test/",
            "http://x.test/app",
            "http://x.test?a",
            "null",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_take_seconds_minutes_hours_or_days() {
        assert_eq!(parse_duration("90d"), Ok(time::Duration::days(90)));
        assert_eq!(parse_duration("12h"), Ok(time::Duration::hours(12)));
        assert_eq!(parse_duration("30m"), Ok(time::Duration::minutes(30)));
        assert_eq!(parse_duration("3600s"), Ok(time::Duration::hours(1)));
        for bad in ["", "d", "0d", "-1h", "1w", "1.5h", "99999999999999d", "1é"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
