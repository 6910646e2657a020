//! Who may use the web page: one-time login links and the sessions they open.
//!
//! A login link holds a random token that works once, within ten minutes; using it opens a
//! session, named by a random id in an HttpOnly, SameSite=Strict cookie. Each session has
//! its own random CSRF token, which every form carries back. All in memory: a node that
//! restarts signs everyone out, and `wiel web` gives a new link. A sign-in through the
//! identity provider (`sign_in`) opens a session the same way, for the person it named.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::audit::Actor;

/// How long a login link works.
const LINK_VALID: Duration = Duration::from_secs(10 * 60);
/// A session ends after this long without a request.
const SESSION_IDLE: Duration = Duration::from_secs(12 * 60 * 60);
/// At most this many open links and sessions (a flood of `wiel web` calls evicts the oldest).
const MAX_ENTRIES: usize = 1_000;

/// The cookie that names a session; under https with the `__Host-` prefix, which a browser
/// keeps to this exact host (no sibling site can set it).
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-wiel_sessie"
    } else {
        "wiel_sessie"
    }
}

/// Sessions one person may have open at once (more sign-ins end their oldest), so that
/// one account cannot push everyone else out.
const PER_PERSON: usize = 5;

/// What a session may do beyond writing, and changing what its person wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Powers {
    /// Change or withdraw any of the municipality's entries.
    pub edit_all: bool,
    /// Vouch for organisations, or stop.
    pub change_trust: bool,
}

impl Powers {
    /// Whoever holds a login link made on the node's own computer.
    pub const ALL: Powers = Powers {
        edit_all: true,
        change_trust: true,
    };
}

#[derive(Default)]
pub struct Sessions {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    links: HashMap<String, Instant>,
    sessions: HashMap<String, Session>,
}

/// An open session.
#[derive(Clone)]
pub struct Session {
    pub csrf: String,
    /// Who uses it: what goes into the audit log.
    pub actor: Actor,
    pub powers: Powers,
    last_seen: Instant,
}

impl Sessions {
    /// A new one-time login token.
    pub fn new_link(&self) -> Result<String, getrandom::Error> {
        let token = random_hex()?;
        let mut inner = self.lock();
        let now = Instant::now();
        inner
            .links
            .retain(|_, made| now.duration_since(*made) < LINK_VALID);
        if inner.links.len() >= MAX_ENTRIES
            && let Some(oldest) = inner
                .links
                .iter()
                .min_by_key(|(_, made)| **made)
                .map(|(t, _)| t.clone())
        {
            inner.links.remove(&oldest);
        }
        inner.links.insert(token.clone(), now);
        Ok(token)
    }

    /// Uses a login token: the new session's id, or `None` when the token is unknown,
    /// used already, or expired.
    pub fn log_in(&self, token: &str) -> Option<String> {
        let made = self.lock().links.remove(token)?;
        if made.elapsed() >= LINK_VALID {
            return None;
        }
        self.open(Actor::LoginLink, Powers::ALL)
    }

    /// Opens a session for this actor: its id.
    pub fn open(&self, actor: Actor, powers: Powers) -> Option<String> {
        let mut inner = self.lock();
        let now = Instant::now();
        let id = random_hex().ok()?;
        let csrf = random_hex().ok()?;
        inner
            .sessions
            .retain(|_, s| now.duration_since(s.last_seen) < SESSION_IDLE);
        if let Actor::SignIn { subject, .. } = &actor {
            let mut own: Vec<(Instant, String)> = inner
                .sessions
                .iter()
                .filter(|(_, s)| matches!(&s.actor, Actor::SignIn { subject: other, .. } if other == subject))
                .map(|(id, s)| (s.last_seen, id.clone()))
                .collect();
            own.sort();
            let excess = (own.len() + 1).saturating_sub(PER_PERSON);
            for (_, old) in own.into_iter().take(excess) {
                inner.sessions.remove(&old);
            }
        }
        if inner.sessions.len() >= MAX_ENTRIES
            && let Some(oldest) = inner
                .sessions
                .iter()
                .min_by_key(|(_, s)| s.last_seen)
                .map(|(id, _)| id.clone())
        {
            inner.sessions.remove(&oldest);
        }
        inner.sessions.insert(
            id.clone(),
            Session {
                csrf,
                actor,
                powers,
                last_seen: now,
            },
        );
        Some(id)
    }

    /// The session named by this id, if it is open; marks it seen.
    pub fn get(&self, id: &str) -> Option<Session> {
        let mut inner = self.lock();
        let now = Instant::now();
        let session = inner.sessions.get_mut(id)?;
        if now.duration_since(session.last_seen) >= SESSION_IDLE {
            inner.sessions.remove(id);
            return None;
        }
        session.last_seen = now;
        Some(session.clone())
    }

    /// Whether this session is open, without counting this as a visit.
    pub fn is_open(&self, id: &str) -> bool {
        self.lock()
            .sessions
            .get(id)
            .is_some_and(|s| s.last_seen.elapsed() < SESSION_IDLE)
    }

    /// Ends a session (signing out).
    pub fn close(&self, id: &str) {
        self.lock().sessions.remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain maps behind: still usable.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// 32 random bytes as hex.
fn random_hex() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

/// Equal without telling, by its timing, how much of it was equal.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_link_works_once_and_opens_a_session_with_its_own_csrf_token() {
        let sessions = Sessions::default();
        let link = sessions.new_link().unwrap();
        let id = sessions.log_in(&link).unwrap();
        assert!(sessions.log_in(&link).is_none(), "used once");
        let session = sessions.get(&id).unwrap();
        assert_eq!(session.csrf.len(), 64);
        assert_ne!(session.csrf, id);
        assert!(sessions.get("0".repeat(64).as_str()).is_none());
        assert!(same_secret(&session.csrf, &session.csrf.clone()));
        assert!(!same_secret(&session.csrf, &id));
    }
}
