//! IAM's eventual consistency (`--iam-propagation`). Scaleway's IAM caches per instance, so a new
//! API key, policy or rule is admitted by one instance before another: a call may be admitted and
//! the next refused until every instance has learnt of the change. The emulator models a few
//! instances that each learn of a change at their own moment within the window, and hands the
//! calls to them in turn. Removals take effect at once: only what grants access waits.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::model::{ApiKey, Rule};

/// How many instances share the calls.
pub const INSTANCES: usize = 4;

/// A change that instances learn of: a new API key, or a rule newly in force (a new policy's
/// rules, rules set again, a policy given to another principal).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Grant {
    ApiKey(String),
    Rule(Uuid),
}

impl Grant {
    /// Spreads the instances' moments differently for each change, the same way every time.
    fn spread(&self) -> u64 {
        let bytes: &[u8] = match self {
            Grant::ApiKey(access_key) => access_key.as_bytes(),
            Grant::Rule(id) => id.as_bytes(),
        };
        // FNV-1a: stable across runs and platforms, unlike the standard hasher.
        (bytes.iter()).fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
        })
    }
}

/// When `instance` learns of a change made at `since`: instances take turns in an order of the
/// change's own, the k-th learning within the k-th part of the window and the last at its end,
/// so that admission is intermittent over most of the window and certain once it has passed.
fn learnt_at(
    grant: &Grant,
    since: OffsetDateTime,
    window: Duration,
    instance: usize,
) -> OffsetDateTime {
    let spread = grant.spread();
    let turn = (instance + (spread as usize)) % INSTANCES;
    if turn == INSTANCES - 1 {
        return since + window;
    }
    let jitter = f64::from(((spread >> (8 * turn)) & 0xff) as u8) / 256.0;
    since + window * ((turn as f64 + jitter) / INSTANCES as f64)
}

/// Why a live API key is not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// No rule grants what the call needs, even once every change has propagated.
    NoGrant,
    /// A rule grants it, but the instance answering the call has not learnt of it (or of the key) yet.
    Propagating,
}

/// The recent IAM changes and the instance answering the next call.
pub struct Propagation {
    window: Duration,
    next: AtomicUsize,
    /// Changes younger than the window, with when they were made; older ones are known everywhere.
    recent: Mutex<HashMap<Grant, OffsetDateTime>>,
}

impl Propagation {
    /// Changes take `window` to reach every instance (zero: at once).
    pub fn new(window: Duration) -> Self {
        Propagation {
            window,
            next: AtomicUsize::new(0),
            recent: Mutex::new(HashMap::new()),
        }
    }

    /// How long a change takes to reach every instance.
    pub fn window(&self) -> Duration {
        self.window
    }

    fn recent(&self) -> std::sync::MutexGuard<'_, HashMap<Grant, OffsetDateTime>> {
        self.recent.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts propagating changes made at `at`.
    pub fn made(&self, grants: impl IntoIterator<Item = Grant>, at: OffsetDateTime) {
        if self.window <= Duration::ZERO {
            return;
        }
        let mut recent = self.recent();
        recent.retain(|_, since| *since + self.window > at);
        recent.extend(grants.into_iter().map(|grant| (grant, at)));
    }

    /// Forgets every change in flight (a reset brings back a world known everywhere).
    pub fn settle(&self) {
        self.recent().clear();
    }

    /// The instance answering the next call.
    pub fn instance(&self) -> usize {
        self.next.fetch_add(1, Ordering::Relaxed) % INSTANCES
    }

    /// From when `instance` admits `key` through `rules` (the rules granting what is asked):
    /// `Ok(None)` if it always has, [`Denial::NoGrant`] if no rule grants it.
    fn admits_from<'a>(
        &self,
        recent: &HashMap<Grant, OffsetDateTime>,
        instance: usize,
        key: &ApiKey,
        rules: impl Iterator<Item = &'a Rule>,
    ) -> Result<Option<OffsetDateTime>, Denial> {
        let learnt = |grant: Grant| {
            (recent.get(&grant)).map(|since| learnt_at(&grant, *since, self.window, instance))
        };
        // The first rule this instance knows opens the way (`None`, known always, is the least).
        let rule_known =
            (rules.map(|rule| learnt(Grant::Rule(rule.id))).min()).ok_or(Denial::NoGrant)?;
        Ok(learnt(Grant::ApiKey(key.access_key.clone())).max(rule_known))
    }

    /// Whether `instance` admits `key` at `now`, given the rules granting what the call needs.
    pub fn admit<'a>(
        &self,
        instance: usize,
        key: &ApiKey,
        rules: impl Iterator<Item = &'a Rule>,
        now: OffsetDateTime,
    ) -> Result<(), Denial> {
        match self.admits_from(&self.recent(), instance, key, rules)? {
            Some(from) if from > now => Err(Denial::Propagating),
            _ => Ok(()),
        }
    }

    /// From when every instance admits `key` through `rules` (the moment of its creation when
    /// it was never propagating); `None` when no rule grants it.
    pub fn admitted_everywhere<'a>(
        &self,
        key: &ApiKey,
        rules: impl Iterator<Item = &'a Rule> + Clone,
    ) -> Option<OffsetDateTime> {
        let recent = self.recent();
        let mut everywhere = None;
        for instance in 0..INSTANCES {
            let from = self
                .admits_from(&recent, instance, key, rules.clone())
                .ok()?;
            everywhere = everywhere.max(from);
        }
        Some(everywhere.unwrap_or(key.created_at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(created_at: OffsetDateTime) -> ApiKey {
        ApiKey {
            access_key: "SCWPROPAGATIONTEST01".into(),
            secret_key: Uuid::new_v4(),
            application_id: Uuid::new_v4(),
            description: String::new(),
            default_project_id: Uuid::new_v4(),
            expires_at: None,
            created_at,
        }
    }

    fn rule() -> Rule {
        Rule {
            id: Uuid::new_v4(),
            permission_set_names: vec!["FunctionsPrivateAccess".into()],
            target: crate::model::RuleTarget::Projects(vec![Uuid::new_v4()]),
        }
    }

    const WINDOW: Duration = Duration::seconds(120);

    /// A propagation of [`WINDOW`] in which a key was made at `made`, and its rule too when
    /// `new_rule` (else the rule is known everywhere).
    fn made_at(made: OffsetDateTime, new_rule: bool) -> (Propagation, ApiKey, [Rule; 1]) {
        let p = Propagation::new(WINDOW);
        let (key, rules) = (key(made), [rule()]);
        p.made([Grant::ApiKey(key.access_key.clone())], made);
        if new_rule {
            p.made(rules.iter().map(|r| Grant::Rule(r.id)), made);
        }
        (p, key, rules)
    }

    /// How many instances admit the key at `at`.
    fn admitting(p: &Propagation, key: &ApiKey, rules: &[Rule], at: OffsetDateTime) -> usize {
        (0..INSTANCES)
            .filter(|i| p.admit(*i, key, rules.iter(), at).is_ok())
            .count()
    }

    #[test]
    fn a_new_key_is_admitted_by_more_and_more_instances_and_by_all_once_the_window_has_passed() {
        let (window, made) = (WINDOW, OffsetDateTime::UNIX_EPOCH);
        for _ in 0..50 {
            let (p, key, rules) = made_at(made, true);
            let mut before = 0;
            for second in 0..=120 {
                let now = made + Duration::seconds(second);
                let count = admitting(&p, &key, &rules, now);
                assert!(count >= before, "an instance never forgets");
                before = count;
            }
            assert_eq!(admitting(&p, &key, &rules, made + window), INSTANCES);
            let last_moment = made + window - Duration::milliseconds(1);
            assert!(admitting(&p, &key, &rules, last_moment) < INSTANCES);
            // Each instance learns of the key and of the rule at its own moments: from three
            // quarters of the window on, at least two instances know of both.
            assert!(admitting(&p, &key, &rules, made + window * 0.75) >= 2);
            assert_eq!(
                p.admitted_everywhere(&key, rules.iter()),
                Some(made + window)
            );
        }
    }

    #[test]
    fn one_change_reaches_one_more_instance_each_quarter_of_the_window() {
        let (window, made) = (WINDOW, OffsetDateTime::UNIX_EPOCH);
        for _ in 0..50 {
            let (p, key, rules) = made_at(made, false);
            for quarter in 1..INSTANCES {
                let at = made + window * (quarter as f64 / INSTANCES as f64);
                assert!(admitting(&p, &key, &rules, at) >= quarter);
            }
            let last_moment = made + window - Duration::milliseconds(1);
            assert_eq!(admitting(&p, &key, &rules, last_moment), INSTANCES - 1);
        }
    }

    #[test]
    fn without_a_granting_rule_or_a_window_nothing_propagates() {
        let made = OffsetDateTime::UNIX_EPOCH;
        let p = Propagation::new(Duration::ZERO);
        let (key, rules) = (key(made), [rule()]);
        p.made([Grant::ApiKey(key.access_key.clone())], made);
        assert_eq!(admitting(&p, &key, &rules, made), INSTANCES);
        assert_eq!(p.admitted_everywhere(&key, rules.iter()), Some(made));
        assert_eq!(p.admit(0, &key, [].iter(), made), Err(Denial::NoGrant));
        assert_eq!(p.admitted_everywhere(&key, [].iter()), None);
    }

    #[test]
    fn an_old_rule_admits_a_new_key_only_once_the_key_has_propagated_and_a_new_rule_is_enough() {
        let window = Duration::seconds(10);
        let made = OffsetDateTime::UNIX_EPOCH;
        let p = Propagation::new(window);
        let (key, old, new) = (key(made), rule(), rule());
        p.made([Grant::ApiKey(key.access_key.clone())], made);
        assert!(admitting(&p, &key, std::slice::from_ref(&old), made) < INSTANCES);
        p.made([Grant::Rule(new.id)], made + window);
        let both = [new.clone(), old.clone()];
        assert_eq!(
            admitting(&p, &key, &both, made + window),
            INSTANCES,
            "the old rule admits"
        );
        p.settle();
        assert_eq!(admitting(&p, &key, &[new], made), INSTANCES);
    }
}
