//! `--exit-on-stdin-close`: the emulator ends with the program holding its standard input.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Starts the emulator with its standard input a pipe held by the test, and waits for readiness.
fn start(args: &[&str]) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scw-emulator"))
        .args(["--port", "0"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the emulator starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped"))
        .read_line(&mut line)
        .expect("the ready line is readable");
    assert!(line.starts_with('{'), "ready line: {line:?}");
    child
}

fn exit_within(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if let Some(status) = child.try_wait().expect("the emulator can be waited for") {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[test]
fn the_emulator_exits_when_its_standard_input_closes() {
    let mut child = start(&["--exit-on-stdin-close"]);
    drop(child.stdin.take());
    let status = exit_within(&mut child, Duration::from_secs(10));
    let _ = child.kill();
    assert!(
        status.is_some_and(|s| s.success()),
        "exit status: {status:?}"
    );
}

#[test]
fn without_the_flag_a_closed_standard_input_changes_nothing() {
    let mut child = start(&[]);
    drop(child.stdin.take());
    let status = exit_within(&mut child, Duration::from_secs(1));
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, None, "the emulator stopped on its own");
}
