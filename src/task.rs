//! Runs the library's futures without an executor in the wasm: `run` (js/host.js) steps an
//! [`Operation`] and awaits, in JS, each promise that the operation hands out.
//!
//! The wasm is single-threaded and a step is synchronous, so the promise that a future waits for
//! and the outcome it settled with travel through one slot, saved and restored around each step
//! (a token provider may start another operation in the middle of a step).

use crate::error::Error;
use crate::prelude::*;
use core::cell::Cell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// What a step and the promise it waits for exchange.
#[derive(Default)]
struct Slot {
    /// The promise the operation waits for, set by [`Settled`] when it first polls.
    waiting: Option<Promise>,
    /// What that promise settled with, handed back by the next step.
    settled: Option<Result<JsValue, JsValue>>,
}

/// The slot of the step in progress.
struct Current(Cell<Option<Slot>>);

// SAFETY: wasm32 without the atomics feature has one thread; nothing here is ever shared.
unsafe impl Sync for Current {}

#[cfg(target_feature = "atomics")]
compile_error!("task.rs keeps the step in progress in a static: build without the atomics feature");

static CURRENT: Current = Current(Cell::new(None));

#[wasm_bindgen(module = "/js/host.js")]
extern "C" {
    /// Steps an operation until it is done (see js/host.js).
    fn run(operation: Operation) -> Promise;
}

/// A promise awaited by the JS driver of the operation: resolves to how it settled.
pub fn settled(promise: Promise) -> Settled {
    Settled(Some(promise))
}

/// The future of [`settled`].
pub struct Settled(Option<Promise>);

impl Future for Settled {
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = CURRENT.0.take().unwrap_or_default();
        let poll = match self.0.take() {
            Some(promise) => {
                slot.waiting = Some(promise);
                Poll::Pending
            }
            None => slot.settled.take().map_or(Poll::Pending, Poll::Ready),
        };
        CURRENT.0.set(Some(slot));
        poll
    }
}

/// The future of one call of the JS API; JS sees it only through `run`.
#[wasm_bindgen]
pub struct Operation {
    future: Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>,
    to_js: fn(Error) -> JsValue,
}

#[wasm_bindgen]
impl Operation {
    /// Resumes the operation with how the promise it waited for settled (nothing at the first
    /// step): answers the next promise to await, or the outcome; throws the operation's error.
    pub fn step(&mut self, ok: bool, value: JsValue) -> Result<JsValue, JsValue> {
        let outer = CURRENT.0.replace(Some(Slot {
            waiting: None,
            settled: Some(if ok { Ok(value) } else { Err(value) }),
        }));
        let poll = self
            .future
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        let waiting = CURRENT.0.replace(outer).and_then(|s| s.waiting);
        match (poll, waiting) {
            (Poll::Ready(outcome), _) => outcome.map_err(self.to_js),
            (Poll::Pending, Some(promise)) => Ok(promise.into()),
            (Poll::Pending, None) => Err((self.to_js)(crate::error::unexpected())),
        }
    }
}

/// Starts a call: the Promise of its outcome, rejected with `to_js` of its error.
pub fn start(
    call: Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>,
    to_js: fn(Error) -> JsValue,
) -> Promise {
    run(Operation {
        future: call,
        to_js,
    })
}
