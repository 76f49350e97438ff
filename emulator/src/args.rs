//! Command-line flags.

use std::path::PathBuf;

use clap::Parser;
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
    /// Keep state in this file (plus FILE.journal) across restarts.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
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
    /// Allowed browser origin (repeatable); any origin when none is given.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Size of new namespace RSA keys (the real API uses 4096; 2048 starts faster).
    #[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(u32).range(1024..=8192))]
    pub rsa_bits: u32,
    /// Secret key the API accepts (default: the stored one, else a random one).
    #[arg(long, value_name = "UUID")]
    pub secret_key: Option<Uuid>,
    /// Enable `/emulator/faults`: queued faults (error statuses, resets, slow or broken answers) hit the next requests.
    #[arg(long)]
    pub faults: bool,
}
