use super::*;
use crate::network::{PeerView, ReachView};
use crate::wire::NetworkStatusView;

fn config(bootstrap: &[&str]) -> Config {
    let text = format!(
        "[organisation]\nname = \"Gemeente Zwolle\"\ncode = \"GM0193\"\n[node]\nbootstrap = {bootstrap:?}\n"
    );
    toml::from_str(&text).unwrap()
}

fn reach(reachability: Reachability, relays: usize, punches: (u64, u64)) -> ReachView {
    ReachView {
        reachability,
        seed: false,
        public_addresses: match reachability {
            Reachability::Public => vec!["/ip4/203.0.113.10/tcp/4001".into()],
            _ => vec![],
        },
        unreachable_addresses: vec![],
        relays: (0..relays).map(|i| format!("relay{i}")).collect(),
        relays_for_others: reachability == Reachability::Public,
        punches_succeeded: punches.0,
        punches_failed: punches.1,
    }
}

fn status(reach: Option<ReachView>) -> StatusView {
    StatusView {
        organisation: "Gemeente Zwolle".into(),
        org_key: "00".into(),
        network_id: "wiel".into(),
        network: reach.map(|reach| NetworkStatusView {
            peer_id: "12D3KooWtest".into(),
            listening: vec![],
            peers: 2,
            outbox: 0,
            reach,
        }),
        entries: 12,
        spaces: vec![],
        received: 0,
        stored_from_network: 0,
        rejected: Default::default(),
        last_received_at: None,
        search: Default::default(),
        kept_apart: Default::default(),
    }
}

fn peer(relayed: bool, clock_offset_ms: Option<i64>) -> PeerEntry {
    PeerEntry {
        peer: PeerView {
            peer_id: "p".into(),
            org_key: None,
            address: None,
            spaces: vec![],
            latency_ms: None,
            agent: None,
            relayed,
            clock_offset_ms,
            connected_s: Some(120),
        },
        organisation: None,
        trusted: true,
    }
}

fn about(findings: &[Finding], check: Check) -> Vec<(Health, String)> {
    findings
        .iter()
        .filter(|f| f.check == check)
        .map(|f| (f.health, f.message.id().to_owned()))
        .collect()
}

fn plenty() -> Option<DiskSpace> {
    Some(DiskSpace {
        free: 100 << 30,
        total: 200 << 30,
    })
}

#[test]
fn a_node_that_does_not_run_is_a_problem_and_nothing_about_its_network_is_guessed() {
    let config = config(&["/ip4/203.0.113.10/tcp/4001/p2p/x"]);
    let status = status(None);
    let findings = diagnose(&Facts {
        config: &config,
        status: &status,
        peers: &[],
        disk: plenty(),
        web: None,
    });
    assert_eq!(
        about(&findings, Check::Node),
        vec![(Health::Fail, "doctor-node-not-running".into())]
    );
    assert!(about(&findings, Check::Reachability).is_empty());
    assert!(about(&findings, Check::Clock).is_empty());
    assert_eq!(about(&findings, Check::Config)[0].0, Health::Ok);
}

#[test]
fn behind_a_random_port_nat_the_doctor_says_punches_fail_and_peers_go_through_a_relay() {
    let config = config(&["/ip4/203.0.113.10/tcp/4001/p2p/x"]);
    let status = status(Some(reach(Reachability::Private, 1, (0, 3))));
    let peers = [peer(true, Some(20)), peer(true, Some(-10))];
    let findings = diagnose(&Facts {
        config: &config,
        status: &status,
        peers: &peers,
        disk: plenty(),
        web: None,
    });
    assert_eq!(
        about(&findings, Check::Reachability),
        vec![(Health::Ok, "doctor-reach-private-relayed".into())]
    );
    assert_eq!(
        about(&findings, Check::HolePunching),
        vec![(Health::Warn, "doctor-punch-never".into())]
    );
    // Two peers are too few to judge a clock by.
    assert_eq!(
        about(&findings, Check::Clock),
        vec![(Health::Note, "doctor-clock-unknown".into())]
    );
}

#[test]
fn unreachable_without_a_relay_and_without_peers_are_problems() {
    let config = config(&[]);
    let mut status = status(Some(reach(Reachability::Private, 0, (0, 0))));
    if let Some(network) = status.network.as_mut() {
        network.peers = 0;
    }
    let findings = diagnose(&Facts {
        config: &config,
        status: &status,
        peers: &[],
        disk: plenty(),
        web: Some(WebProbe::NoAnswer("connection refused".into())),
    });
    assert_eq!(
        about(&findings, Check::Reachability)[0].0,
        Health::Fail,
        "{findings:?}"
    );
    assert_eq!(about(&findings, Check::Peers)[0].0, Health::Fail);
    assert_eq!(
        about(&findings, Check::Config),
        vec![(Health::Warn, "doctor-config-no-bootstrap".into())]
    );
    assert_eq!(about(&findings, Check::Web)[0].0, Health::Fail);
    // No punch was tried: nothing to say about it.
    assert!(about(&findings, Check::HolePunching).is_empty());
}

#[test]
fn a_clock_minutes_behind_the_peers_is_a_problem_and_one_liar_does_not_make_it_one() {
    let config = config(&["/ip4/203.0.113.10/tcp/4001/p2p/x"]);
    let status = status(Some(reach(Reachability::Public, 0, (0, 0))));
    // The peers' clocks are 7 minutes ahead of ours: ours is behind.
    let behind = [
        peer(false, Some(420_000)),
        peer(false, Some(421_000)),
        peer(false, Some(-5)),
    ];
    let findings = diagnose(&Facts {
        config: &config,
        status: &status,
        peers: &behind,
        disk: plenty(),
        web: None,
    });
    assert_eq!(
        about(&findings, Check::Clock),
        vec![(Health::Fail, "doctor-clock-behind".into())]
    );
    let one_liar = [
        peer(false, Some(86_400_000)),
        peer(false, Some(150)),
        peer(false, Some(-40)),
    ];
    let findings = diagnose(&Facts {
        config: &config,
        status: &status,
        peers: &one_liar,
        disk: plenty(),
        web: None,
    });
    assert_eq!(about(&findings, Check::Clock)[0].0, Health::Ok);
    // Many strangers that lie count for nothing; one trusted liar among three honest
    // neither.
    let mut sybils: Vec<PeerEntry> = (0..50)
        .map(|_| {
            let mut p = peer(false, Some(3_600_000));
            p.trusted = false;
            p
        })
        .collect();
    sybils.extend([
        peer(false, Some(-86_400_000)),
        peer(false, Some(10)),
        peer(false, Some(20)),
        peer(false, Some(-30)),
    ]);
    let findings = diagnose(&Facts {
        config: &config,
        status: &status,
        peers: &sybils,
        disk: plenty(),
        web: None,
    });
    assert_eq!(
        about(&findings, Check::Clock),
        vec![(Health::Ok, "doctor-clock-ok".into())]
    );
}

#[test]
fn a_nearly_full_disk_is_a_problem_and_a_thin_one_a_warning() {
    let config = config(&["/ip4/203.0.113.10/tcp/4001/p2p/x"]);
    let status = status(None);
    for (free, health) in [
        (500 << 20, Health::Fail),
        (3 << 30, Health::Warn),
        (50 << 30, Health::Ok),
    ] {
        let findings = diagnose(&Facts {
            config: &config,
            status: &status,
            peers: &[],
            disk: Some(DiskSpace {
                free,
                total: 100 << 30,
            }),
            web: None,
        });
        assert_eq!(about(&findings, Check::Disk)[0].0, health, "{free}");
    }
}
