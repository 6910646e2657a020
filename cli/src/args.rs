//! The command line: one clap `Subcommand` per command. Their descriptions are in the
//! catalogue (`cmd-wiel-…`, `arg-wiel-…`), put in by `help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(name = "wiel", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[arg(long, global = true, env = "WIEL_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[arg(long, global = true)]
    pub json: bool,

    /// Whether --data-dir was on the command line (not from WIEL_DATA_DIR); set by `main`.
    #[arg(skip)]
    pub data_dir_given: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// Global options that mean nothing for a command (`--json` of `wiel export`, which writes
/// JSON lines anyway): absent from that command's help, and refused when given.
pub const NOT_FOR: &[(&str, &str)] = &[
    ("export", "json"),
    ("node", "json"),
    ("completions", "json"),
    ("completions", "data_dir"),
    ("manual", "data_dir"),
    ("demo", "data_dir"),
];

#[derive(Subcommand, Debug)]
pub enum Command {
    Init(InitArgs),

    #[command(flatten)]
    Writing(crate::commands::writing::Command),

    #[command(flatten)]
    Reading(crate::commands::reading::Command),

    #[command(flatten)]
    Upkeep(crate::commands::upkeep::Command),

    Restore {
        file: PathBuf,
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },

    Node(NodeArgs),

    #[command(flatten)]
    Network(crate::commands::network::Command),

    Doctor,

    #[command(flatten)]
    TrustAdmin(crate::commands::trust::Command),

    #[command(subcommand)]
    Key(KeyCommand),

    Demo {
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
    },

    Completions {
        shell: clap_complete::Shell,
    },

    Manual {
        dir: PathBuf,
    },

    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    Check,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub code: String,
    #[arg(long)]
    pub province: Option<String>,
    #[arg(long = "space", value_name = "SPACE")]
    pub spaces: Vec<String>,
    #[arg(long, default_value = "wiel", hide = true)]
    pub network: String,
    #[arg(long, default_value = "web-of-trust", value_name = "MODE")]
    pub trust_mode: String,
}

#[derive(Args, Debug)]
pub struct NodeArgs {
    #[arg(long, value_name = "MULTIADDR")]
    pub listen: Vec<String>,
    #[arg(long, value_name = "MULTIADDR")]
    pub bootstrap: Vec<String>,
    #[arg(long)]
    pub no_mdns: bool,
    #[arg(long)]
    pub no_kademlia: bool,
    #[arg(long)]
    pub seed: bool,
    /// (Its default, port 0, is said in words: "a free port".)
    #[arg(
        long,
        default_value = "127.0.0.1:0",
        hide_default_value = true,
        value_name = "ADDR"
    )]
    pub api: std::net::SocketAddr,
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<std::net::SocketAddr>,
    #[arg(long, value_enum, default_value_t = LogFormat::Text, value_name = "FORMAT")]
    pub log_format: LogFormat,
    #[arg(long, default_value_t = 1000, hide = true)]
    pub heartbeat_ms: u64,
}

/// How `wiel node` writes its log on stderr.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Lines for people.
    Text,
    /// One JSON object per event, with its fields (for a log collector).
    Json,
    /// Straight to systemd's journal, each field a journal field (`WIEL_PEER_ID=…`);
    /// chosen by itself when the node runs as a service whose output goes to the journal.
    Journald,
}

#[derive(Args, Debug)]
pub struct PublishArgs {
    pub file: Option<PathBuf>,
    #[arg(long)]
    pub kind: Option<String>,
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub labels: LabelArgs,
    #[arg(long)]
    pub contact: Option<String>,
    #[command(flatten)]
    pub privacy: PrivacyArgs,
}

#[derive(Args, Debug)]
pub struct LabelArgs {
    #[arg(long)]
    pub space: Option<String>,
    #[arg(long)]
    pub new_space: bool,
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    #[arg(long = "theme", value_name = "THEME")]
    pub themes: Vec<String>,
}

#[derive(Args, Debug)]
pub struct AskArgs {
    pub question: String,
    #[arg(long)]
    pub text: Option<String>,
    #[command(flatten)]
    pub labels: LabelArgs,
    #[command(flatten)]
    pub privacy: PrivacyArgs,
}

#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("verdict").required(true))]
pub struct ReactArgs {
    pub id: String,
    pub comment: Option<String>,
    #[arg(long, group = "verdict")]
    pub works: bool,
    #[arg(long, group = "verdict")]
    pub does_not_work: bool,
    #[arg(long, group = "verdict")]
    pub applied: bool,
    #[arg(long, group = "verdict")]
    pub useful: bool,
    #[command(flatten)]
    pub privacy: PrivacyArgs,
}

#[derive(Args, Debug, Clone)]
pub struct FilterArgs {
    #[arg(long)]
    pub space: Option<String>,
    #[arg(long)]
    pub author: Option<String>,
    #[arg(long)]
    pub since: Option<String>,
    #[arg(long)]
    pub until: Option<String>,
    #[arg(long)]
    pub tag: Option<String>,
    #[arg(long)]
    pub theme: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long)]
    pub untrusted: bool,
}

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    Rotate,
    Revoke {
        #[arg(conflicts_with = "current")]
        key: Option<String>,
        #[arg(long)]
        current: bool,
        #[arg(long)]
        since: Option<String>,
        #[arg(long, short)]
        yes: bool,
    },
}

#[derive(Args, Debug, Clone, Copy)]
pub struct PrivacyArgs {
    #[arg(long, short)]
    pub yes: bool,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(long)]
    pub kind: Option<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long)]
    pub all_versions: bool,
    #[arg(long)]
    pub retracted: bool,
}

#[derive(Args, Debug)]
pub struct QuestionsArgs {
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    #[arg(required = true)]
    pub words: Vec<String>,
    #[arg(long)]
    pub kind: Option<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Jsonl,
    Md,
}
