//! Commands that keep what cannot be fetched again: the keys (rotate, revoke), backup and
//! restore.

use super::*;
use crate::args::KeyCommand;
use wiel_node::reports::BackedUp;
use wiel_node::wire::client::ApiClient;
use wiel_node::wire::{Nothing, RevokeRequest};

/// `wiel key rotate|revoke`. Rotation works on the data directory itself, with no node
/// running (the key is also the node's network identity); a revocation also goes through
/// a running node, which gossips it at once.
pub(super) fn key_command(
    data_dir: &DataDir,
    command: KeyCommand,
    json: bool,
    yes: bool,
) -> Result<()> {
    match command {
        KeyCommand::Rotate => {
            if ApiClient::find(data_dir).is_some() {
                bail!(t!("rotate-node-running"))
            }
            let service = Service::open_waiting(data_dir.clone(), wiel_node::ops::LOCK_WAIT)?;
            let (_, old, new, histories) = service.rotate_key()?;
            if json {
                return output::json(&wiel_node::reports::KeyRotated {
                    old_key: old,
                    new_key: new,
                    history_named: histories.named,
                    history_from_elsewhere: histories.from_elsewhere,
                });
            }
            outln!(
                "{}",
                t!(
                    "rotated",
                    new = new.to_string(),
                    old = old.to_string(),
                    named = histories.named,
                    dir = data_dir.root().display().to_string()
                )
            );
            if histories.from_elsewhere > 0 {
                outln!(
                    "{}",
                    t!(
                        "rotated-from-elsewhere",
                        count = histories.from_elsewhere,
                        old = old.to_string()
                    )
                );
            }
            Ok(())
        }
        KeyCommand::Revoke {
            key,
            current,
            since,
            ..
        } => {
            let backend = wiel_node::ops::open(data_dir)?;
            let key = match (key, current) {
                (Some(k), _) => key_by_prefix(backend.as_ref(), &k)?,
                (None, true) => backend.own_key()?,
                (None, false) => return Err(usage(t!("revoke-which-key"))),
            };
            let now = Timestamp::now();
            let since = match since {
                Some(s) => parse_time(&s, now, "--since")?,
                None => now,
            };
            // Whether it may be revoked at all, before asking.
            backend.revoke_key(RevokeRequest {
                key,
                since: Some(since),
                check_only: true,
            })?;
            confirm(
                &t!(
                    "revoke-confirm",
                    key = key.to_string(),
                    since = output::date_time(since)
                ),
                yes,
            )?;
            let p = backend
                .revoke_key(RevokeRequest {
                    key,
                    since: Some(since),
                    check_only: false,
                })?
                .ok_or_else(|| anyhow!("the node published no revocation"))?;
            if json {
                return output::json(&p);
            }
            outln!(
                "{}",
                t!(
                    "revoked",
                    key = key.to_string(),
                    since = output::date_time(since),
                    id = p.id.short()
                )
            );
            Ok(())
        }
    }
}

/// A key given in full or by a prefix of at least 8 hex characters (as ids are), among
/// this node's own key and the keys it knows organisations by.
fn key_by_prefix(backend: &dyn Operations, given: &str) -> Result<wiel_protocol::OrgKey> {
    let prefix = given.trim().to_ascii_lowercase();
    if prefix.len() == 64 {
        return prefix.parse().map_err(|e: wiel_protocol::ids::HexError| {
            usage(t!("not-a-key", given = given, reason = e.message()))
        });
    }
    if prefix.len() < 8 || !prefix.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(usage(t!("not-a-key-prefix", given = given)));
    }
    let mut known: Vec<wiel_protocol::OrgKey> =
        backend.org_names(Nothing {})?.into_keys().collect();
    known.push(backend.own_key()?);
    known.sort();
    known.dedup();
    let found: Vec<_> = known
        .into_iter()
        .filter(|k| k.to_hex().starts_with(&prefix))
        .collect();
    match found.as_slice() {
        [key] => Ok(*key),
        [] => bail!(t!("no-such-key", given = given)),
        many => bail!(t!(
            "ambiguous-key",
            given = given,
            count = many.len(),
            keys = many
                .iter()
                .map(|k| k.short())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `wiel backup FILE`: written to a new file of its own beside it (created here, readable by
/// its owner only, never one that was there already) and renamed, so that a backup cut
/// short never replaces a good one and nobody else can have the key in it.
pub(super) fn backup(
    backend: &dyn Operations,
    file: &Path,
    passphrase_file: Option<&Path>,
    json: bool,
) -> Result<()> {
    use std::io::Write;
    let mut text = backend.backup(Nothing {})?;
    if let Some(path) = passphrase_file {
        text = wiel_node::service::seal_key(&text, &passphrase(path)?)?;
    }
    let cannot = || t!("cannot-write-file", file = file.display().to_string());
    let beside = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut partial = tempfile::Builder::new()
        .prefix(".wiel-backup-")
        .tempfile_in(&beside)
        .with_context(cannot)?;
    partial
        .write_all(text.as_bytes())
        .and_then(|()| partial.as_file().sync_all())
        .with_context(cannot)?;
    partial.persist(file).with_context(cannot)?;
    let done = BackedUp {
        file: file.to_owned(),
        bytes: text.len() as u64,
    };
    if json {
        return output::json(&done);
    }
    outln!(
        "{}",
        t!(
            "backup-written",
            file = file.display().to_string(),
            size = wiel_lang::bytes(done.bytes)
        )
    );
    Ok(())
}

/// `wiel restore FILE` onto this (empty) data directory.
pub(super) fn restore(
    data_dir: &DataDir,
    file: &Path,
    passphrase_file: Option<&Path>,
    json: bool,
) -> Result<()> {
    let text = read_input(file)?;
    let passphrase = passphrase_file.map(passphrase).transpose()?;
    let (_, restored) = wiel_node::Service::restore(data_dir.clone(), &text, passphrase.as_deref())
        .with_context(|| t!("restore-failed", file = file.display().to_string()))?;
    if json {
        return output::json(&restored);
    }
    outln!(
        "{}",
        t!(
            "restored",
            organisation = restored.organisation.as_str(),
            dir = data_dir.root().display().to_string(),
            entries = restored.entries,
            made_at = output::date_time(restored.made_at)
        )
    );
    Ok(())
}

/// The passphrase in the first line of `path` (a file, so that it is in no command line
/// or shell history); an empty one is refused.
fn passphrase(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| t!("cannot-read-file", file = path.display().to_string()))?;
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if line.is_empty() {
        bail!(t!("passphrase-empty", file = path.display().to_string()));
    }
    Ok(line.to_owned())
}
