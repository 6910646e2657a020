//! The local API's routes, named once: the router serves them and the client calls them.

pub const HEALTH: &str = "/api/v1/health";
pub const STATUS: &str = "/api/v1/status";
pub const PEERS: &str = "/api/v1/peers";
pub const SYNC: &str = "/api/v1/sync";
pub const SYNC_RUN: &str = "/api/v1/sync/{run}";
pub const ENDORSEMENTS: &str = "/api/v1/endorsements";
pub const ENDORSEMENT_WITHDRAWAL: &str = "/api/v1/endorsements/withdrawal";
pub const KEY_REVOCATION: &str = "/api/v1/keys/revocation";
pub const TRUST: &str = "/api/v1/trust";
pub const TRUST_ROOTS: &str = "/api/v1/trust/roots";
pub const ENTRIES: &str = "/api/v1/entries";
pub const ENTRY: &str = "/api/v1/entries/{id}";
pub const ANSWERS: &str = "/api/v1/entries/{id}/answers";
pub const RETRACTION: &str = "/api/v1/entries/{id}/retraction";
pub const EDIT_SOURCE: &str = "/api/v1/entries/{id}/edit-source";
pub const VERSIONS: &str = "/api/v1/versions";
pub const RESOLVE: &str = "/api/v1/resolve/{prefix}";
pub const SEARCH: &str = "/api/v1/search";
pub const REINDEX: &str = "/api/v1/reindex";
pub const CHECK: &str = "/api/v1/check";
pub const COMPACT: &str = "/api/v1/compact";
pub const ORGANISATIONS: &str = "/api/v1/organisations";
pub const ORGANISATIONS_RESOLVE: &str = "/api/v1/organisations/resolve";
pub const IMPORT: &str = "/api/v1/import";
pub const EXPORT: &str = "/api/v1/export";
pub const BACKUP: &str = "/api/v1/backup";
pub const WEB_LOGIN: &str = "/api/v1/web/login";
pub const OPENAPI: &str = "/openapi.json";

/// Every route, for the tests that check them against the OpenAPI document.
pub const ALL: [&str; 28] = [
    WEB_LOGIN,
    HEALTH,
    STATUS,
    PEERS,
    SYNC,
    SYNC_RUN,
    ENDORSEMENTS,
    ENDORSEMENT_WITHDRAWAL,
    KEY_REVOCATION,
    TRUST,
    TRUST_ROOTS,
    ENTRIES,
    ENTRY,
    ANSWERS,
    RETRACTION,
    EDIT_SOURCE,
    VERSIONS,
    RESOLVE,
    SEARCH,
    REINDEX,
    CHECK,
    COMPACT,
    ORGANISATIONS,
    ORGANISATIONS_RESOLVE,
    IMPORT,
    EXPORT,
    BACKUP,
    OPENAPI,
];

/// `route` with its one `{…}` parameter filled in with `value`, escaped (ids and prefixes
/// are hex, but users type anything).
pub fn fill(route: &str, value: &str) -> String {
    let escaped: String = value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    match (route.find('{'), route.find('}')) {
        (Some(open), Some(close)) if open < close => {
            format!("{}{escaped}{}", &route[..open], &route[close + 1..])
        }
        _ => route.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parameter_is_filled_in_escaped() {
        assert_eq!(fill(ANSWERS, "ab12"), "/api/v1/entries/ab12/answers");
        assert_eq!(fill(RESOLVE, "a/b c"), "/api/v1/resolve/a%2Fb%20c");
        assert_eq!(fill(STATUS, "x"), STATUS);
    }
}
