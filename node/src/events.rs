//! What the service tells the network about its writes, so that whatever writes — the
//! CLI through the local API, an import, a future web page — reaches the peers without
//! the caller doing anything.

use std::sync::OnceLock;

use tokio::sync::mpsc;
use wiel_protocol::{EntryId, OrgKey};

/// A write the network acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    /// Entries of ours went into the outbox: gossip what waits there.
    Own,
    /// Imported entries that this node passes on: gossip them.
    Imported(Vec<EntryId>),
    /// Organisations became trusted: the entries kept apart until now go on by sync.
    Promoted(Vec<OrgKey>),
}

/// The sending side, held by the service: silent until a network listens (without a
/// running node, the outbox keeps our entries until it starts).
#[derive(Default)]
pub struct Notifier {
    tx: OnceLock<mpsc::UnboundedSender<Written>>,
}

impl Notifier {
    /// The receiving side, for the network. `None` when something listens already.
    pub fn listen(&self) -> Option<mpsc::UnboundedReceiver<Written>> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.tx.set(tx).ok().map(|()| rx)
    }

    pub fn send(&self, written: Written) {
        if let Some(tx) = self.tx.get() {
            let _ = tx.send(written);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_listener_hears_every_write_and_nothing_is_kept_before_it_listens() {
        let notifier = Notifier::default();
        notifier.send(Written::Own);
        let mut rx = notifier.listen().unwrap();
        assert!(notifier.listen().is_none(), "one listener");
        notifier.send(Written::Promoted(vec![]));
        assert_eq!(rx.try_recv().unwrap(), Written::Promoted(vec![]));
        assert!(rx.try_recv().is_err());
    }
}
