//! What an address says about how to reach a peer: loopback, relayed, and which of a
//! peer's addresses to dial first.

use libp2p::Multiaddr;
use libp2p::multiaddr::Protocol;

/// Whether an address is on this machine's loopback.
pub fn is_loopback(addr: &Multiaddr) -> bool {
    addr.iter().any(|p| match p {
        Protocol::Ip4(ip) => ip.is_loopback(),
        Protocol::Ip6(ip) => ip.is_loopback(),
        _ => false,
    })
}

/// Whether an address can only mean this machine: loopback, or the unspecified address.
pub(crate) fn is_this_machine(addr: &Multiaddr) -> bool {
    is_loopback(addr)
        || addr.iter().any(|p| match p {
            Protocol::Ip4(ip) => ip.is_unspecified(),
            Protocol::Ip6(ip) => ip.is_unspecified(),
            _ => false,
        })
}

/// Whether an address names an IP address.
pub(crate) fn has_ip(addr: &Multiaddr) -> bool {
    addr.iter()
        .any(|p| matches!(p, Protocol::Ip4(_) | Protocol::Ip6(_)))
}

/// How worth dialing an address of a peer Kademlia found is (lower first): a public one,
/// then one through a relay (which always works, and a punch may follow), then one in a
/// private range (reachable only from the same network), then loopback.
pub(crate) fn dial_rank(addr: &Multiaddr) -> u8 {
    if is_relayed(addr) {
        return 1;
    }
    let ip = addr.iter().find_map(|p| match p {
        Protocol::Ip4(ip) => Some(std::net::IpAddr::V4(ip)),
        Protocol::Ip6(ip) => Some(std::net::IpAddr::V6(ip)),
        _ => None,
    });
    match ip {
        Some(ip) if ip.is_loopback() => 3,
        Some(std::net::IpAddr::V4(ip))
            if ip.is_private()
                || ip.is_link_local()
                || ip.is_unspecified()
                // Shared address space (carrier-grade NAT), 100.64.0.0/10.
                || (ip.octets()[0] == 100 && ip.octets()[1] & 0xc0 == 64) =>
        {
            2
        }
        Some(std::net::IpAddr::V6(ip))
            if ip.is_unspecified() || ip.is_unique_local() || ip.is_unicast_link_local() =>
        {
            2
        }
        // A name (/dns4/…) is public.
        _ => 0,
    }
}

/// Whether an address goes through a relay.
pub fn is_relayed(addr: &Multiaddr) -> bool {
    addr.iter().any(|p| matches!(p, Protocol::P2pCircuit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses_are_dialed_first_then_relayed_then_private_then_loopback() {
        let mut addrs: Vec<Multiaddr> = [
            "/ip4/127.0.0.1/tcp/4001",
            "/ip4/10.1.2.3/tcp/4001",
            "/ip4/100.64.0.9/tcp/4001",
            "/ip4/203.0.113.10/tcp/4001/p2p/12D3KooWDYDKYwWiC4yTTz6XNEb2bU83RpJLg7x4tZcpr1WqszzB/p2p-circuit",
            "/ip4/198.51.100.7/udp/4001/quic-v1",
        ]
        .iter()
        .map(|a| a.parse().unwrap())
        .collect();
        addrs.sort_by_key(dial_rank);
        let ranks: Vec<u8> = addrs.iter().map(dial_rank).collect();
        assert_eq!(ranks, vec![0, 1, 2, 2, 3]);
        assert!(addrs[0].to_string().starts_with("/ip4/198.51.100.7"));
        assert!(is_relayed(&addrs[1]));
    }

    #[test]
    fn loopback_and_unspecified_addresses_can_only_mean_this_machine() {
        let this = |a: &str| is_this_machine(&a.parse().unwrap());
        assert!(this("/ip4/127.0.0.1/tcp/4001"));
        assert!(this("/ip6/::1/udp/4001/quic-v1"));
        assert!(this("/ip4/0.0.0.0/tcp/4001"));
        assert!(this("/ip6/::/tcp/4001"));
        assert!(!this("/ip4/192.0.2.7/tcp/4001"));
        assert!(!this("/dns4/seed.example/tcp/4001"));
    }
}
