//! Who a sign-in's caller is and what they may see, remembered for a moment, so that reads
//! do not run the session check and the access policy's statements (up to six, in
//! sequence) before every request.
//!
//! What keeps this safe:
//! - only reads use it: a request that writes checks the session and loads access from
//!   the database, and when it has run, everything remembered is forgotten (a mutation
//!   is how sessions are revoked, people disabled and roles changed), so this server
//!   never answers from what was true before its last write;
//! - what is remembered lives at most `ttl` (`TRELLIS_CALLER_CACHE_MS`, 2 s by default;
//!   0 turns the cache off), which bounds how long a change made elsewhere (another
//!   server process, or the database directly) goes unseen;
//! - the access token itself (signature, expiry) is still checked on every request.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::SignedIn;
use super::policy::Access;

/// One sign-in: the person and their session family.
pub type SessionKey = (i32, String);

/// Sign-ins remembered at most; past that, the oldest half is dropped.
const CAPACITY: usize = 10_000;

pub struct CallerCache {
    ttl: Duration,
    /// Counts writes; an entry from before the latest write is not used.
    generation: AtomicU64,
    entries: Mutex<HashMap<SessionKey, Entry>>,
}

struct Entry {
    signed_in: SignedIn,
    access: Option<Arc<Access>>,
    generation: u64,
    stored: Instant,
}

/// What a read request may take from the cache, and where it puts what it loads.
#[derive(Clone)]
pub struct Memo {
    cache: Arc<CallerCache>,
    /// The generation when the request began: anything it loads from then on is stored
    /// under it, so a write that finished meanwhile makes it unusable.
    generation: u64,
}

impl CallerCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// For a read request: a memo to look up and store in; `None` when the cache is off.
    pub fn memo(self: &Arc<Self>) -> Option<Memo> {
        (!self.ttl.is_zero()).then(|| Memo {
            cache: self.clone(),
            generation: self.generation.load(Ordering::SeqCst),
        })
    }

    /// After a request that writes: everything remembered may be out of date.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.lock().expect("caller cache").clear();
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<SessionKey, Entry>> {
        self.entries.lock().expect("caller cache")
    }
}

impl Memo {
    fn current(&self, entry: &Entry) -> bool {
        entry.generation == self.generation
            && self.cache.generation.load(Ordering::SeqCst) == self.generation
            && entry.stored.elapsed() < self.cache.ttl
    }

    pub fn signed_in(&self, key: &SessionKey) -> Option<SignedIn> {
        let entries = self.cache.entries();
        entries
            .get(key)
            .filter(|entry| self.current(entry))
            .map(|entry| entry.signed_in.clone())
    }

    pub fn access(&self, key: &SessionKey) -> Option<Arc<Access>> {
        let entries = self.cache.entries();
        entries
            .get(key)
            .filter(|entry| self.current(entry))
            .and_then(|entry| entry.access.clone())
    }

    pub fn store_signed_in(&self, key: SessionKey, signed_in: SignedIn) {
        self.store(key, signed_in, None);
    }

    /// Stores a caller's access scope with the sign-in it belongs to.
    pub fn store_access(&self, signed_in: &SignedIn, access: Arc<Access>) {
        let key = (signed_in.person_id, signed_in.session_family.clone());
        self.store(key, signed_in.clone(), Some(access));
    }

    fn store(&self, key: SessionKey, signed_in: SignedIn, access: Option<Arc<Access>>) {
        let mut entries = self.cache.entries();
        if self.cache.generation.load(Ordering::SeqCst) != self.generation {
            return;
        }
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            let ttl = self.cache.ttl;
            entries.retain(|_, entry| entry.stored.elapsed() < ttl / 2);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        let stored = match entries.get(&key) {
            // Adding the access scope to a sign-in keeps the time it was checked.
            Some(entry) if entry.generation == self.generation && access.is_some() => entry.stored,
            _ => Instant::now(),
        };
        entries.insert(
            key,
            Entry {
                signed_in,
                access,
                generation: self.generation,
                stored,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i32) -> SignedIn {
        SignedIn {
            person_id: id,
            is_platform_admin: false,
            session_family: format!("family-{id}"),
        }
    }

    fn key(id: i32) -> SessionKey {
        (id, format!("family-{id}"))
    }

    #[test]
    fn remembers_until_a_write() {
        let cache = Arc::new(CallerCache::new(Duration::from_secs(60)));
        let memo = cache.memo().unwrap();
        memo.store_signed_in(key(1), person(1));
        assert!(cache.memo().unwrap().signed_in(&key(1)).is_some());
        assert!(cache.memo().unwrap().signed_in(&key(2)).is_none());
        cache.forget_all();
        assert!(cache.memo().unwrap().signed_in(&key(1)).is_none());
        // A request that began before the write stores nothing.
        memo.store_signed_in(key(1), person(1));
        assert!(cache.memo().unwrap().signed_in(&key(1)).is_none());
    }

    #[test]
    fn forgets_after_the_ttl() {
        let cache = Arc::new(CallerCache::new(Duration::from_millis(1)));
        let memo = cache.memo().unwrap();
        memo.store_signed_in(key(1), person(1));
        std::thread::sleep(Duration::from_millis(5));
        assert!(cache.memo().unwrap().signed_in(&key(1)).is_none());
    }

    #[test]
    fn is_off_with_no_ttl() {
        assert!(Arc::new(CallerCache::new(Duration::ZERO)).memo().is_none());
    }
}
