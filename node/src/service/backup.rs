//! A node's backup: its key, its `config.toml`, the entries it signed here and every entry
//! it holds, in one file whose last line checksums all before it. What a node holds is a
//! set of signed entries, and its state a function of that set, so a backup made while the
//! node runs is consistent: every entry stored before it began is in it. Restored onto an
//! empty data directory, the node catches up the rest from its peers.

use serde::{Deserialize, Serialize};
use wiel_protocol::{EntryId, OrgKey, OrgKeypair, Timestamp};

use super::{Service, ServiceError};
use crate::config::{Config, DataDir};
use crate::exchange::Tally;

/// The version of the backup file this build writes and reads.
pub const BACKUP_FORMAT: u32 = 1;

/// What the first line of a backup holds.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Head {
    format: u32,
    organisation: String,
    made_at: Timestamp,
    /// The organisation's key as `key` holds it, hex — or, when `key_sealed`, that key
    /// encrypted with a passphrase (age, scrypt), hex. Whoever has the file and can read
    /// the key can sign as the organisation.
    key: String,
    #[serde(default)]
    key_sealed: bool,
    /// `config.toml` as it was.
    config: String,
    /// The entries signed on this node (see [`wiel_store::Store::signed_here`]).
    signed_here: Vec<EntryId>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadLine {
    backup: Head,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndLine {
    /// blake3 over every byte before this line, hex.
    backup_end: String,
}

/// Why a backup cannot be restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupProblem {
    /// Not a backup at all (no first line of one).
    NotABackup,
    /// Cut short or changed: its last line is missing, or does not match what is before it.
    Damaged,
    /// Written by a newer wiel.
    NewerFormat(u32),
    /// The organisation's key in it cannot be read.
    BadKey(String),
    /// Its key is sealed with a passphrase, and none was given.
    NeedsPassphrase,
    /// The passphrase given does not open its key.
    WrongPassphrase,
    /// The data directory to restore into holds files already.
    NotEmpty(String),
}

/// What a restore did.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Restored {
    pub organisation: String,
    pub key: OrgKey,
    /// Entries stored from the backup.
    pub entries: usize,
    /// When the backup was made: what came after it, the node fetches from its peers.
    pub made_at: Timestamp,
}

impl Service {
    /// The backup of this node as it stands (see the module doc).
    pub fn backup(&self) -> Result<String, ServiceError> {
        let key = self.dir.read_key()?;
        let key_bytes = key
            .to_protobuf()
            .map_err(|e| crate::config::ConfigError::Key {
                path: self.dir.key_path(),
                reason: e.to_string(),
            })?;
        let config_path = self.dir.config_path();
        let config =
            std::fs::read_to_string(&config_path).map_err(|e| crate::config::ConfigError::Io {
                path: config_path,
                reason: e.to_string(),
            })?;
        let own = key.public();
        let ours = |k: &OrgKey| matches!(self.store.speaks_for(&own, k), Ok(true));
        let signed_here: Vec<EntryId> = self
            .store
            .signed_here(ours)?
            .into_values()
            .flatten()
            .collect();
        let head = HeadLine {
            backup: Head {
                format: BACKUP_FORMAT,
                organisation: self.config.organisation.name.clone(),
                made_at: Timestamp::now(),
                key: hex::encode(key_bytes),
                key_sealed: false,
                config,
                signed_here,
            },
        };
        let mut out = json_line(&head);
        let mut tally = Tally::default();
        for line in self.export() {
            let line = line?;
            tally.add(&line.id);
            out.push_str(&json_line(&line));
        }
        out.push_str(&tally.trailer().line());
        out.push('\n');
        let end = EndLine {
            backup_end: blake3::hash(out.as_bytes()).to_hex().to_string(),
        };
        out.push_str(&json_line(&end));
        Ok(out)
    }

    /// Restores `backup` onto `dir`, which must be empty or not exist yet; `passphrase`
    /// opens a key sealed with one. On any failure `dir` is left as it was: emptied again
    /// (it was empty), or removed (it did not exist).
    pub fn restore(
        dir: DataDir,
        backup: &str,
        passphrase: Option<&str>,
    ) -> Result<(Service, Restored), ServiceError> {
        dir.check_is_directory()?;
        if dir.is_initialised() {
            return Err(ServiceError::AlreadyInitialised {
                dir: dir.root().to_owned(),
            });
        }
        let root = dir.root().to_owned();
        let before = match std::fs::read_dir(&root) {
            Ok(mut entries) => {
                if entries.next().is_some() {
                    return Err(BackupProblem::NotEmpty(root.display().to_string()).into());
                }
                std::fs::metadata(&root).ok().map(|m| m.permissions())
            }
            Err(_) => None,
        };
        let (head, entries) = split(backup)?;
        let mut key_bytes =
            hex::decode(&head.key).map_err(|e| BackupProblem::BadKey(e.to_string()))?;
        if head.key_sealed {
            let passphrase = passphrase.ok_or(BackupProblem::NeedsPassphrase)?;
            let identity = age::scrypt::Identity::new(passphrase.to_owned().into());
            key_bytes =
                age::decrypt(&identity, &key_bytes).map_err(|_| BackupProblem::WrongPassphrase)?;
        }
        let key = OrgKeypair::from_protobuf(&key_bytes)
            .map_err(|e| BackupProblem::BadKey(e.to_string()))?;
        let restored = restore_into(&dir, &head, &key, entries);
        if restored.is_err() {
            match before {
                Some(permissions) => {
                    for entry in std::fs::read_dir(&root).into_iter().flatten().flatten() {
                        let path = entry.path();
                        let _ = if path.is_dir() && !path.is_symlink() {
                            std::fs::remove_dir_all(&path)
                        } else {
                            std::fs::remove_file(&path)
                        };
                    }
                    let _ = std::fs::set_permissions(&root, permissions);
                }
                None => {
                    let _ = std::fs::remove_dir_all(&root);
                }
            }
        }
        restored
    }
}

/// `backup` (from [`Service::backup`]) with its key sealed with `passphrase` (age,
/// scrypt): restoring it then needs the passphrase as well as the file.
pub fn seal_key(backup: &str, passphrase: &str) -> Result<String, ServiceError> {
    let (mut head, entries) = split(backup)?;
    if head.key_sealed {
        return Ok(backup.to_owned());
    }
    let key = hex::decode(&head.key).map_err(|e| BackupProblem::BadKey(e.to_string()))?;
    let recipient = age::scrypt::Recipient::new(passphrase.to_owned().into());
    let sealed =
        age::encrypt(&recipient, &key).map_err(|e| BackupProblem::BadKey(e.to_string()))?;
    head.key = hex::encode(sealed);
    head.key_sealed = true;
    let mut out = json_line(&HeadLine { backup: head });
    out.push_str(entries);
    let end = EndLine {
        backup_end: blake3::hash(out.as_bytes()).to_hex().to_string(),
    };
    out.push_str(&json_line(&end));
    Ok(out)
}

fn restore_into(
    dir: &DataDir,
    head: &Head,
    key: &OrgKeypair,
    entries: &str,
) -> Result<(Service, Restored), ServiceError> {
    dir.prepare()?;
    let config: Config =
        toml::from_str(&head.config).map_err(|e| crate::config::ConfigError::Config {
            path: dir.config_path(),
            reason: e.message().trim().replace('\n', "; "),
        })?;
    config.save(dir)?;
    // As `load` reads it, with every check it makes.
    Config::load(dir)?;
    dir.write_key(key)?;
    let service = Service::open(dir.clone())?;
    let report = service.import(entries)?;
    let mut signed = Vec::with_capacity(head.signed_here.len());
    for id in &head.signed_here {
        if let Some(entry) = service.store.get(id)? {
            signed.push((entry.header().author, *id));
        }
    }
    service.store.note_signed_here(&signed)?;
    service.store.flush()?;
    let restored = Restored {
        organisation: head.organisation.clone(),
        key: key.public(),
        entries: report.stored,
        made_at: head.made_at,
    };
    Ok((service, restored))
}

/// The head of a backup, and its entry lines with their trailer (as `wiel export` writes
/// them), once the last line's checksum matches.
fn split(backup: &str) -> Result<(Head, &str), BackupProblem> {
    let body = backup.strip_suffix('\n').unwrap_or(backup);
    let (before, last) = match body.rfind('\n') {
        Some(i) => (&backup[..=i], &body[i + 1..]),
        None => return Err(first_line_problem(body)),
    };
    let end: EndLine = serde_json::from_str(last).map_err(|_| first_line_problem(before))?;
    if blake3::hash(before.as_bytes()).to_hex().as_str() != end.backup_end {
        return Err(BackupProblem::Damaged);
    }
    let (first, rest) = before.split_once('\n').ok_or(BackupProblem::Damaged)?;
    let head: HeadLine = serde_json::from_str(first).map_err(|_| BackupProblem::NotABackup)?;
    if head.backup.format > BACKUP_FORMAT {
        return Err(BackupProblem::NewerFormat(head.backup.format));
    }
    Ok((head.backup, rest))
}

/// A file that ends without a checksum line: cut short if it starts like a backup,
/// otherwise no backup at all.
fn first_line_problem(text: &str) -> BackupProblem {
    let first = text.lines().next().unwrap_or("");
    match serde_json::from_str::<serde_json::Value>(first) {
        Ok(v) if v.get("backup").is_some() => BackupProblem::Damaged,
        _ => BackupProblem::NotABackup,
    }
}

fn json_line(value: &impl Serialize) -> String {
    let mut line = serde_json::to_string(value).unwrap_or_default();
    line.push('\n');
    line
}

impl From<BackupProblem> for ServiceError {
    fn from(p: BackupProblem) -> Self {
        ServiceError::Backup(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup_text(entries: &str) -> String {
        let head = HeadLine {
            backup: Head {
                format: BACKUP_FORMAT,
                organisation: "Gemeente Zwolle".into(),
                made_at: Timestamp::from_millis(1),
                key: String::new(),
                key_sealed: false,
                config: String::new(),
                signed_here: vec![],
            },
        };
        let mut out = json_line(&head);
        out.push_str(entries);
        let end = EndLine {
            backup_end: blake3::hash(out.as_bytes()).to_hex().to_string(),
        };
        out.push_str(&json_line(&end));
        out
    }

    #[test]
    fn a_backup_cut_short_changed_or_of_another_kind_is_refused() {
        let whole = backup_text("{\"trailer\":{\"entries\":0,\"digest\":\"x\"}}\n");
        assert!(split(&whole).is_ok());
        let cut = &whole[..whole.len() - 30];
        assert_eq!(split(cut).err(), Some(BackupProblem::Damaged));
        let changed = whole.replace("Zwolle", "Zwollo");
        assert_eq!(split(&changed).err(), Some(BackupProblem::Damaged));
        assert_eq!(
            split("{\"id\":\"ab\"}\n{\"trailer\":{}}\n").err(),
            Some(BackupProblem::NotABackup)
        );
        assert_eq!(split("").err(), Some(BackupProblem::NotABackup));
        let newer = backup_text("").replace("\"format\":1", "\"format\":9");
        let newer = {
            let body = &newer[..newer.rfind("{\"backup_end").unwrap()];
            format!(
                "{body}{}",
                json_line(&EndLine {
                    backup_end: blake3::hash(body.as_bytes()).to_hex().to_string()
                })
            )
        };
        assert_eq!(split(&newer).err(), Some(BackupProblem::NewerFormat(9)));
    }
}
