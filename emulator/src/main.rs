//! `scw-emulator`: see the crate README.

use std::process::ExitCode;

use clap::Parser;
use scw_emulator::args::Args;

mod stdin_close;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let watch_stdin = args.exit_on_stdin_close;
    let served = tokio::select! {
        served = scw_emulator::run(args) => served,
        () = stdin_close::closed(), if watch_stdin => {
            eprintln!("scw-emulator: standard input closed, exiting");
            Ok(())
        }
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("scw-emulator: {message}");
            ExitCode::FAILURE
        }
    }
}
