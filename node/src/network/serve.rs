//! Work that touches the store, done off the swarm's event loop: one thread answers
//! peers' fetches and sync rounds and reads this node's own sync sets, so a peer that
//! floods requests slows only that thread, never the loop (nor `wiel status`). What each
//! job does is written by its protocol handler; this module only runs the jobs, bounds
//! the queue of peers' jobs, and keeps the sets they share.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use libp2p::PeerId;
use libp2p::request_response::ResponseChannel;
use tokio::sync::mpsc;
use wiel_protocol::SpaceName;
use wiel_store::Store;

use super::{FetchResponse, SyncResponse};
use crate::reconcile::ItemSet;
use crate::trust::TrustState;

/// Peers' requests waiting for the serving thread at most; past it a sync round is refused
/// and a fetch dropped unanswered (the peer's request fails; nobody is blamed, sync tries
/// again later).
const MAX_QUEUED_REQUESTS: usize = 64;
/// Sessions this node answers at once (each holds a snapshot of a set), and the memory of
/// their distinct snapshots (sessions begun between two changes of a set share one): past
/// the first, the session idle longest is dropped; past the second, the snapshot used
/// least lately with every session that holds it (that peer's next round is refused; it
/// starts again later). A node answers about every space each of its peers follows with
/// it, and keeps a snapshot for [`SNAPSHOT_TTL`] after its session's last round: at 64
/// places, a node with 33 peers dropped sessions under way whenever they all synced
/// within a minute (under a burst, all the time), and the ones dropped were those with the
/// most to learn (the most rounds, idle the longest between them): a node just back lacked
/// most of a burst for 50 s while its peers held it all (every session refused). The
/// bytes bound holds whatever the number of peers and keys, above [`FEWEST_ANSWERED`].
const MAX_ANSWERING: usize = 1024;
const MAX_ANSWERING_BYTES: usize = 128 << 20;
/// Sessions answered whatever their snapshots' memory (as many as before the bytes bound:
/// a space of millions of entries is not answered fewer at once than before).
const FEWEST_ANSWERED: usize = 64;
/// How long a session's snapshot is kept after its last round.
const SNAPSHOT_TTL: Duration = Duration::from_secs(60);

/// What the serving thread reads from, and the sets it keeps between jobs.
pub(super) struct ServeState {
    pub store: Store,
    pub trust: TrustState,
    /// What the worker declined: not asked for again while it stays declined.
    declined: crate::admission::Declined,
    /// Each space's id set as this node passes it on.
    sets: super::sets::SpaceSets,
    /// The set snapshot each peer's session is answered from, by (peer, space).
    answering: HashMap<(PeerId, SpaceName), (Instant, Arc<ItemSet>)>,
    /// The memory those snapshots may take (see [`MAX_ANSWERING_BYTES`]), and the
    /// sessions answered whatever it is ([`FEWEST_ANSWERED`]).
    answering_bytes: usize,
    fewest_answered: usize,
}

impl ServeState {
    pub fn new(store: Store, trust: TrustState, declined: crate::admission::Declined) -> Self {
        Self {
            store,
            trust,
            declined,
            sets: Default::default(),
            answering: HashMap::new(),
            answering_bytes: MAX_ANSWERING_BYTES,
            fewest_answered: FEWEST_ANSWERED,
        }
    }

    /// Of `ids`, those this node lacks and would take: neither held (kept apart included)
    /// nor declined under the current trust set (read once for all of them).
    pub fn lacking(&self, mut ids: Vec<wiel_protocol::EntryId>) -> Vec<wiel_protocol::EntryId> {
        ids.retain(|id| matches!(self.store.holds(id), Ok(false)));
        self.declined
            .retain_undeclined(&mut ids, &self.trust.current());
        ids
    }

    /// The id set of a space as this node passes it on (entries of untrusted authors left
    /// out), as it is now.
    pub fn space_set(&mut self, space: &SpaceName) -> Arc<ItemSet> {
        self.sets.set_of(&self.store, &self.trust.current(), space)
    }

    /// The snapshot `peer`'s session about `space` is answered from: every round of a
    /// session is answered from the same one (answers from a set that changed in between
    /// would not decode, and the peer would take that for our fault). A round at
    /// `start == 0` begins a new session. Returns the set and whether a session began;
    /// `None` for a later round whose snapshot is gone (kept past [`SNAPSHOT_TTL`], or
    /// dropped for newer sessions): it is refused, and the peer starts again later.
    pub fn session_set(
        &mut self,
        peer: PeerId,
        space: &SpaceName,
        start: u64,
    ) -> Option<(Arc<ItemSet>, bool)> {
        let now = Instant::now();
        self.answering
            .retain(|_, (at, _)| now.duration_since(*at) < SNAPSHOT_TTL);
        let key = (peer, space.clone());
        let (set, began) = match self.answering.get(&key) {
            _ if start == 0 => (self.space_set(space), true),
            Some((_, set)) => (set.clone(), false),
            None => return None,
        };
        self.answering.insert(key.clone(), (now, set.clone()));
        if began {
            self.keep_answering_in_bounds(&key);
        }
        Some((set, began))
    }

    /// Keeps the sessions answered within bounds, never dropping `newest`: past
    /// [`MAX_ANSWERING`] the session idle longest goes; past [`MAX_ANSWERING_BYTES`] of
    /// distinct snapshots (and only above [`FEWEST_ANSWERED`] sessions) the snapshot used
    /// least lately goes with every session that holds it, so that each one dropped frees
    /// its memory (dropping one of several holders would free nothing).
    fn keep_answering_in_bounds(&mut self, newest: &(PeerId, SpaceName)) {
        while self.answering.len() > MAX_ANSWERING {
            let Some(idlest) = self
                .answering
                .iter()
                .filter(|(k, _)| *k != newest)
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone())
            else {
                return;
            };
            self.answering.remove(&idlest);
        }
        if self.answering.len() <= self.fewest_answered {
            return;
        }
        // Each distinct snapshot: its memory, and when a session last used it.
        let mut held: HashMap<*const ItemSet, (usize, Instant)> = HashMap::new();
        for (at, set) in self.answering.values() {
            let used = held
                .entry(Arc::as_ptr(set))
                .or_insert((set.held_bytes(), *at));
            used.1 = used.1.max(*at);
        }
        let mut bytes: usize = held.values().map(|(b, _)| b).sum();
        if bytes <= self.answering_bytes {
            return;
        }
        let kept = self.answering.get(newest).map(|(_, set)| Arc::as_ptr(set));
        let mut least_used: Vec<(Instant, *const ItemSet, usize)> = held
            .into_iter()
            .filter(|(ptr, _)| Some(*ptr) != kept)
            .map(|(ptr, (b, used))| (used, ptr, b))
            .collect();
        least_used.sort_unstable_by_key(|(used, _, _)| *used);
        for (_, ptr, b) in least_used {
            if bytes <= self.answering_bytes || self.answering.len() <= self.fewest_answered {
                break;
            }
            self.answering.retain(|_, (_, set)| Arc::as_ptr(set) != ptr);
            bytes -= b;
        }
    }
}

/// A finished job, back to the event loop.
pub(super) enum Served {
    /// Answer to a peer's fetch.
    Fetch {
        channel: ResponseChannel<FetchResponse>,
        response: FetchResponse,
    },
    /// Answer to a peer's sync request.
    Sync {
        peer: PeerId,
        channel: ResponseChannel<SyncResponse>,
        answer: super::sync::Answered,
    },
    /// This node's own set of a space, to start a session with `peer`.
    OwnSet {
        peer: PeerId,
        space: SpaceName,
        set: Arc<ItemSet>,
    },
    /// A session with a peer was reconciled; what it found missing here is sorted.
    Reconciled(super::sync::Reconciled),
}

type Job = Box<dyn FnOnce(&mut ServeState) -> Served + Send>;

/// The handle to the serving thread. The thread ends when the handle is dropped.
pub(super) struct Server {
    /// Jobs, each tagged with whether a peer's request asked for it.
    jobs: std::sync::mpsc::Sender<(Job, bool)>,
    queued_requests: Arc<AtomicUsize>,
}

impl Server {
    /// Starts the thread; finished jobs arrive on `done`.
    pub fn start(
        mut state: ServeState,
        done: mpsc::UnboundedSender<Served>,
    ) -> std::io::Result<Self> {
        let (jobs, queue) = std::sync::mpsc::channel::<(Job, bool)>();
        let queued_requests = Arc::new(AtomicUsize::new(0));
        let queued = queued_requests.clone();
        std::thread::Builder::new()
            .name("wiel-serve".into())
            .spawn(move || {
                while let Ok((job, for_peer)) = queue.recv() {
                    if for_peer {
                        queued.fetch_sub(1, Ordering::Relaxed);
                    }
                    if done.send(job(&mut state)).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Self {
            jobs,
            queued_requests,
        })
    }

    /// Whether a peer's request would be queued now: the serving thread only takes
    /// requests off the queue, so a request queued next on this thread finds room.
    pub fn has_room(&self) -> bool {
        self.queued_requests.load(Ordering::Relaxed) < MAX_QUEUED_REQUESTS
    }

    /// Queues a peer's request. `false` when too many wait: the caller drops the request.
    pub fn serve_peer(&self, job: impl FnOnce(&mut ServeState) -> Served + Send + 'static) -> bool {
        if !self.has_room() {
            return false;
        }
        self.queued_requests.fetch_add(1, Ordering::Relaxed);
        self.jobs.send((Box::new(job), true)).is_ok()
    }

    /// Queues this node's own work (bounded by its own peers and spaces).
    pub fn run_own(&self, job: impl FnOnce(&mut ServeState) -> Served + Send + 'static) {
        let _ = self.jobs.send((Box::new(job), false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiel_protocol::{OrgKeypair, testing};

    fn state() -> (tempfile::TempDir, ServeState) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let own = OrgKeypair::generate();
        let trust = TrustState::load(
            own.public(),
            crate::trust::TrustConfig {
                mode: crate::trust::TrustMode::Open,
                ..Default::default()
            },
            &store,
        )
        .unwrap();
        (dir, ServeState::new(store, trust, Default::default()))
    }

    #[test]
    fn a_later_round_is_answered_from_its_sessions_snapshot_or_refused_once_it_is_gone() {
        let (_dir, mut state) = state();
        let key = OrgKeypair::generate();
        let space = SpaceName::national();
        let peer = PeerId::random();
        state
            .store
            .ingest(testing::practice(&key, 1, 1_000))
            .unwrap();
        let (first, began) = state.session_set(peer, &space, 0).unwrap();
        assert!(began);
        // The space changes during the session: its rounds still see the snapshot.
        state
            .store
            .ingest(testing::practice(&key, 2, 2_000))
            .unwrap();
        let (later, began) = state.session_set(peer, &space, 8).unwrap();
        assert!(!began);
        assert!(Arc::ptr_eq(&first, &later));
        // Newer sessions of other peers push its snapshot out: its next round is refused,
        // not answered from the set as it is now (which would not decode).
        for _ in 0..MAX_ANSWERING {
            state.session_set(PeerId::random(), &space, 0).unwrap();
        }
        assert!(state.session_set(peer, &space, 16).is_none());
        // A new session starts from the set as it is now.
        let (again, began) = state.session_set(peer, &space, 0).unwrap();
        assert!(began);
        assert_eq!(again.len(), 2);
        // A round of a session never begun here is refused too.
        assert!(state.session_set(PeerId::random(), &space, 8).is_none());
    }

    #[test]
    fn sessions_begun_between_two_changes_share_a_snapshot_and_the_memory_bound_drops_the_least_used()
     {
        let (_dir, mut state) = state();
        let key = OrgKeypair::generate();
        let space = SpaceName::national();
        let add = |state: &mut ServeState, n: u64| {
            state
                .store
                .ingest(testing::practice(&key, n, 1_000 * n))
                .unwrap();
            state.space_set(&space).held_bytes()
        };
        for n in 1..=2 {
            add(&mut state, n);
        }
        let first = add(&mut state, 3);
        let peers: Vec<PeerId> = (0..5).map(|_| PeerId::random()).collect();
        // Three sessions begun without a change between: one snapshot for all three.
        for peer in &peers[..3] {
            state.session_set(*peer, &space, 0).unwrap();
        }
        for peer in &peers[..3] {
            assert!(state.session_set(*peer, &space, 8).is_some());
        }
        // A change, a fourth session; another change, a fifth: three snapshots, and room
        // for the last two only.
        let second = add(&mut state, 4);
        state.session_set(peers[3], &space, 0).unwrap();
        let third = add(&mut state, 5);
        state.fewest_answered = 0;
        state.answering_bytes = second + third + first / 2;
        state.session_set(peers[4], &space, 0).unwrap();
        // The first snapshot, used least lately, went with all three of its sessions;
        // the newer ones stay.
        for peer in &peers[..3] {
            assert!(state.session_set(*peer, &space, 16).is_none(), "dropped");
        }
        assert!(state.session_set(peers[3], &space, 8).is_some());
        assert!(state.session_set(peers[4], &space, 8).is_some());
        // Below the fewest answered, the bytes do not count.
        state.fewest_answered = 64;
        state.answering_bytes = 0;
        for peer in &peers[..3] {
            state.session_set(*peer, &space, 0).unwrap();
        }
        assert_eq!(state.answering.len(), 5);
    }

    #[test]
    fn a_full_queue_says_so_before_a_request_is_taken_and_has_room_again_once_served() {
        let (_dir, state) = state();
        let (done, mut finished) = mpsc::unbounded_channel();
        let server = Server::start(state, done).unwrap();
        // The first job holds the serving thread until told to go on.
        let (go_on, wait) = std::sync::mpsc::channel::<()>();
        let wait = std::sync::Mutex::new(wait);
        let served = |state: &mut ServeState| Served::OwnSet {
            peer: PeerId::random(),
            space: SpaceName::national(),
            set: state.space_set(&SpaceName::national()),
        };
        assert!(server.serve_peer(move |state| {
            let _ = wait.lock().unwrap().recv();
            served(state)
        }));
        // The thread may or may not have taken the first off the queue yet.
        let mut queued = 1;
        while server.has_room() {
            assert!(server.serve_peer(served));
            queued += 1;
            assert!(queued <= MAX_QUEUED_REQUESTS + 1, "the queue never fills");
        }
        assert!(!server.serve_peer(served), "a full queue takes no request");
        go_on.send(()).unwrap();
        for _ in 0..queued {
            finished.blocking_recv().unwrap();
        }
        assert!(server.has_room());
    }
}
