//! wiel-node: everything a municipality's node does, behind one [`Service`].
//!
//! - [`config`]: the data directory (key file, `config.toml`, store) and its settings;
//! - [`service`]: publish, list, show, search, import, export: used by the CLI directly
//!   while no node runs (and later by the node's local API);
//! - [`view`]: what the service returns, ready for the terminal or `--json`;
//! - [`exchange`]: the JSON-lines export format, read back by import.
//!
//! The network (libp2p swarm, gossip, sync) joins this crate in a later step.

pub mod api;
pub mod config;
pub mod events;
pub mod exchange;
pub mod metrics;
pub mod network;
pub mod reconcile;
pub mod runtime;
pub mod service;
pub mod trust;
pub mod view;

pub use config::{Config, DataDir};
pub use service::{NewEntry, Published, Service, ServiceError};
pub use view::{EntryView, ThreadView};
