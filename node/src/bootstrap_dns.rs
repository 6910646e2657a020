//! A bootstrap list kept in DNS (`[node] bootstrap_dns`), so that the operators of the
//! seeds can change it without a new release of wiel: the TXT records at
//! `_dnsaddr.<domain>`, one address each as `dnsaddr=/ip4/…/tcp/4001/p2p/<peer id>` (the
//! convention of libp2p's `/dnsaddr`, so the same records serve other libp2p tools). Read
//! when the node starts, through the system's resolver; a record without a peer id, or
//! one that is no address, is left out with a warning.

use std::time::Duration;

use libp2p::Multiaddr;

use crate::network::peer_of;

/// How long a look-up may take before the node starts without it.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);
/// Addresses taken from one domain, at most (a record set anyone can grow).
const MAX_ADDRESSES: usize = 32;

/// Why a domain gave no addresses.
#[derive(Debug, thiserror::Error)]
pub enum DnsError {
    #[error("cannot read the system's DNS settings: {0}")]
    Resolver(String),
    #[error("no answer for _dnsaddr.{domain}: {reason}")]
    Lookup { domain: String, reason: String },
    #[error("no answer for _dnsaddr.{domain} within {} s", LOOKUP_TIMEOUT.as_secs())]
    Timeout { domain: String },
}

/// Whether `name` is a domain name: labels of letters, digits, `-` and `_`, 1 to 63
/// characters each, 253 at most in all (a final dot allowed).
pub fn is_domain(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The addresses in some TXT texts: those of the form `dnsaddr=<address with /p2p/>`;
/// the others are returned as they were, to be named in a warning.
pub fn addresses_in(texts: &[String]) -> (Vec<Multiaddr>, Vec<String>) {
    let mut found = Vec::new();
    let mut refused = Vec::new();
    for text in texts {
        let parsed = text
            .trim()
            .strip_prefix("dnsaddr=")
            .and_then(|a| a.parse::<Multiaddr>().ok())
            .filter(|a| peer_of(a).is_some());
        match parsed {
            Some(addr) if found.len() < MAX_ADDRESSES => {
                if !found.contains(&addr) {
                    found.push(addr);
                }
            }
            Some(_) => {}
            None => refused.push(text.clone()),
        }
    }
    (found, refused)
}

/// The bootstrap addresses `domain` lists.
pub async fn resolve(domain: &str) -> Result<Vec<Multiaddr>, DnsError> {
    use hickory_resolver::proto::rr::RData;
    let resolver = hickory_resolver::TokioResolver::builder_tokio()
        .and_then(|b| b.build())
        .map_err(|e| DnsError::Resolver(e.to_string()))?;
    let name = format!("_dnsaddr.{}", domain.trim_end_matches('.'));
    let lookup = tokio::time::timeout(LOOKUP_TIMEOUT, resolver.txt_lookup(name.as_str()))
        .await
        .map_err(|_| DnsError::Timeout {
            domain: domain.to_owned(),
        })?
        .map_err(|e| DnsError::Lookup {
            domain: domain.to_owned(),
            reason: e.to_string(),
        })?;
    let texts: Vec<String> = lookup
        .answers()
        .iter()
        .filter_map(|record| match &record.data {
            RData::TXT(txt) => Some(
                txt.txt_data
                    .iter()
                    .map(|part| String::from_utf8_lossy(part))
                    .collect::<String>(),
            ),
            _ => None,
        })
        .collect();
    let (found, refused) = addresses_in(&texts);
    for text in refused {
        tracing::warn!(%domain, record = %text, "a bootstrap record in DNS is no address with a peer id; left out");
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dnsaddr_records_with_a_peer_id_count_and_each_once() {
        let id = "12D3KooWDYDKYwWiC4yTTz6XNEb2bU83RpJLg7x4tZcpr1WqszzB";
        let texts = vec![
            format!("dnsaddr=/ip4/203.0.113.10/tcp/4001/p2p/{id}"),
            format!("dnsaddr=/ip4/203.0.113.10/tcp/4001/p2p/{id}"),
            format!(" dnsaddr=/dns4/seed.example.nl/udp/4001/quic-v1/p2p/{id} "),
            "dnsaddr=/ip4/203.0.113.11/tcp/4001".to_owned(),
            "v=spf1 -all".to_owned(),
            "dnsaddr=not an address".to_owned(),
        ];
        let (found, refused) = addresses_in(&texts);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(refused.len(), 3, "{refused:?}");
    }

    #[test]
    fn domain_names_are_told_from_what_is_none() {
        for good in [
            "seeds.example.nl",
            "seeds.example.nl.",
            "a-b.c_d.nl",
            "localhost",
        ] {
            assert!(is_domain(good), "{good}");
        }
        let long = "a".repeat(300);
        for bad in [
            "",
            ".",
            "a b.nl",
            "a..nl",
            "-a.nl",
            "127.0.0.1:53",
            long.as_str(),
        ] {
            assert!(!is_domain(bad), "{bad}");
        }
    }

    #[test]
    fn a_domain_that_lists_thousands_gives_a_bounded_list() {
        let texts: Vec<String> = (0..1000)
            .map(|i| {
                let id = libp2p::PeerId::random();
                format!("dnsaddr=/ip4/203.0.113.{}/tcp/4001/p2p/{id}", i % 250)
            })
            .collect();
        assert_eq!(addresses_in(&texts).0.len(), MAX_ADDRESSES);
    }
}
