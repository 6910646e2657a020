//! The audit log: who did what through the web page, one JSON line per act, in
//! `DATA_DIR/audit.log` (mode 0600). A line is written whole with one append, so lines from
//! two requests never mix; the file is only ever added to.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

/// Who acted: a person signed in through the identity provider, or whoever opened the
/// page with a one-time link from `wiel web` on this machine.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "via", rename_all = "kebab-case")]
pub enum Actor {
    SignIn {
        subject: String,
        name: String,
        role: Option<String>,
    },
    LoginLink,
}

impl Actor {
    /// "Anne de Vries (HR-adviseur)": a signed-in person's name and role, as they go into
    /// what the person publishes; `None` for a login link.
    pub fn label(&self) -> Option<String> {
        match self {
            Actor::SignIn { name, role, .. } => Some(match role {
                Some(role) => format!("{name} ({role})"),
                None => name.clone(),
            }),
            Actor::LoginLink => None,
        }
    }
}

/// One line of the log.
#[derive(Serialize)]
struct Line<'a> {
    time: String,
    #[serde(flatten)]
    actor: &'a Actor,
    action: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<&'a str>,
}

pub struct AuditLog {
    path: PathBuf,
    file: Mutex<Option<std::fs::File>>,
}

impl AuditLog {
    pub fn new(data_dir: &Path) -> AuditLog {
        AuditLog {
            path: data_dir.join("audit.log"),
            file: Mutex::new(None),
        }
    }

    /// Records one act; `entry` is the entry it made or touched. A log that cannot be
    /// written is reported in the node's log, and the act stands (it happened).
    pub fn record(&self, actor: &Actor, action: &str, entry: Option<&str>) {
        let line = Line {
            time: jiff::Timestamp::now().to_string(),
            actor,
            action,
            entry,
        };
        let Ok(mut text) = serde_json::to_string(&line) else {
            return;
        };
        text.push('\n');
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let written = match file.as_mut() {
            Some(f) => f.write_all(text.as_bytes()),
            None => self.open().and_then(|mut f| {
                let result = f.write_all(text.as_bytes());
                *file = Some(f);
                result
            }),
        };
        if let Err(error) = written {
            *file = None;
            tracing::error!(path = %self.path.display(), %error, action, "cannot write the audit log");
        }
    }

    /// Whether `subject`, signed in through the provider, published or changed one of
    /// `entries` (hex ids) through the page.
    pub fn acted_on(&self, subject: &str, entries: &[String]) -> bool {
        use std::io::BufRead;
        let Ok(file) = std::fs::File::open(&self.path) else {
            return false;
        };
        std::io::BufReader::new(file)
            .lines()
            .map_while(Result::ok)
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(&line).ok())
            .any(|line| {
                line["via"] == "sign-in"
                    && line["subject"] == subject
                    && matches!(line["action"].as_str(), Some("publish" | "edit" | "answer"))
                    && line["entry"]
                        .as_str()
                        .is_some_and(|e| entries.iter().any(|id| id == e))
            })
    }

    fn open(&self) -> std::io::Result<std::fs::File> {
        let mut options = std::fs::OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_act_is_one_json_line_naming_who_and_what() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path());
        let anne = Actor::SignIn {
            subject: "anne".into(),
            name: "Anne de Vries".into(),
            role: Some("HR-adviseur".into()),
        };
        log.record(&anne, "publish", Some("ab12"));
        log.record(&Actor::LoginLink, "sign-in", None);
        let text = std::fs::read_to_string(dir.path().join("audit.log")).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["via"], "sign-in");
        assert_eq!(lines[0]["name"], "Anne de Vries");
        assert_eq!(lines[0]["role"], "HR-adviseur");
        assert_eq!(lines[0]["action"], "publish");
        assert_eq!(lines[0]["entry"], "ab12");
        assert_eq!(lines[1]["via"], "login-link");
        assert!(lines[1].get("entry").is_none());
        assert!(lines[1]["time"].as_str().unwrap().starts_with("20"));
    }
}
