//! Prometheus metrics: libp2p's bandwidth counters plus the node's own, served as text on
//! `--metrics ADDR` (off by default).

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

use crate::network::Counters;

/// Reads the node's counters at each scrape.
#[derive(Debug)]
pub struct CounterCollector(pub Arc<Counters>);

impl std::fmt::Debug for Counters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Counters")
    }
}

fn counter(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    value: u64,
) -> Result<(), std::fmt::Error> {
    let metric = ConstCounter::new(value);
    let m = encoder.encode_descriptor(name, help, None, metric.metric_type())?;
    metric.encode(m)
}

impl Collector for CounterCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let c = &self.0;
        let peers = ConstGauge::new(c.peers.load(Relaxed) as i64);
        peers.encode(encoder.encode_descriptor(
            "wiel_peers",
            "Connected peers",
            None,
            peers.metric_type(),
        )?)?;
        counter(
            &mut encoder,
            "wiel_entries_received",
            "Entries received from the network",
            c.received.load(Relaxed),
        )?;
        counter(
            &mut encoder,
            "wiel_entries_stored",
            "Entries from the network that were new and stored",
            c.stored.load(Relaxed),
        )?;
        counter(
            &mut encoder,
            "wiel_entries_duplicate",
            "Entries from the network this node already had",
            c.duplicates.load(Relaxed),
        )?;
        counter(
            &mut encoder,
            "wiel_gossip_bytes_in",
            "Bytes of gossiped entries received",
            c.gossip_bytes_in.load(Relaxed),
        )?;
        counter(
            &mut encoder,
            "wiel_gossip_bytes_out",
            "Bytes of own entries gossiped",
            c.gossip_bytes_out.load(Relaxed),
        )?;
        for (name, help, value) in [
            (
                "wiel_gossip_messages_not_sent",
                "Gossip messages not sent to a slow peer in time (it gets them by sync)",
                &c.gossip_not_sent,
            ),
            (
                "wiel_connections_made",
                "Connections made with peers, either way",
                &c.connections_made,
            ),
            (
                "wiel_punches_succeeded",
                "Hole punches that gave a direct connection",
                &c.punches_succeeded,
            ),
            (
                "wiel_punches_failed",
                "Hole punches that failed (the connection stays relayed)",
                &c.punches_failed,
            ),
            (
                "wiel_relay_reservations",
                "Reservations relays granted this node",
                &c.relay_reservations,
            ),
            (
                "wiel_circuits_relayed",
                "Circuits this node relayed for others (a seed)",
                &c.circuits_relayed,
            ),
            (
                "wiel_relay_refused",
                "Reservations and circuits this node refused to relay (limits, strangers)",
                &c.circuits_refused,
            ),
        ] {
            counter(&mut encoder, name, help, value.load(Relaxed))?;
        }
        let [started, ended] = c.sync_sessions();
        for (name, help, label, values) in [
            (
                "wiel_entries_rejected",
                "Entries from the network refused, by reason",
                "reason",
                c.rejected(),
            ),
            (
                "wiel_sync_sessions_started",
                "Sync sessions this node started, by why",
                "why",
                started,
            ),
            (
                "wiel_sync_sessions_ended",
                "Sync sessions this node started, by how they ended",
                "how",
                ended,
            ),
        ] {
            let mut family = encoder.encode_descriptor(
                name,
                help,
                None,
                prometheus_client::metrics::MetricType::Counter,
            )?;
            for (value, n) in values {
                let labels = [(label, value)];
                ConstCounter::new(n).encode(family.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }
}

/// The registry as Prometheus text.
pub fn render(registry: &Registry) -> String {
    let mut out = String::new();
    if prometheus_client::encoding::text::encode(&mut out, registry).is_err() {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_and_sync_sessions_are_counted_by_their_label() {
        let counters = Arc::new(Counters::default());
        counters.reject(crate::refusal::Refusal::ServeBusy);
        counters.sync_started("new_peer");
        counters.sync_started("new_peer");
        counters.sync_started("settle");
        counters.sync_ended("reconciled");
        counters.connections_made.fetch_add(3, Relaxed);
        let mut registry = Registry::default();
        registry.register_collector(Box::new(CounterCollector(counters)));
        let text = render(&registry);
        for line in [
            "wiel_entries_rejected_total{reason=\"serve_busy\"} 1",
            "wiel_sync_sessions_started_total{why=\"new_peer\"} 2",
            "wiel_sync_sessions_started_total{why=\"settle\"} 1",
            "wiel_sync_sessions_ended_total{how=\"reconciled\"} 1",
            "wiel_connections_made_total 3",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} not in:\n{text}");
        }
    }
}
