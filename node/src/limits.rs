//! The process's limit of open files. Every connection is an open file, and a node takes up
//! to 1 024 incoming connections beside those being set up, its own dials and its store's
//! files; many systems start a process with a soft limit of 1 024. The limit is raised at
//! start as far as the hard limit allows (systemd's unit sets both, see `packaging/`).

use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

/// Open files a node may need at most, with room to spare.
pub const OPEN_FILES_WANTED: u64 = 4096;

/// Raises the soft limit of open files to `wanted`: to the hard limit when that is lower,
/// past it only where the process may (as root). Never lowers it. Returns the limit now.
pub fn raise_open_files(wanted: u64) -> u64 {
    let limit = getrlimit(Resource::Nofile);
    let current = limit.current.unwrap_or(u64::MAX);
    if current >= wanted {
        return current;
    }
    let past_hard = Rlimit {
        current: Some(wanted),
        maximum: limit.maximum.map(|hard| hard.max(wanted)),
    };
    let up_to_hard = Rlimit {
        current: limit.maximum.map(|hard| hard.min(wanted)),
        maximum: limit.maximum,
    };
    if setrlimit(Resource::Nofile, past_hard).is_err() {
        let _ = setrlimit(Resource::Nofile, up_to_hard);
    }
    getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_raised_towards_what_is_wanted_and_never_lowered() {
        let before = getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX);
        assert_eq!(raise_open_files(1), before, "never lowered");
        let hard = getrlimit(Resource::Nofile).maximum.unwrap_or(u64::MAX);
        let wanted = before.saturating_add(1).min(hard).max(before);
        let now = raise_open_files(wanted);
        assert!(now >= wanted, "{now} < {wanted} (hard limit {hard})");
    }
}
