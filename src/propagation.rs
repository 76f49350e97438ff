//! IAM propagation, sans-IO: whether a call refused with 403 is sent again because IAM may not
//! know its credential everywhere yet. IAM is eventually consistent: a new API key is refused
//! intermittently (one call admitted, the next refused) for up to about two minutes after it was
//! made, and Scaleway's own Terraform provider retries 403s for two minutes for this reason.
//! A credential whose creation time is known is retried within that window; one of unknown age
//! is not, since its 403 then means it is revoked, expired or lacks the permission.
//!
//! A driver (src/invoke.rs) asks [`Propagation::call`] for each call's [`Admission`], reports
//! each answer's status with the clock, waits when told and hands out the answer at
//! [`Step::Done`], as it does with the exchange engine.

use crate::engine::{backoff_ms, Step};

/// How long IAM may refuse a new credential unless told otherwise: Scaleway's two minutes.
pub const DEFAULT_WINDOW_MS: u32 = 120_000;

/// The longest window accepted: IAM is documented to take about two minutes, so anything
/// beyond a few times that is a mistake in the option rather than a slow IAM.
pub const MAX_WINDOW_MS: u32 = 600_000;

/// How far ahead of the local clock a creation time may be: clocks disagree by seconds, while a
/// date further ahead is another date given by mistake (an expiry).
const MAX_CLOCK_SKEW_MS: f64 = 300_000.0;

/// The least time kept for an attempt before the deadline: the few milliseconds of an earlier
/// answer over a fast link say little about the next one's.
const MIN_ATTEMPT_BUDGET_MS: f64 = 250.0;

/// The status of a call IAM refused, a new credential's included.
const REFUSED: u16 = 403;

/// What is known of a credential's age: until when IAM may still refuse it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Propagation {
    /// The moment every IAM instance admits the credential; None when its age is unknown.
    admitted_by_ms: Option<f64>,
}

impl Propagation {
    /// A credential of unknown age (a bare secret, a token provider's answer): a 403 is final.
    pub const UNKNOWN: Propagation = Propagation {
        admitted_by_ms: None,
    };

    /// A credential made at `issued_at_ms`, that IAM may refuse for `window_ms` (`0`: never),
    /// as seen at `now_ms`. A creation time ahead of the local clock (the API's clock runs ahead
    /// of ours) counts as now.
    pub fn issued(issued_at_ms: f64, window_ms: u32, now_ms: f64) -> Self {
        Propagation {
            admitted_by_ms: Some(issued_at_ms.min(now_ms) + f64::from(window_ms)),
        }
    }

    /// True when `issued_at_ms` can be a credential's creation time, as seen at `now_ms`: a valid
    /// time, not further ahead of the local clock than clocks disagree.
    pub fn believable(issued_at_ms: f64, now_ms: f64) -> bool {
        issued_at_ms.is_finite() && issued_at_ms <= now_ms + MAX_CLOCK_SKEW_MS
    }

    /// True while IAM may still refuse the credential.
    pub fn pending(&self, now_ms: f64) -> bool {
        self.admitted_by_ms.is_some_and(|at| now_ms < at)
    }

    /// The 403 retries of a call begun at `now_ms`, whose body can be sent again or not, that must
    /// be over by `deadline_ms` (None: only the caller's signal ends it).
    pub fn call(&self, replayable: bool, now_ms: f64, deadline_ms: Option<f64>) -> Admission {
        let until_ms = match self.admitted_by_ms {
            Some(at) if replayable => at,
            _ => f64::NEG_INFINITY,
        };
        Admission {
            until_ms,
            deadline_ms: deadline_ms.unwrap_or(f64::INFINITY),
            retried: 0,
            sent_ms: now_ms,
            longest_ms: 0.0,
        }
    }
}

/// One call's retries of 403: until its credential is admitted, IAM's window for it ends, or
/// another attempt would not fit before the call's deadline.
#[derive(Debug)]
pub struct Admission {
    /// The end of the window, or minus infinity when no 403 of this call may be retried.
    until_ms: f64,
    deadline_ms: f64,
    retried: u32,
    /// When the current attempt was sent.
    sent_ms: f64,
    /// How long the slowest attempt so far took.
    longest_ms: f64,
}

impl Admission {
    /// The step after an answer of `status` at `now_ms`: [`Step::Wait`] then send again, or
    /// [`Step::Done`] with that answer. `random` (in `0..1`) jitters the pause, which never goes
    /// past the window's end (one last attempt then, when IAM should admit the credential
    /// everywhere). Another attempt is only sent when it can end before the deadline, given twice
    /// as long as the slowest one so far (and at least [`MIN_ATTEMPT_BUDGET_MS`]): an attempt the
    /// deadline cuts short would replace a real 403 with a timeout.
    pub fn on_answer(&mut self, status: u16, now_ms: f64, random: f64) -> Step {
        if status != REFUSED || now_ms >= self.until_ms {
            return Step::Done;
        }
        let pause = backoff_ms(self.retried, random)
            .min(self.until_ms - now_ms)
            .ceil();
        self.longest_ms = self.longest_ms.max(now_ms - self.sent_ms);
        let budget = (2.0 * self.longest_ms).max(MIN_ATTEMPT_BUDGET_MS);
        if now_ms + pause + budget >= self.deadline_ms {
            return Step::Done;
        }
        self.retried += 1;
        self.sent_ms = now_ms + pause;
        Step::Wait { ms: pause as u32 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key made at 1 000 ms, IAM's default window.
    fn fresh() -> Propagation {
        Propagation::issued(1_000.0, DEFAULT_WINDOW_MS, 1_000.0)
    }

    /// The pauses of a call refused at every attempt, each answer coming `attempt_ms` after the
    /// pause before it ended, from `start_ms` on.
    fn pauses(mut admission: Admission, start_ms: f64, attempt_ms: f64, random: f64) -> Vec<u32> {
        let mut now = start_ms;
        let mut pauses = Vec::new();
        while let Step::Wait { ms } = admission.on_answer(403, now, random) {
            pauses.push(ms);
            now += f64::from(ms) + attempt_ms;
        }
        pauses
    }

    #[test]
    fn a_refused_call_with_a_new_key_waits_with_growing_jittered_pauses_then_is_admitted() {
        let mut call = fresh().call(true, 1_000.0, None);
        assert_eq!(call.on_answer(403, 1_050.0, 0.5), Step::Wait { ms: 150 });
        assert_eq!(call.on_answer(403, 1_250.0, 0.5), Step::Wait { ms: 300 });
        assert_eq!(call.on_answer(403, 1_600.0, 1.0), Step::Wait { ms: 800 });
        assert_eq!(call.on_answer(200, 2_450.0, 0.5), Step::Done);
    }

    #[test]
    fn an_answer_other_than_403_is_the_callers_at_once() {
        for status in [200, 204, 301, 400, 401, 404, 429, 500, 502] {
            let mut call = fresh().call(true, 1_000.0, None);
            assert_eq!(call.on_answer(status, 1_010.0, 0.5), Step::Done, "{status}");
        }
    }

    #[test]
    fn a_credential_of_unknown_age_gets_its_403_back_at_once() {
        let mut call = Propagation::UNKNOWN.call(true, 0.0, None);
        assert_eq!(call.on_answer(403, 0.0, 0.5), Step::Done);
        assert!(!Propagation::UNKNOWN.pending(0.0));
    }

    #[test]
    fn a_body_that_cannot_be_sent_again_gets_its_403_back_at_once() {
        let mut streamed = fresh().call(false, 1_000.0, None);
        assert_eq!(streamed.on_answer(403, 1_010.0, 0.5), Step::Done);
    }

    #[test]
    fn retries_cover_the_window_with_a_last_attempt_at_its_end_and_stop_there() {
        let call = fresh().call(true, 1_000.0, None);
        let waits = pauses(call, 1_000.0, 20.0, 1.0);
        let mut at = 1_000.0;
        for ms in &waits {
            at += f64::from(*ms) + 20.0;
        }
        assert!(waits[..6] == [200, 400, 800, 1_600, 3_200, 5_000]);
        assert!(waits[6..waits.len() - 1].iter().all(|ms| *ms == 5_000));
        let last_attempt = at - 20.0;
        assert_eq!(
            last_attempt, 121_000.0,
            "the last attempt is sent as the window ends"
        );
        assert_eq!(waits.len(), 28);
    }

    #[test]
    fn the_window_is_counted_from_the_credentials_creation() {
        let made_a_minute_ago = Propagation::issued(0.0, DEFAULT_WINDOW_MS, 60_000.0);
        assert!(made_a_minute_ago.pending(60_000.0));
        assert!(!made_a_minute_ago.pending(120_000.0));
        let mut late = made_a_minute_ago.call(true, 119_000.0, None);
        assert_eq!(late.on_answer(403, 119_900.0, 1.0), Step::Wait { ms: 100 });
        assert_eq!(late.on_answer(403, 120_000.0, 1.0), Step::Done);
        let mut old =
            Propagation::issued(0.0, DEFAULT_WINDOW_MS, 500_000.0).call(true, 500_000.0, None);
        assert_eq!(old.on_answer(403, 500_000.0, 0.5), Step::Done);
    }

    #[test]
    fn a_window_of_zero_turns_retries_off() {
        let off = Propagation::issued(1_000.0, 0, 1_000.0);
        assert!(!off.pending(1_000.0));
        assert_eq!(
            off.call(true, 1_000.0, None).on_answer(403, 1_000.0, 0.5),
            Step::Done
        );
    }

    #[test]
    fn a_creation_time_ahead_of_the_local_clock_counts_as_now() {
        let ahead = Propagation::issued(90_000.0, DEFAULT_WINDOW_MS, 30_000.0);
        assert!(ahead.pending(149_000.0));
        assert!(!ahead.pending(150_000.0));
    }

    #[test]
    fn a_creation_time_must_be_a_time_no_further_ahead_than_clocks_disagree() {
        assert!(Propagation::believable(0.0, 1_000.0));
        assert!(Propagation::believable(250_000.0, 1_000.0));
        assert!(
            !Propagation::believable(400_000.0, 1_000.0),
            "an expiry given by mistake"
        );
        assert!(!Propagation::believable(f64::NAN, 1_000.0));
        assert!(!Propagation::believable(f64::NEG_INFINITY, 1_000.0));
    }

    #[test]
    fn another_attempt_is_sent_only_when_it_can_end_before_the_deadline() {
        let mut call = fresh().call(true, 1_000.0, Some(2_000.0));
        assert_eq!(call.on_answer(403, 1_010.0, 1.0), Step::Wait { ms: 200 });
        assert_eq!(call.on_answer(403, 1_250.0, 1.0), Step::Wait { ms: 400 });
        assert_eq!(
            call.on_answer(403, 1_700.0, 1.0),
            Step::Done,
            "800 ms would pass the deadline"
        );
        let mut slow = fresh().call(true, 1_000.0, Some(1_650.0));
        assert_eq!(
            slow.on_answer(403, 1_200.0, 1.0),
            Step::Done,
            "the pause fits, but not twice the 200 ms the first attempt took"
        );
        let mut fast = fresh().call(true, 1_000.0, Some(1_400.0));
        assert_eq!(
            fast.on_answer(403, 1_001.0, 1.0),
            Step::Done,
            "a 1 ms attempt is still given 250 ms"
        );
        let total: u32 = pauses(
            fresh().call(true, 1_000.0, Some(31_000.0)),
            1_000.0,
            20.0,
            1.0,
        )
        .iter()
        .sum();
        assert!(total < 30_000, "{total}");
    }
}
