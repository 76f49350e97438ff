//! The exchange engine, sans-IO: the attempts, pauses and deadline of one API call as a state
//! machine. A driver (client.rs) sends when told, reports each attempt's [`Outcome`] with the
//! clock, waits when told and stops at [`Step::Done`]. The engine never touches a socket, a timer
//! or a future, so its tests are events in and steps out.

use std::time::UNIX_EPOCH;

/// First backoff step; doubled at each retry.
const BASE_DELAY_MS: f64 = 200.0;
/// Longest backoff step.
const MAX_DELAY_MS: f64 = 5_000.0;
/// Longest wait a `Retry-After` header can impose: a server cannot park a call for minutes.
const MAX_RETRY_AFTER_MS: f64 = 20_000.0;
/// Answers that say "busy, try again": rate limited, or a gateway in front of the API failing.
const RETRYABLE_STATUSES: [u16; 4] = [429, 502, 503, 504];

/// What an exchange may do: how long it lasts and how often it may repeat its request.
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    /// The whole exchange's time, attempts and pauses included.
    pub timeout_ms: u32,
    /// How many times the request may be sent again after its first attempt.
    pub retries: u32,
    /// Whether the request may be sent twice at all: GET and DELETE may; a POST never is, since
    /// a lost answer does not mean the API did nothing.
    pub repeatable: bool,
}

/// How one attempt ended, as the engine needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// The server answered with `status`, maybe with a `Retry-After` header.
    Answered {
        status: u16,
        retry_after: Option<&'a str>,
    },
    /// No answer came: the connection failed before one did.
    Unreachable,
    /// The attempt was cut short by its deadline or by the caller: never retried.
    Ended,
}

/// What the driver does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Send an attempt, giving up on it after `timeout_ms` (the time left until the deadline).
    Send { timeout_ms: u32 },
    /// Pause `ms` milliseconds, then ask [`Exchange::next_attempt`].
    Wait { ms: u32 },
    /// The last outcome is the call's answer, a success or a failure not worth retrying.
    Done,
    /// The deadline passed before another attempt could be sent.
    TimedOut,
}

/// One API call's retries under one deadline.
#[derive(Debug)]
pub struct Exchange {
    rules: Rules,
    deadline_ms: f64,
    retried: u32,
}

impl Exchange {
    /// An exchange that starts at `now_ms`; its first step is [`Exchange::next_attempt`].
    pub fn new(rules: Rules, now_ms: f64) -> Self {
        Exchange {
            rules,
            deadline_ms: now_ms + f64::from(rules.timeout_ms),
            retried: 0,
        }
    }

    /// The step that begins an attempt, at the start and after each pause: send with the time
    /// left, or give up once the deadline has passed.
    pub fn next_attempt(&self, now_ms: f64) -> Step {
        let left = self.deadline_ms - now_ms;
        if left < 1.0 {
            return Step::TimedOut;
        }
        Step::Send {
            timeout_ms: left as u32,
        }
    }

    /// The step after an attempt's `outcome`, at `now_ms`; `random` (in `0..1`) jitters the pause.
    /// A pause is only taken when an attempt can still be sent after it, before the deadline.
    pub fn on_outcome(&mut self, outcome: Outcome<'_>, now_ms: f64, random: f64) -> Step {
        let retry_after = match outcome {
            Outcome::Answered {
                status,
                retry_after,
            } if RETRYABLE_STATUSES.contains(&status) => retry_after,
            Outcome::Answered { .. } | Outcome::Ended => return Step::Done,
            Outcome::Unreachable => None,
        };
        if !self.rules.repeatable || self.retried >= self.rules.retries {
            return Step::Done;
        }
        let pause = retry_after
            .and_then(|value| retry_after_ms(value, now_ms))
            .map_or_else(
                || backoff_ms(self.retried, random),
                |hinted| hinted.clamp(0.0, MAX_RETRY_AFTER_MS),
            );
        if now_ms + pause >= self.deadline_ms {
            return Step::Done;
        }
        self.retried += 1;
        Step::Wait { ms: pause as u32 }
    }
}

/// The jittered exponential backoff before retry number `retried + 1`: between half and all of
/// a step that doubles from [`BASE_DELAY_MS`] up to [`MAX_DELAY_MS`], so that clients that failed
/// together do not all come back together.
pub(crate) fn backoff_ms(retried: u32, random: f64) -> f64 {
    let step = (BASE_DELAY_MS * 2f64.powi(retried.min(16) as i32)).min(MAX_DELAY_MS);
    step * (0.5 + random.clamp(0.0, 1.0) / 2.0)
}

/// `Retry-After` as a wait in milliseconds from `now_ms`: delay-seconds or an HTTP date
/// (RFC 9110 10.2.3); None when it is neither.
fn retry_after_ms(value: &str, now_ms: f64) -> Option<f64> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u32>() {
        return Some(f64::from(seconds) * 1000.0);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let since_epoch = at.duration_since(UNIX_EPOCH).ok()?;
    Some(since_epoch.as_millis() as f64 - now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    const READ: Rules = Rules {
        timeout_ms: 30_000,
        retries: 2,
        repeatable: true,
    };

    fn answered(status: u16) -> Outcome<'static> {
        Outcome::Answered {
            status,
            retry_after: None,
        }
    }

    fn busy_for(retry_after: &str) -> Outcome<'_> {
        Outcome::Answered {
            status: 429,
            retry_after: Some(retry_after),
        }
    }

    #[test]
    fn a_call_begins_by_sending_with_the_whole_timeout() {
        let exchange = Exchange::new(READ, 1_000.0);
        assert_eq!(
            exchange.next_attempt(1_000.0),
            Step::Send { timeout_ms: 30_000 }
        );
    }

    #[test]
    fn a_success_a_client_error_or_an_attempt_cut_short_ends_the_call_at_once() {
        for status in [200, 204, 400, 401, 403, 404, 409, 500] {
            let mut exchange = Exchange::new(READ, 0.0);
            assert_eq!(
                exchange.on_outcome(answered(status), 0.0, 0.5),
                Step::Done,
                "{status}"
            );
        }
        let mut exchange = Exchange::new(READ, 0.0);
        assert_eq!(exchange.on_outcome(Outcome::Ended, 0.0, 0.5), Step::Done);
    }

    #[test]
    fn a_read_is_retried_after_a_network_failure_and_busy_answers_with_the_time_left() {
        let mut exchange = Exchange::new(READ, 0.0);
        assert_eq!(
            exchange.on_outcome(Outcome::Unreachable, 10.0, 0.5),
            Step::Wait { ms: 150 }
        );
        assert_eq!(
            exchange.next_attempt(160.0),
            Step::Send { timeout_ms: 29_840 }
        );
        assert_eq!(
            exchange.on_outcome(answered(502), 200.0, 0.5),
            Step::Wait { ms: 300 }
        );
        assert_eq!(exchange.on_outcome(answered(200), 600.0, 0.5), Step::Done);
    }

    #[test]
    fn every_busy_status_is_retried() {
        for status in RETRYABLE_STATUSES {
            let mut exchange = Exchange::new(READ, 0.0);
            assert!(matches!(
                exchange.on_outcome(answered(status), 0.0, 0.0),
                Step::Wait { .. }
            ));
        }
    }

    #[test]
    fn retries_stop_after_the_configured_number() {
        let mut exchange = Exchange::new(READ, 0.0);
        let mut steps = Vec::new();
        for _ in 0..3 {
            steps.push(exchange.on_outcome(answered(503), 0.0, 0.5));
        }
        assert_eq!(
            steps,
            [Step::Wait { ms: 150 }, Step::Wait { ms: 300 }, Step::Done]
        );
        let mut never = Exchange::new(Rules { retries: 0, ..READ }, 0.0);
        assert_eq!(never.on_outcome(answered(503), 0.0, 0.5), Step::Done);
    }

    #[test]
    fn a_post_is_never_repeated() {
        let post = Rules {
            repeatable: false,
            ..READ
        };
        for outcome in [Outcome::Unreachable, answered(503), busy_for("1")] {
            let mut exchange = Exchange::new(post, 0.0);
            assert_eq!(exchange.on_outcome(outcome, 0.0, 0.5), Step::Done);
        }
    }

    #[test]
    fn backoff_grows_exponentially_with_jitter_up_to_a_ceiling() {
        let rules = Rules {
            retries: 20,
            ..READ
        };
        let pauses = |random| {
            let mut exchange = Exchange::new(rules, 0.0);
            (0..6)
                .map(|_| match exchange.on_outcome(answered(503), 0.0, random) {
                    Step::Wait { ms } => ms,
                    other => panic!("{other:?}"),
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(pauses(1.0), [200, 400, 800, 1_600, 3_200, 5_000]);
        assert_eq!(pauses(0.0), [100, 200, 400, 800, 1_600, 2_500]);
        assert_eq!(backoff_ms(u32::MAX, 1.0), MAX_DELAY_MS);
    }

    #[test]
    fn retry_after_in_seconds_or_as_an_http_date_replaces_the_backoff_within_a_cap() {
        let mut exchange = Exchange::new(READ, 0.0);
        assert_eq!(
            exchange.on_outcome(busy_for(" 3 "), 0.0, 0.5),
            Step::Wait { ms: 3_000 }
        );
        let now = 784_111_772_000.0;
        let mut exchange = Exchange::new(READ, now);
        assert_eq!(
            exchange.on_outcome(busy_for("Sun, 06 Nov 1994 08:49:37 GMT"), now, 0.5),
            Step::Wait { ms: 5_000 }
        );
        let long = Rules {
            timeout_ms: 600_000,
            ..READ
        };
        let mut exchange = Exchange::new(long, 0.0);
        assert_eq!(
            exchange.on_outcome(busy_for("86400"), 0.0, 0.5),
            Step::Wait {
                ms: MAX_RETRY_AFTER_MS as u32
            }
        );
    }

    #[test]
    fn a_retry_after_date_in_the_past_retries_at_once_and_nonsense_falls_back_to_backoff() {
        let mut exchange = Exchange::new(READ, 1e12);
        assert_eq!(
            exchange.on_outcome(busy_for("Sun, 06 Nov 1994 08:49:37 GMT"), 1e12, 0.5),
            Step::Wait { ms: 0 }
        );
        for nonsense in ["soon", "-1", "1.5", "", "99999999999"] {
            let mut exchange = Exchange::new(READ, 0.0);
            assert_eq!(
                exchange.on_outcome(busy_for(nonsense), 0.0, 0.5),
                Step::Wait { ms: 150 },
                "{nonsense:?}"
            );
        }
    }

    #[test]
    fn a_retry_never_outlives_the_deadline() {
        let short = Rules {
            timeout_ms: 5_000,
            ..READ
        };
        let mut exchange = Exchange::new(short, 0.0);
        assert_eq!(exchange.on_outcome(busy_for("20"), 0.0, 0.5), Step::Done);
        let mut exchange = Exchange::new(short, 0.0);
        assert_eq!(
            exchange.on_outcome(Outcome::Unreachable, 4_900.0, 0.5),
            Step::Done
        );
    }

    #[test]
    fn a_pause_that_overran_the_deadline_times_the_call_out() {
        let short = Rules {
            timeout_ms: 1_000,
            ..READ
        };
        let mut exchange = Exchange::new(short, 0.0);
        assert_eq!(
            exchange.on_outcome(Outcome::Unreachable, 0.0, 0.5),
            Step::Wait { ms: 150 }
        );
        assert_eq!(exchange.next_attempt(1_000.0), Step::TimedOut);
    }
}
