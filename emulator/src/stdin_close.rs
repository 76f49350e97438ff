//! `--exit-on-stdin-close`: the emulator stops when its standard input closes.
//!
//! A program that starts the emulator with a pipe as its standard input holds the other end of
//! that pipe. When the program ends, even killed with SIGKILL, the system closes its end, so the
//! emulator sees the end of its input and stops too instead of outliving a test run. This works
//! alike on every platform, where a parent-death signal is Linux's alone.

use std::io;

/// Resolves once standard input reaches its end or can no longer be read.
pub async fn closed() {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    // A thread of its own: a blocking read in tokio's pool would hold up the runtime's shutdown.
    std::thread::spawn(move || {
        // Whatever the parent writes is ignored: only the end of the input matters.
        let _ = io::copy(&mut io::stdin().lock(), &mut io::sink());
        let _ = sender.send(());
    });
    // An error means the thread is gone without sending: the input cannot be watched any more,
    // which is treated like its end rather than leaving the emulator unwatched.
    let _ = receiver.await;
}
