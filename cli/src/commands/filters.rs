//! Flags that choose entries (`--space`, `--author`, `--since`, …) made into a
//! [`ListFilter`], and the dates and ages `--since` and `--until` take.

use anyhow::Result;
use wiel_lang::t;
use wiel_node::ops::Operations;
use wiel_node::wire::AuthorQuery;
use wiel_protocol::{SpaceName, Timestamp};
use wiel_store::ListFilter;

use super::usage;
use crate::args::FilterArgs;

pub(super) fn list_filter(backend: &dyn Operations, f: &FilterArgs) -> Result<ListFilter> {
    let now = Timestamp::now();
    Ok(ListFilter {
        space: f.space.clone().map(SpaceName::new).transpose()?,
        author: f
            .author
            .as_deref()
            .map(|a| backend.resolve_author(AuthorQuery { q: a.to_owned() }))
            .transpose()?,
        since: f
            .since
            .as_deref()
            .map(|s| parse_time(s, now, "--since"))
            .transpose()?,
        until: f
            .until
            .as_deref()
            .map(|s| parse_time(s, now, "--until"))
            .transpose()?,
        tag: f.tag.clone(),
        theme: f.theme.clone(),
        limit: f.limit,
        untrusted: f.untrusted,
        ..ListFilter::default()
    })
}

/// A date (`2026-11-01`, start of that day in local time) or an age (`7d`, `2w`, `12h`).
pub(super) fn parse_time(s: &str, now: Timestamp, flag: &str) -> Result<Timestamp> {
    let s = s.trim();
    if let Some((num, unit_ms)) = [("h", 3_600_000u64), ("d", 86_400_000), ("w", 604_800_000)]
        .iter()
        .find_map(|(suffix, ms)| s.strip_suffix(suffix).map(|n| (n, *ms)))
        && let Ok(n) = num.parse::<u64>()
    {
        return Ok(Timestamp::from_millis(
            now.as_millis().saturating_sub(n.saturating_mul(unit_ms)),
        ));
    }
    let not_a_time = || usage(t!("bad-time", flag = flag, value = s));
    let date: jiff::civil::Date = s.parse().map_err(|_| not_a_time())?;
    let zoned = date
        .to_zoned(jiff::tz::TimeZone::system())
        .map_err(|_| not_a_time())?;
    Ok(Timestamp::from_millis(
        u64::try_from(zoned.timestamp().as_millisecond()).unwrap_or(0),
    ))
}
