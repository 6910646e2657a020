//! wiel-node: everything a municipality's node does, behind one [`Service`].
//!
//! - [`config`]: the data directory (key file, `config.toml`, store) and its settings;
//! - [`service`]: every operation a user asks (publish, answer, retract, trust, search,
//!   import, export, check, compact), used by the CLI directly while no node runs and by
//!   the local API while one does;
//! - [`events`]: how the service tells the network about its writes;
//! - [`admission`]: whether an entry from outside (a peer, an imported file) is taken,
//!   with [`refusal`] (why not, and whether that blames the sender) and [`rate`];
//! - [`trust`]: the trust set, computed from endorsements, rotations and revocations;
//! - [`network`]: the libp2p swarm (gossip, sync, fetch), its peer guard and ingest worker;
//! - [`reconcile`]: set reconciliation for catch-up sync;
//! - [`wire`]: the local API's routes, request and answer types, OpenAPI document and
//!   client; [`api`]: its server; [`web`]: the web page for colleagues; [`http`]: serving
//!   both (timeouts, connection limits); [`audit`]: who did what on the web page;
//! - [`metrics`]: Prometheus metrics; [`runtime`]: `wiel node`; [`doctor`]: the health
//!   check of `wiel doctor`; [`bootstrap_dns`]: seeds listed in DNS;
//! - [`ops`]: every operation once, in this process or through a running node's API;
//! - [`view`]: what the service returns, ready for the terminal or `--json`; [`reports`]:
//!   what the commands that set up, check or keep a node print with `--json`;
//! - [`exchange`]: the JSON-lines export format, read back by import;
//! - [`texts`]: which message of the catalogue (`wiel-lang`) each error is; [`text`]: small
//!   text rules (one line, safe to show, names compared as people mean them).

pub mod admission;
pub mod api;
pub mod audit;
pub mod bootstrap_dns;
pub mod config;
pub mod doctor;
pub mod events;
pub mod exchange;
pub mod http;
pub mod limits;
pub mod metrics;
pub mod network;
pub mod ops;
pub mod rate;
pub mod reconcile;
pub mod refusal;
pub mod reports;
pub mod runtime;
pub mod service;
pub mod systemd;
pub mod text;
pub mod texts;
pub mod trust;
pub mod view;
pub mod web;
pub mod wire;

pub use config::{Config, DataDir};
pub use service::{NewEntry, Published, Service, ServiceError};
pub use view::{EntryView, Listing, ThreadView};
