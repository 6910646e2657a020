//! wiel-protocol: what an entry is and when it is valid. No disks, no sockets.
//!
//! - [`ids`]: newtypes for entry ids, organisation keys, hashes and signatures;
//! - [`names`]: validated names (space, network, timestamp);
//! - [`entry`]: header, body, kinds and references;
//! - [`codec`]: the canonical bincode encoding with hard size limits;
//! - [`sign`]: the organisation key and signing of drafts;
//! - [`validate`]: the rules every node applies to every entry, wherever it came from;
//! - [`privacy`]: the guard that finds citizens' personal data in an entry's text;
//! - [`texts`]: which message of the catalogue (`wiel-lang`) each error, kind and verdict is.

pub mod codec;
pub mod entry;
pub mod ids;
pub mod messages;
pub mod names;
pub mod privacy;
pub mod sign;
#[cfg(any(test, feature = "test-utils"))]
pub mod testing;
pub mod texts;
pub mod themes;
pub mod validate;

pub use codec::DecodeError;
pub use entry::{Body, Entry, Header, Kind, KindFields, KindRules, Ref, Rel, Verdict};
pub use ids::{BodyHash, EntryId, OrgKey, Signature};
pub use names::{CbsCode, NameError, NetworkId, SpaceName, Timestamp};
pub use sign::{Draft, KeyError, OrgKeypair};
pub use validate::{Batched, Invalid, Rules, Verified};

/// The only entry format this version reads and writes.
pub const FORMAT_VERSION: u8 = 1;
