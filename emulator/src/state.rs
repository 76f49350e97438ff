//! The in-memory state: records, indexes and cached keys, changed only through [`State::apply`].

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::jwt::NamespaceKey;
use crate::model::{
    ApiKey, Application, Change, Function, Namespace, Policy, Region, Rule, RuleTarget, Scope,
    Snapshot, Token,
};

/// Who the emulator is: the secret key its API accepts and the ids it reports.
#[derive(Debug, Clone, Copy)]
pub struct Identity {
    pub secret_key: Uuid,
    pub project_id: Uuid,
    pub organization_id: Uuid,
}

/// Tokens that ListTokens shows together: all those of a region, or those of one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenGroup {
    Region(Region),
    Scope(Scope),
}

impl TokenGroup {
    fn of(token: &Token) -> [TokenGroup; 2] {
        [
            TokenGroup::Region(token.region),
            TokenGroup::Scope(token.scope),
        ]
    }
}

/// The tokens of one group by creation time (then id), and which of them are marked deleted:
/// a page and its total come without looking at the other tokens.
#[derive(Default)]
struct Ordered {
    order: BTreeSet<(i128, Uuid)>,
    deleted: HashSet<Uuid>,
}

/// All records, with indexes for the gateway (domains, keys) and for listing tokens in order.
pub struct State {
    pub identity: Identity,
    pub namespaces: HashMap<Uuid, Namespace>,
    pub functions: HashMap<Uuid, Function>,
    pub tokens: HashMap<Uuid, Token>,
    pub applications: HashMap<Uuid, Application>,
    pub policies: HashMap<Uuid, Policy>,
    /// API keys by access key.
    pub api_keys: HashMap<String, ApiKey>,
    keys: HashMap<Uuid, Arc<NamespaceKey>>,
    domains: HashMap<String, Uuid>,
    token_groups: HashMap<TokenGroup, Ordered>,
    /// How many records are marked deleted but still held.
    deleted: usize,
}

impl State {
    /// An empty state for this identity.
    pub fn new(identity: Identity) -> Self {
        State {
            identity,
            namespaces: HashMap::new(),
            functions: HashMap::new(),
            tokens: HashMap::new(),
            applications: HashMap::new(),
            policies: HashMap::new(),
            api_keys: HashMap::new(),
            keys: HashMap::new(),
            domains: HashMap::new(),
            token_groups: HashMap::new(),
            deleted: 0,
        }
    }

    /// A state holding a snapshot's records.
    pub fn from_snapshot(snapshot: Snapshot) -> Result<Self, String> {
        let mut state = State::new(Identity {
            secret_key: snapshot.secret_key,
            project_id: snapshot.project_id,
            organization_id: snapshot.organization_id,
        });
        let changes = (snapshot.namespaces.into_iter().map(Change::Namespace))
            .chain(snapshot.functions.into_iter().map(Change::Function))
            .chain(snapshot.tokens.into_iter().map(Change::Token))
            .chain(snapshot.applications.into_iter().map(Change::Application))
            .chain(snapshot.policies.into_iter().map(Change::Policy))
            .chain(snapshot.api_keys.into_iter().map(Change::ApiKey));
        for change in changes {
            state.apply(change)?;
        }
        Ok(state)
    }

    /// The records still alive, for the snapshot file.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            secret_key: self.identity.secret_key,
            project_id: self.identity.project_id,
            organization_id: self.identity.organization_id,
            namespaces: alive(&self.namespaces, |n| n.deleted_at),
            functions: alive(&self.functions, |f| f.deleted_at),
            tokens: {
                let mut tokens = alive(&self.tokens, |t| t.deleted_at);
                tokens.sort_by_key(|t| (order_key(t), t.id));
                tokens
            },
            applications: self.applications.values().cloned().collect(),
            policies: self.policies.values().cloned().collect(),
            api_keys: self.api_keys.values().cloned().collect(),
        }
    }

    /// Applies one change; replaying a journal applies the same changes in the same order.
    pub fn apply(&mut self, change: Change) -> Result<(), String> {
        match change {
            Change::Namespace(namespace) => {
                let key = NamespaceKey::from_stored(&namespace.private_key)?;
                self.keys.insert(namespace.id, Arc::new(key));
                self.namespaces.insert(namespace.id, namespace);
            }
            Change::Function(function) => {
                self.domains
                    .insert(function.domain_name.clone(), function.id);
                self.functions.insert(function.id, function);
            }
            Change::Token(token) => {
                for group in TokenGroup::of(&token) {
                    let ordered = self.token_groups.entry(group).or_default();
                    ordered.order.insert((order_key(&token), token.id));
                    if token.deleted_at.is_some() {
                        ordered.deleted.insert(token.id);
                    }
                }
                self.tokens.insert(token.id, token);
            }
            Change::Delete { id, at } => self.mark_deleted(id, at),
            Change::Application(application) => {
                self.applications.insert(application.id, application);
            }
            Change::Policy(policy) => {
                self.policies.insert(policy.id, policy);
            }
            Change::ApiKey(key) => {
                self.api_keys.insert(key.access_key.clone(), key);
            }
            Change::Forget { id } => self.forget(&id),
        }
        Ok(())
    }

    fn mark_deleted(&mut self, id: Uuid, at: OffsetDateTime) {
        let mut newly = 0;
        let mut mark = |deleted_at: &mut Option<OffsetDateTime>| {
            let fresh = deleted_at.is_none();
            if fresh {
                *deleted_at = Some(at);
                newly += 1;
            }
            fresh
        };
        let mut tokens = Vec::new();
        if let Some(namespace) = self.namespaces.get_mut(&id) {
            mark(&mut namespace.deleted_at);
            let functions: HashSet<Uuid> = (self.functions.values_mut())
                .filter(|f| f.namespace_id == id)
                .map(|f| {
                    mark(&mut f.deleted_at);
                    f.id
                })
                .collect();
            for token in self.tokens.values_mut() {
                let covered = match token.scope {
                    Scope::Namespace(ns) => ns == id,
                    Scope::Function(f) => functions.contains(&f),
                };
                if covered && mark(&mut token.deleted_at) {
                    tokens.push((token.region, token.scope, token.id));
                }
            }
        } else if let Some(function) = self.functions.get_mut(&id) {
            mark(&mut function.deleted_at);
            for token in self.tokens.values_mut() {
                if token.scope == Scope::Function(id) && mark(&mut token.deleted_at) {
                    tokens.push((token.region, token.scope, token.id));
                }
            }
        } else if let Some(token) = self.tokens.get_mut(&id) {
            if mark(&mut token.deleted_at) {
                tokens.push((token.region, token.scope, token.id));
            }
        }
        self.deleted += newly;
        for (region, scope, id) in tokens {
            for group in [TokenGroup::Region(region), TokenGroup::Scope(scope)] {
                if let Some(ordered) = self.token_groups.get_mut(&group) {
                    ordered.deleted.insert(id);
                }
            }
        }
    }

    fn forget(&mut self, id: &str) {
        if self.api_keys.remove(id).is_some() {
            return;
        }
        let Ok(id) = Uuid::try_parse(id) else { return };
        if self.applications.remove(&id).is_some() {
            self.api_keys.retain(|_, k| k.application_id != id);
            self.policies.retain(|_, p| p.application_id != Some(id));
        } else {
            self.policies.remove(&id);
        }
    }

    /// Forgets the records deleted at or before `until`.
    pub fn purge(&mut self, until: OffsetDateTime) {
        if self.deleted == 0 {
            return;
        }
        let gone = |deleted_at: Option<OffsetDateTime>| deleted_at.is_some_and(|d| d <= until);
        let before = self.namespaces.len() + self.functions.len() + self.tokens.len();
        self.namespaces.retain(|_, n| !gone(n.deleted_at));
        self.keys.retain(|id, _| self.namespaces.contains_key(id));
        self.functions.retain(|_, f| !gone(f.deleted_at));
        self.domains.retain(|_, id| self.functions.contains_key(id));
        let groups = &mut self.token_groups;
        self.tokens.retain(|id, t| {
            let keep = !gone(t.deleted_at);
            if !keep {
                for group in TokenGroup::of(t) {
                    if let Some(ordered) = groups.get_mut(&group) {
                        ordered.order.remove(&(order_key(t), *id));
                        ordered.deleted.remove(id);
                    }
                }
            }
            keep
        });
        groups.retain(|_, ordered| !ordered.order.is_empty());
        let after = self.namespaces.len() + self.functions.len() + self.tokens.len();
        self.deleted -= before - after;
    }

    /// Whether it holds no record at all (a first start).
    pub fn is_empty(&self) -> bool {
        self.namespaces.is_empty()
            && self.functions.is_empty()
            && self.tokens.is_empty()
            && self.applications.is_empty()
            && self.policies.is_empty()
            && self.api_keys.is_empty()
    }

    /// Whether some deleted records are still held.
    pub fn has_deleted(&self) -> bool {
        self.deleted > 0
    }

    /// The signing key of a namespace.
    pub fn key(&self, namespace_id: Uuid) -> Option<&Arc<NamespaceKey>> {
        self.keys.get(&namespace_id)
    }

    /// The function served at a host name.
    pub fn function_by_domain(&self, host: &str) -> Option<&Function> {
        self.domains.get(host).and_then(|id| self.functions.get(id))
    }

    /// The tokens of a group oldest first (or newest first), including those being deleted.
    pub fn tokens_of(
        &self,
        group: TokenGroup,
        descending: bool,
    ) -> Box<dyn Iterator<Item = &Token> + '_> {
        let Some(ordered) = self.token_groups.get(&group) else {
            return Box::new(std::iter::empty());
        };
        let ids = ordered.order.iter().map(|(_, id)| id);
        let lookup = |id: &Uuid| self.tokens.get(id);
        if descending {
            Box::new(ids.rev().filter_map(lookup))
        } else {
            Box::new(ids.filter_map(lookup))
        }
    }

    /// How many tokens of a group are still visible: those not deleted at or before `gone_before`.
    pub fn visible_tokens(&self, group: TokenGroup, gone_before: OffsetDateTime) -> usize {
        self.token_groups.get(&group).map_or(0, |ordered| {
            let gone = (ordered.deleted.iter())
                .filter_map(|id| self.tokens.get(id))
                .filter(|t| t.deleted_at.is_some_and(|at| at <= gone_before))
                .count();
            ordered.order.len() - gone
        })
    }

    /// Whether this is the emulator's own secret key (compared in constant time).
    pub fn is_secret_key(&self, secret: Uuid) -> bool {
        bool::from(secret.as_bytes().ct_eq(self.identity.secret_key.as_bytes()))
    }

    /// The API key with this secret. Every key is compared, in constant time, so that timing
    /// tells nothing about the secrets.
    pub fn api_key_by_secret(&self, secret: Uuid) -> Option<&ApiKey> {
        let mut found = None;
        for key in self.api_keys.values() {
            if bool::from(key.secret_key.as_bytes().ct_eq(secret.as_bytes())) {
                found = Some(key);
            }
        }
        found
    }

    /// The rules of the application's policies that grant one of `sets` on the whole
    /// organization, or on `project` when one is given.
    pub fn granting_rules<'a>(
        &'a self,
        application_id: Uuid,
        sets: &'a [&str],
        project: Option<Uuid>,
    ) -> impl Iterator<Item = &'a Rule> + Clone + 'a {
        (self.policies.values())
            .filter(move |p| p.application_id == Some(application_id))
            .flat_map(|p| &p.rules)
            .filter(|r| (r.permission_set_names.iter()).any(|s| sets.contains(&s.as_str())))
            .filter(move |r| match &r.target {
                RuleTarget::Projects(ids) => project.is_some_and(|p| ids.contains(&p)),
                RuleTarget::Organization(id) => *id == self.identity.organization_id,
            })
    }
}

fn order_key(token: &Token) -> i128 {
    token.created_at.unix_timestamp_nanos()
}

fn alive<T: Clone>(
    records: &HashMap<Uuid, T>,
    deleted_at: impl Fn(&T) -> Option<OffsetDateTime>,
) -> Vec<T> {
    (records.values())
        .filter(|r| deleted_at(r).is_none())
        .cloned()
        .collect()
}
