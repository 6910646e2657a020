//! The command line: one clap `Subcommand` per command; doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// wiel: share good practices, practice stories, questions and answers between Dutch
/// municipalities, peer to peer. "Samen het wiel uitvinden."
#[derive(Parser, Debug)]
#[command(name = "wiel", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Where this node keeps its key, configuration and entries.
    /// Default: $WIEL_DATA_DIR, else the user's data directory (~/.local/share/wiel).
    #[arg(long, global = true, env = "WIEL_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Print machine-readable JSON on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Set up this municipality's node: make its key, configuration and signed profile.
    ///
    /// Example: wiel init --name "Gemeente Zwolle" --code GM0193 --space pv23
    Init(InitArgs),

    /// Publish an entry from a Markdown file with front matter (or from stdin or $EDITOR).
    ///
    /// The front matter names the kind (practice, story, question), the title, and
    /// optionally space, tags, themes, contact and, for a story, situation, approach,
    /// result and lessons. Flags override the front matter.
    Publish(PublishArgs),

    /// Ask the network a question.
    ///
    /// Example: wiel ask "Hoe contracteren jullie jeugdhulp: lumpsum of p×q?"
    Ask(AskArgs),

    /// Answer a question.
    Answer {
        /// The question's id (or a unique prefix of at least 4 characters).
        id: String,
        /// Your answer (Markdown).
        text: String,
        #[command(flatten)]
        privacy: PrivacyArgs,
    },

    /// React to an entry: does it work, did you apply it, was it useful?
    React(ReactArgs),

    /// Withdraw one of your own entries: its text is erased everywhere, all versions.
    Retract {
        /// The entry's id (or a unique prefix).
        id: String,
        /// Why you withdraw it (optional).
        #[arg(long)]
        reason: Option<String>,
    },

    /// Publish a new version of one of your own entries (opens $EDITOR unless FILE is given).
    Edit {
        /// The entry's id (or a unique prefix).
        id: String,
        /// Markdown with front matter holding the new version.
        file: Option<PathBuf>,
        #[command(flatten)]
        privacy: PrivacyArgs,
    },

    /// List entries, newest first (latest versions only, retracted ones left out).
    List(ListArgs),

    /// Show an entry with its versions, answers and reactions.
    Show {
        /// The entry's id (or a unique prefix).
        id: String,
    },

    /// Search in Dutch, best matches first, with the matched words marked.
    ///
    /// Word forms meet (gemeente, gemeenten, gemeentes), compounds are found by their
    /// parts (jeugdhulpaanbieder by "aanbieder"), and a word that matches nothing is
    /// replaced by the closest word in the index ("bedoelde u …").
    ///
    /// Example: wiel search onboarding jeugdconsulenten --theme hrm
    Search(SearchArgs),

    /// List questions, newest first; with --open only those without an accepted answer.
    Questions(QuestionsArgs),

    /// Accept an answer to one of your own questions: it is marked as the answer that
    /// helped, in `wiel show`, `wiel search` and on every node.
    Accept {
        /// The answer's id (or a unique prefix).
        id: String,
    },

    /// Build the search index anew from the store (after a damaged disk, or to check).
    Reindex,

    /// Read every stored entry back and check it (signature included). Damaged entries
    /// are taken out and fetched again from a peer. Exit code 1 when any was damaged.
    Check,

    /// Rewrite the entry log without the space that retracted entries left (zeroed bytes).
    /// A node also does this by itself when it starts and more than half of the log, and
    /// at least 64 MiB, is dead.
    Compact,

    /// Write all entries as signed JSON lines (for `wiel import` elsewhere) or as Markdown.
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        /// Write to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },

    /// Import signed entries from another node's `wiel export`. Every entry is verified;
    /// if one is bad, nothing is imported.
    Import {
        /// The JSON-lines file ('-' for stdin).
        file: PathBuf,
    },

    /// Run this municipality's node: join the network, gossip entries, serve the local API.
    /// Stops cleanly on Ctrl-C or SIGTERM.
    Node(NodeArgs),

    /// Show the connected peers: organisation, address, spaces, latency.
    Peers,

    /// Show the node: listening addresses, peers, spaces with entry counts, last entry received.
    Status,

    /// Vouch for another organisation's key, so that nodes that trust you trust it too
    /// (up to their configured depth). With --withdraw, take it back.
    ///
    /// Example: wiel endorse GM0166   (or a key, a name, or the id of one of its entries)
    Endorse {
        /// The organisation: CBS code, name, key, or an id (prefix) of one of its entries.
        organisation: String,
        /// Its name, if this node holds no profile of it.
        #[arg(long)]
        name: Option<String>,
        /// Its CBS code (GM….), if this node holds no profile of it.
        #[arg(long)]
        code: Option<String>,
        /// Withdraw this organisation's endorsement instead.
        #[arg(long, conflicts_with_all = ["name", "code"])]
        withdraw: bool,
    },

    /// This organisation's key: move to a new one, or revoke one that was lost or stolen.
    #[command(subcommand)]
    Key(KeyCommand),

    /// Whom this node trusts: list, add or remove trusted roots.
    #[command(subcommand)]
    Trust(TrustCommand),

    /// Catch up now: reconcile every space with the connected peers (or one peer), fetch
    /// what is missing here, offer what they lack. Shows progress and ends with a summary.
    /// A running node also does this by itself on every new connection and every 5 minutes.
    Sync {
        /// Only this peer: a peer id (12D3KooW…), or a multiaddress ending in
        /// /p2p/<peer id> to connect to first.
        #[arg(long)]
        peer: Option<String>,
    },

    /// Connect the running node to a peer, e.g. /ip4/192.0.2.7/tcp/4001/p2p/12D3KooW…
    Connect {
        /// The peer's multiaddress.
        address: String,
    },

    /// Try wiel on sample data: a temporary node with a dozen Dutch entries from three
    /// municipalities, then a list, a search and a thread.
    Demo {
        /// Keep the demo node in this directory instead of a temporary one.
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The organisation's name, e.g. "Gemeente Zwolle".
    #[arg(long)]
    pub name: String,
    /// The municipality's CBS code, e.g. GM0193.
    #[arg(long)]
    pub code: String,
    /// Province, e.g. Overijssel.
    #[arg(long)]
    pub province: Option<String>,
    /// Spaces to follow (repeat the flag); the first is where new entries go.
    /// Default: nl (national).
    #[arg(long = "space", value_name = "SPACE")]
    pub spaces: Vec<String>,
    /// Network id. Only for test networks; the real network is "wiel".
    #[arg(long, default_value = "wiel", hide = true)]
    pub network: String,
    /// What to do with entries of organisations outside the trust set: open (accept and
    /// pass on, marked untrusted), web-of-trust (keep apart, never pass on, show only with
    /// --untrusted) or closed (trusted roots only).
    #[arg(long, default_value = "web-of-trust", value_name = "MODE")]
    pub trust_mode: String,
}

#[derive(Args, Debug)]
pub struct NodeArgs {
    /// Address to listen on (repeatable). Default: from config.toml, else
    /// /ip4/0.0.0.0/tcp/4001 and /ip4/0.0.0.0/udp/4001/quic-v1.
    #[arg(long, value_name = "MULTIADDR")]
    pub listen: Vec<String>,
    /// A peer to connect to at start (repeatable), added to those in config.toml.
    #[arg(long, value_name = "MULTIADDR")]
    pub bootstrap: Vec<String>,
    /// Do not look for peers on the local network (mDNS).
    #[arg(long)]
    pub no_mdns: bool,
    /// Do not look for peers beyond the bootstrap list (no Kademlia): connect only where
    /// told, e.g. inside a closed network.
    #[arg(long)]
    pub no_kademlia: bool,
    /// Where the local API listens (127.0.0.1 only). Default: a free port.
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub api: std::net::SocketAddr,
    /// Serve Prometheus metrics on this address, e.g. 127.0.0.1:9464. Default: off.
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<std::net::SocketAddr>,
    /// Gossip heartbeat in milliseconds (tests use short ones).
    #[arg(long, default_value_t = 1000, hide = true)]
    pub heartbeat_ms: u64,
}

#[derive(Args, Debug)]
pub struct PublishArgs {
    /// Markdown file with front matter; '-' reads stdin. Without it: stdin if piped,
    /// otherwise $EDITOR.
    pub file: Option<PathBuf>,
    /// practice, story or question (also in Dutch: goed voorbeeld, praktijkverhaal, vraag).
    #[arg(long)]
    pub kind: Option<String>,
    /// The title (overrides the front matter's `title:` and the first `# heading`).
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub labels: LabelArgs,
    /// Who to contact about this entry (a work address).
    #[arg(long)]
    pub contact: Option<String>,
    #[command(flatten)]
    pub privacy: PrivacyArgs,
}

#[derive(Args, Debug)]
pub struct LabelArgs {
    /// The space to publish in. Default: the first space in config.toml.
    #[arg(long)]
    pub space: Option<String>,
    /// Publish in a space this node does not follow (otherwise refused, so that a typo
    /// does not send the entry where nobody reads it).
    #[arg(long)]
    pub new_space: bool,
    /// A tag (repeat for more).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A theme (repeatable): dienstverlening, duurzaamheid, financien, gezondheid, hrm,
    /// inburgering, informatievoorziening, inkoop, jeugdwet, omgevingswet, onderwijs,
    /// participatiewet, schuldhulp, veiligheid, wmo, wonen.
    #[arg(long = "theme", value_name = "THEME")]
    pub themes: Vec<String>,
}

#[derive(Args, Debug)]
pub struct AskArgs {
    /// The question.
    pub question: String,
    /// More context (Markdown).
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
    /// The entry's id (or a unique prefix).
    pub id: String,
    /// Optional comment.
    pub comment: Option<String>,
    /// It works.
    #[arg(long, group = "verdict")]
    pub works: bool,
    /// It does not work.
    #[arg(long, group = "verdict")]
    pub does_not_work: bool,
    /// We applied it here.
    #[arg(long, group = "verdict")]
    pub applied: bool,
    /// It was useful.
    #[arg(long, group = "verdict")]
    pub useful: bool,
    #[command(flatten)]
    pub privacy: PrivacyArgs,
}

#[derive(Args, Debug, Clone)]
pub struct FilterArgs {
    /// Only this space.
    #[arg(long)]
    pub space: Option<String>,
    /// Only by this organisation: CBS code, name, or key.
    #[arg(long)]
    pub author: Option<String>,
    /// Created on or after: a date (2026-11-01) or an age (7d, 2w, 12h).
    #[arg(long)]
    pub since: Option<String>,
    /// Created before: a date (2026-11-01) or an age (7d, 2w, 12h).
    #[arg(long)]
    pub until: Option<String>,
    /// Only entries with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only entries with this theme: dienstverlening, duurzaamheid, financien, gezondheid,
    /// hrm, inburgering, informatievoorziening, inkoop, jeugdwet, omgevingswet, onderwijs,
    /// participatiewet, schuldhulp, veiligheid, wmo, wonen.
    #[arg(long)]
    pub theme: Option<String>,
    /// At most this many entries.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Also entries of organisations this node does not trust (kept apart in
    /// web-of-trust mode).
    #[arg(long)]
    pub untrusted: bool,
}

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Move to a new key: a rotation entry signed by the current key tells every node
    /// that the new key speaks for this organisation, with the same trust. The old key
    /// is kept beside the new one as key.old.<time>. Stop the node first.
    Rotate,
    /// Revoke a key of this organisation (name it, or --current): entries it signs from
    /// --since on count for nothing on every node; what it signed before stays. After a
    /// theft: rotate first, then revoke the old key with the new one. Asks for
    /// confirmation (or --yes).
    Revoke {
        /// The key to revoke (hex); the current key or one this organisation rotated from.
        #[arg(conflicts_with = "current")]
        key: Option<String>,
        /// Revoke the key this node signs with now (it can then sign nothing but a move to
        /// a new key: run `wiel key rotate` next).
        #[arg(long)]
        current: bool,
        /// From when: a date (2026-11-01) or an age (7d, 12h). Default: now.
        #[arg(long)]
        since: Option<String>,
        /// Revoke without asking.
        #[arg(long, short)]
        yes: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum TrustCommand {
    /// The trust mode, depth, roots, and every trusted organisation with who vouches for it.
    List,
    /// Trust an organisation directly (a root), without endorsement.
    Add {
        /// CBS code, name, key, or an id (prefix) of one of its entries.
        organisation: String,
    },
    /// Stop trusting a root directly (it may still be trusted through endorsements).
    Remove {
        /// CBS code, name, key, or an id (prefix) of one of its entries.
        organisation: String,
    },
}

/// The privacy guard's question, answered in advance.
#[derive(Args, Debug, Clone, Copy)]
pub struct PrivacyArgs {
    /// Publish even though the privacy guard asks about possible personal data (phone
    /// numbers, e-mail addresses, dates of birth, addresses). A BSN or IBAN is never
    /// published.
    #[arg(long, short)]
    pub yes: bool,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Only this kind (practice, story, question, answer, reaction, retraction, profile,
    /// endorsement, key-rotation, revocation). Without it, `list` leaves out reactions,
    /// retractions, profiles and trust entries.
    #[arg(long)]
    pub kind: Option<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Also older versions of edited entries.
    #[arg(long)]
    pub all_versions: bool,
    /// Also retracted entries (only their headers remain).
    #[arg(long)]
    pub retracted: bool,
}

#[derive(Args, Debug)]
pub struct QuestionsArgs {
    /// Only questions that have no accepted answer yet.
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The words to look for.
    #[arg(required = true)]
    pub words: Vec<String>,
    /// Only this kind: practice, story, question or answer (what search finds).
    #[arg(long)]
    pub kind: Option<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Signed JSON lines, for `wiel import`.
    Jsonl,
    /// A readable Markdown document (not importable: signatures left out).
    Md,
}

impl Command {
    /// Whether the privacy guard's question (or the revocation's) was answered with
    /// `--yes` in advance.
    pub fn yes(&self) -> bool {
        match self {
            Command::Publish(a) => a.privacy.yes,
            Command::Ask(a) => a.privacy.yes,
            Command::React(a) => a.privacy.yes,
            Command::Answer { privacy, .. } | Command::Edit { privacy, .. } => privacy.yes,
            Command::Key(KeyCommand::Revoke { yes, .. }) => *yes,
            _ => false,
        }
    }
}
