//! `scw-emulator`: see the crate README.

use std::process::ExitCode;

use clap::Parser;
use scw_emulator::args::Args;

#[tokio::main]
async fn main() -> ExitCode {
    match scw_emulator::run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("scw-emulator: {message}");
            ExitCode::FAILURE
        }
    }
}
