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
    /// Scaleway's 2026 switches at once (`production`); a switch given explicitly wins over it.
    #[arg(long, value_enum, default_value_t = Profile::Local)]
    pub profile: Profile,
    /// Whether CreateToken still works (`refuse`: Scaleway once JWT tokens are retired).
    /// Default: `allow`, `refuse` with `--profile production`.
    #[arg(long, value_enum)]
    pub legacy_token_creation: Option<LegacyTokenCreation>,
    /// Refuse CreateAPIKey without `expires_at`, like organisations that require key expiry
    /// (`--require-key-expiry=false` turns it off under `--profile production`).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub require_key_expiry: Option<bool>,
    /// Longest validity of a new API key, e.g. `90d`, `12h`, `30m`, `3600s`.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub max_key_validity: Option<time::Duration>,
    /// How long a new API key, policy or rule takes to be admitted everywhere (intermittently
    /// until then), e.g. `120s`, `2m`; `0` is off. Default: `0`, `120s` with `--profile production`.
    #[arg(long, value_name = "DURATION", value_parser = parse_propagation)]
    pub iam_propagation: Option<time::Duration>,
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

/// `--profile`: which defaults the 2026 switches take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Profile {
    /// Every switch off: what a local test needs unless it asks for more.
    Local,
    /// Scaleway as of 2026: legacy token creation refused, key expiry required, IAM
    /// propagation of 120 s.
    Production,
}

/// The organisation's rules that Scaleway introduced in 2026, as the profile and the explicit
/// flags decide them together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub legacy_token_creation: LegacyTokenCreation,
    pub require_key_expiry: bool,
    pub max_key_validity: Option<time::Duration>,
    /// Zero: every IAM change is admitted at once.
    pub iam_propagation: time::Duration,
}

impl Profile {
    /// The switches of this profile when no flag names them.
    fn rules(self) -> Rules {
        match self {
            Profile::Local => Rules {
                legacy_token_creation: LegacyTokenCreation::Allow,
                require_key_expiry: false,
                max_key_validity: None,
                iam_propagation: time::Duration::ZERO,
            },
            Profile::Production => Rules {
                legacy_token_creation: LegacyTokenCreation::Refuse,
                require_key_expiry: true,
                max_key_validity: None,
                iam_propagation: time::Duration::seconds(120),
            },
        }
    }
}

impl Args {
    /// The switches in force: each flag given explicitly, else the profile's value.
    pub fn rules(&self) -> Rules {
        let profile = self.profile.rules();
        Rules {
            legacy_token_creation: (self.legacy_token_creation)
                .unwrap_or(profile.legacy_token_creation),
            require_key_expiry: self
                .require_key_expiry
                .unwrap_or(profile.require_key_expiry),
            max_key_validity: self.max_key_validity.or(profile.max_key_validity),
            iam_propagation: self.iam_propagation.unwrap_or(profile.iam_propagation),
        }
    }
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

/// A propagation delay: a duration as [`parse_duration`] reads it, or `0` for none.
fn parse_propagation(value: &str) -> Result<time::Duration, String> {
    if value == "0" {
        return Ok(time::Duration::ZERO);
    }
    parse_duration(value)
        .map_err(|_| format!("{value:?} is not a duration (expected 0, or e.g. 120s, 2m or 1h)"))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{parse_duration, parse_origin, parse_propagation, Args, LegacyTokenCreation};

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

    #[test]
    fn propagation_takes_a_duration_or_zero() {
        assert_eq!(parse_propagation("0"), Ok(time::Duration::ZERO));
        assert_eq!(parse_propagation("2m"), Ok(time::Duration::seconds(120)));
        for bad in ["", "0s", "-5s", "2", "soon", "1.5m"] {
            assert!(parse_propagation(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_production_profile_turns_every_switch_on_and_explicit_flags_win() {
        let rules = |flags: &[&str]| {
            let args = Args::try_parse_from([&["scw-emulator"], flags].concat()).unwrap();
            args.rules()
        };
        let local = rules(&[]);
        assert_eq!(local.legacy_token_creation, LegacyTokenCreation::Allow);
        assert!(!local.require_key_expiry);
        assert_eq!(local.iam_propagation, time::Duration::ZERO);

        let production = rules(&["--profile", "production"]);
        assert_eq!(
            production.legacy_token_creation,
            LegacyTokenCreation::Refuse
        );
        assert!(production.require_key_expiry);
        assert_eq!(production.iam_propagation, time::Duration::seconds(120));
        assert_eq!(production.max_key_validity, None);

        let relaxed = rules(&[
            "--profile",
            "production",
            "--iam-propagation",
            "0",
            "--legacy-token-creation",
            "allow",
            "--require-key-expiry=false",
        ]);
        assert_eq!(relaxed.legacy_token_creation, LegacyTokenCreation::Allow);
        assert!(!relaxed.require_key_expiry);
        assert_eq!(relaxed.iam_propagation, time::Duration::ZERO);

        assert!(rules(&["--require-key-expiry"]).require_key_expiry);
        assert_eq!(
            rules(&["--iam-propagation", "5s"]).iam_propagation,
            time::Duration::seconds(5)
        );
    }
}
