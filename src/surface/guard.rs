//! No call ends in a trap. The shipped wasm aborts on a panic (stable Rust cannot unwind in
//! wasm32): the panic hook hands the panic's message to the host, and every export runs its body
//! inside the host's `guard`, which catches the trap that follows and answers the `ScwError` that
//! names the panic. The instance goes on: what the aborted call held is left as it was.

use js_sys::Promise;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen(module = "/js/host.js")]
extern "C" {
    /// Remembers the message of the panic that is about to abort the call.
    fn panicked(message: &str);
    /// Runs `body`; answers undefined, or the `ScwError` of the panic that aborted it.
    fn guard(body: &mut dyn FnMut()) -> JsValue;
}

/// Sends every panic's message to the host before the abort.
#[wasm_bindgen(start)]
fn report_panics() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = (payload.downcast_ref::<&str>().copied())
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("a panic");
        match info.location() {
            Some(at) => panicked(&format!("{message} ({at})")),
            None => panicked(message),
        }
    }));
}

/// Runs `body`, answering the `ScwError` of a panic instead of trapping.
pub fn guarded<T>(body: impl FnOnce() -> T) -> Result<T, JsValue> {
    let mut body = Some(body);
    let mut answer = None;
    let failure = guard(&mut || answer = body.take().map(|b| b()));
    answer.ok_or(failure)
}

/// A Promise of `call`'s outcome, each poll guarded: a panic rejects it with its `ScwError`.
pub fn guarded_promise(call: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    future_to_promise(Guarded(Some(Box::pin(call))))
}

type Call = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

/// A future whose polls run in [`guarded`]; once one has panicked it is never touched again.
struct Guarded(Option<Call>);

impl Future for Guarded {
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Some(call) = self.0.as_mut() else {
            return Poll::Pending;
        };
        match guarded(|| call.as_mut().poll(cx)) {
            Ok(polled) => polled,
            Err(panic) => {
                // Its state is whatever the abort left: leak it rather than run its destructors.
                std::mem::forget(self.0.take());
                Poll::Ready(Err(panic))
            }
        }
    }
}

/// A deliberate panic, right away or after an await, for the tests of the guard.
#[cfg(feature = "test-panic")]
#[wasm_bindgen(js_name = panicForTest)]
pub fn panic_for_test(after_await: bool) -> Result<Promise, JsValue> {
    if after_await {
        return Ok(guarded_promise(async {
            let resolved = Promise::resolve(&JsValue::NULL);
            wasm_bindgen_futures::JsFuture::from(resolved).await?;
            panic!("deliberate panic after an await")
        }));
    }
    guarded(|| panic!("deliberate panic"))
}
