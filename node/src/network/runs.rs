//! Bookkeeping of `wiel sync` runs (what each run found, fetched and stored, and when it
//! is done) and of the last sync of each space, as `wiel status` shows it.

use std::collections::VecDeque;
use std::time::Instant;

use libp2p::PeerId;
use serde::{Deserialize, Serialize};
use wiel_lang::{Message, msg};
use wiel_protocol::{OrgKey, SpaceName, Timestamp};

/// Finished runs kept for `wiel sync` to read.
const KEPT_RUNS: usize = 16;
/// Most rounds of one run with one peer when the fetch queue's cap left entries for later
/// (each round fetches up to the cap): a run ends even if a peer keeps offering more.
const MAX_ROUNDS: u32 = 64;

/// Identifies a `wiel sync` run.
pub type RunId = u64;

/// Why entries are fetched: for the bookkeeping of runs, spaces and lying peers.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub space: Option<SpaceName>,
    pub run: Option<RunId>,
    /// The session that found them missing (matches [`SpaceSync::session`]).
    pub session: Option<u64>,
    /// The peer said it holds them (reconciliation or offer): not serving them is a lie.
    pub claimed: bool,
}

/// The last finished reconciliation of a space.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SpaceSync {
    pub at: Timestamp,
    pub peer_id: String,
    pub org_key: Option<OrgKey>,
    /// Entries the peer held that this node lacked.
    pub missing: u64,
    /// Of those, entries stored so far.
    pub stored: u64,
    #[serde(skip)]
    pub session: u64,
}

/// Progress and outcome of a `wiel sync` run.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SyncReport {
    pub id: RunId,
    /// Peer ids synced with.
    pub peers: Vec<String>,
    pub started_at: Timestamp,
    pub elapsed_ms: u64,
    pub done: bool,
    /// Reconciliations finished (one per peer and space).
    pub sessions: u32,
    /// Entries found missing here, to fetch.
    pub to_fetch: u64,
    /// Entries received so far.
    pub fetched: u64,
    pub stored: u64,
    /// Received but already here (another peer was quicker).
    pub duplicates: u64,
    /// Received and refused: failed validation.
    pub rejected: u64,
    /// Claimed by a peer and then not served.
    pub not_served: u64,
    /// Entries this node held that peers lacked (they fetch them).
    pub offered: u64,
    /// What went wrong, one line per peer and space (in the language the API request
    /// asked for; English otherwise).
    pub problems: Vec<String>,
    /// The same, as messages, for the API to put in the request's language.
    #[serde(skip)]
    pub problem_messages: Vec<Message>,
}

impl SyncReport {
    /// The problems in `lang`.
    pub fn in_language(mut self, lang: wiel_lang::Lang) -> SyncReport {
        self.problems = self.problem_messages.iter().map(|m| lang.text(m)).collect();
        self
    }

    fn add_problem(&mut self, problem: Message) {
        self.problems.push(problem.english());
        self.problem_messages.push(problem);
    }
}

struct Run {
    report: SyncReport,
    started: Instant,
    open_sessions: u32,
    /// Fetch chunks queued or in flight.
    open_chunks: u32,
    /// Entries handed to the ingest worker, not yet judged.
    at_worker: u64,
    /// Peers that had more missing entries than the fetch queue takes at once: reconciled
    /// again once this round is through (see [`Runs::continuations`]).
    deferred: std::collections::BTreeSet<PeerId>,
    /// Rounds so far, and what was stored when the last one began.
    rounds: u32,
    stored_at_round: u64,
}

impl Run {
    fn is_quiet(&self) -> bool {
        self.open_sessions == 0 && self.open_chunks == 0 && self.at_worker == 0
    }

    fn is_done(&self) -> bool {
        self.is_quiet() && self.deferred.is_empty()
    }
}

/// The runs `wiel sync` started, the latest [`KEPT_RUNS`] of them.
#[derive(Default)]
pub struct Runs {
    runs: VecDeque<Run>,
    next: RunId,
}

impl Runs {
    pub fn start(&mut self, peers: &[PeerId]) -> RunId {
        self.next += 1;
        if self.runs.len() >= KEPT_RUNS {
            self.runs.pop_front();
        }
        self.runs.push_back(Run {
            report: SyncReport {
                id: self.next,
                peers: peers.iter().map(|p| p.to_string()).collect(),
                started_at: Timestamp::now(),
                elapsed_ms: 0,
                done: false,
                sessions: 0,
                to_fetch: 0,
                fetched: 0,
                stored: 0,
                duplicates: 0,
                rejected: 0,
                not_served: 0,
                offered: 0,
                problems: Vec::new(),
                problem_messages: Vec::new(),
            },
            started: Instant::now(),
            open_sessions: 0,
            open_chunks: 0,
            at_worker: 0,
            deferred: Default::default(),
            rounds: 1,
            stored_at_round: 0,
        });
        self.next
    }

    /// `peer` had more missing entries for run `id` than the fetch queue took.
    pub(super) fn defer(&mut self, id: Option<RunId>, peer: PeerId) {
        if let Some(run) = self.get(id) {
            run.deferred.insert(peer);
        }
    }

    /// The (run, peer) pairs to reconcile again now: runs whose round is through and that
    /// left entries for later, as long as the last round stored something and the rounds
    /// stay under [`MAX_ROUNDS`] (otherwise the run ends, saying so).
    pub fn continuations(&mut self) -> Vec<(RunId, PeerId)> {
        let mut out = Vec::new();
        for run in self.runs.iter_mut() {
            if !run.is_quiet() || run.deferred.is_empty() {
                continue;
            }
            let peers = std::mem::take(&mut run.deferred);
            if run.rounds >= MAX_ROUNDS || run.report.stored == run.stored_at_round {
                run.report
                    .add_problem(msg!("sync-problem-rounds", rounds = run.rounds));
                Self::finish_if_done(run);
                continue;
            }
            run.rounds += 1;
            run.stored_at_round = run.report.stored;
            out.extend(peers.into_iter().map(|peer| (run.report.id, peer)));
        }
        out
    }

    fn get(&mut self, id: Option<RunId>) -> Option<&mut Run> {
        let id = id?;
        self.runs.iter_mut().find(|r| r.report.id == id)
    }

    pub fn report(&mut self, id: RunId) -> Option<SyncReport> {
        let run = self.get(Some(id))?;
        let mut report = run.report.clone();
        report.done = run.is_done();
        if !report.done {
            report.elapsed_ms = run.started.elapsed().as_millis() as u64;
        }
        Some(report)
    }

    /// Marks the run done with its time, each time it is: a session can close before the
    /// fetches it found are queued (in the same turn of the event loop), so the time of
    /// the last moment counts, not of the first.
    fn finish_if_done(run: &mut Run) {
        if run.is_done() {
            run.report.done = true;
            run.report.elapsed_ms = run.started.elapsed().as_millis() as u64;
        }
    }

    pub fn session_opened(&mut self, id: Option<RunId>) {
        if let Some(run) = self.get(id) {
            run.open_sessions += 1;
        }
    }

    /// A session ended: with the counts it found, or with a problem.
    pub fn session_closed(
        &mut self,
        id: Option<RunId>,
        missing: u64,
        offered: u64,
        problem: Option<Message>,
    ) {
        if let Some(run) = self.get(id) {
            run.open_sessions = run.open_sessions.saturating_sub(1);
            run.report.sessions += 1;
            run.report.to_fetch += missing;
            run.report.offered += offered;
            if let Some(problem) = problem {
                run.report.add_problem(problem);
            }
            Self::finish_if_done(run);
        }
    }

    pub(super) fn chunk_queued(&mut self, id: Option<RunId>) {
        if let Some(run) = self.get(id) {
            run.open_chunks += 1;
        }
    }

    /// A fetch chunk came back (or failed): `received` entries went to the worker.
    pub(super) fn chunk_closed(&mut self, id: Option<RunId>, received: u64, not_served: u64) {
        if let Some(run) = self.get(id) {
            run.open_chunks = run.open_chunks.saturating_sub(1);
            run.at_worker += received;
            run.report.fetched += received;
            run.report.not_served += not_served;
            Self::finish_if_done(run);
        }
    }

    /// The worker judged `stored + duplicates + rejected` entries of a run.
    pub fn judged(&mut self, id: Option<RunId>, stored: u64, duplicates: u64, rejected: u64) {
        if let Some(run) = self.get(id) {
            run.at_worker = run.at_worker.saturating_sub(stored + duplicates + rejected);
            run.report.stored += stored;
            run.report.duplicates += duplicates;
            run.report.rejected += rejected;
            Self::finish_if_done(run);
        }
    }

    pub fn problem(&mut self, id: Option<RunId>, problem: Message) {
        if let Some(run) = self.get(id) {
            run.report.add_problem(problem);
        }
    }
}
