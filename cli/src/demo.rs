//! `wiel demo`: three municipal nodes (Zwolle, Kampen, Deventer) on loopback, each with the
//! same dozen sample entries, each signed by its own municipality. Then a question asked in
//! Deventer travels through Kampen to Zwolle by gossip, Zwolle answers, and the demo shows a
//! list, a search and the thread.

use std::path::PathBuf;

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use wiel_node::exchange::ExportLine;
use wiel_node::runtime::ApiEndpoint;
use wiel_node::service::InitOptions;
use wiel_node::{DataDir, NewEntry, Service};
use wiel_protocol::{
    Body, CbsCode, EntryId, Kind, KindFields, NetworkId, Ref, Rel, SpaceName, Timestamp, Verdict,
};
use wiel_store::ListFilter;

use crate::output;
use wiel_lang::t;
use wiel_node::api::client::ApiClient;
use wiel_node::ops::Operations;

struct Org {
    name: &'static str,
    code: &'static str,
}

const ORGS: [Org; 3] = [
    Org {
        name: "Gemeente Zwolle",
        code: "GM0193",
    },
    Org {
        name: "Gemeente Kampen",
        code: "GM0166",
    },
    Org {
        name: "Gemeente Deventer",
        code: "GM0150",
    },
];

/// What a sample entry refers to: an earlier sample, by index.
enum Link {
    None,
    Answers(usize),
    Reacts(usize, Verdict),
}

struct Sample {
    org: usize,
    kind: Kind,
    title: &'static str,
    text: &'static str,
    tags: &'static [&'static str],
    themes: &'static [&'static str],
    story: Option<[&'static str; 4]>,
    link: Link,
}

const SAMPLES: &[Sample] = &[
    Sample {
        org: 0,
        kind: Kind::Practice,
        title: "Buddy voor elke nieuwe jeugdconsulent",
        text: "Nieuwe jeugdconsulenten krijgen het eerste half jaar een ervaren collega als buddy. \
               Ze lopen mee bij keukentafelgesprekken en bespreken elke week een casus. \
               Het verloop in het eerste jaar daalde van 30% naar 12%.",
        tags: &["onboarding", "jeugdconsulent", "verloop"],
        themes: &["hrm", "jeugdwet"],
        story: None,
        link: Link::None,
    },
    Sample {
        org: 1,
        kind: Kind::Story,
        title: "Samen jeugdhulp inkopen in de regio IJsselland",
        text: "Elf gemeenten kochten de specialistische jeugdhulp voor het eerst samen in.",
        tags: &["regionale inkoop", "jeugdhulp", "aanbesteding"],
        themes: &["inkoop", "jeugdwet"],
        story: Some([
            "Elke gemeente had eigen contracten met dezelfde aanbieders: veel administratie, weinig sturing.",
            "Eén regionaal inkoopteam, een open house-procedure en gezamenlijke kwaliteitseisen.",
            "Minder contracten, één verantwoordingsformat, en aanbieders die weten waar ze aan toe zijn.",
            "Maak vooraf afspraken over wie beslist; betrek de aanbieders al bij de marktconsultatie.",
        ]),
        link: Link::None,
    },
    Sample {
        org: 2,
        kind: Kind::Question,
        title: "Hoe contracteren jullie jeugdhulp: lumpsum of p×q?",
        text: "Wij overwegen over te stappen van p×q naar lumpsum met resultaatafspraken. \
               Wat ging goed? Wat kan beter?",
        tags: &["lumpsum", "p×q", "jeugdhulp"],
        themes: &["inkoop", "jeugdwet"],
        story: None,
        link: Link::None,
    },
    Sample {
        org: 0,
        kind: Kind::Answer,
        title: "",
        text: "Wij werken sinds twee jaar met lumpsum voor de wijkteams en p×q voor specialistische \
               zorg. Lumpsum geeft rust, maar spreek heldere prestatie-indicatoren af.",
        tags: &[],
        themes: &[],
        story: None,
        link: Link::Answers(2),
    },
    Sample {
        org: 1,
        kind: Kind::Answer,
        title: "",
        text: "Wij bleven bij p×q, met een budgetplafond per aanbieder. Zo houden we zicht op \
               de kosten per cliënt.",
        tags: &[],
        themes: &[],
        story: None,
        link: Link::Answers(2),
    },
    Sample {
        org: 2,
        kind: Kind::Practice,
        title: "Keukentafelgesprek Wmo met een ervaringsdeskundige",
        text: "Bij het eerste gesprek over Wmo-ondersteuning schuift een ervaringsdeskundige aan. \
               Inwoners vertellen meer, en de oplossing ligt vaker in het eigen netwerk.",
        tags: &["keukentafelgesprek", "ervaringsdeskundige"],
        themes: &["wmo"],
        story: None,
        link: Link::None,
    },
    Sample {
        org: 0,
        kind: Kind::Story,
        title: "Leernetwerk HRM: acht gemeenten leren van elkaar",
        text: "HRM-adviseurs van acht gemeenten komen elke zes weken samen rond één vraag uit de praktijk.",
        tags: &["leernetwerk", "intervisie"],
        themes: &["hrm"],
        story: Some([
            "Elke gemeente vond het wiel opnieuw uit bij de 3D-decentralisaties.",
            "Een vaste groep van tien HRM'ers, wisselend gastgemeente, steeds één casus.",
            "Drie gemeenten namen elkaars aanpak van strategische personeelsplanning over.",
            "Klein houden, vertrouwen opbouwen, en afspraken vastleggen in een gedeeld verslag.",
        ]),
        link: Link::None,
    },
    Sample {
        org: 1,
        kind: Kind::Practice,
        title: "Werkgeversservicepunt in de arbeidsmarktregio",
        text: "Voor de Participatiewet werken de gemeenten in de arbeidsmarktregio met één \
               werkgeversservicepunt. Werkgevers hebben één aanspreekpunt voor plaatsing van \
               mensen met een afstand tot de arbeidsmarkt.",
        tags: &["werkgevers", "arbeidsmarktregio", "banenafspraak"],
        themes: &["participatiewet"],
        story: None,
        link: Link::None,
    },
    Sample {
        org: 2,
        kind: Kind::Story,
        title: "Participatie bij de omgevingsvisie",
        text: "Voor de omgevingsvisie onder de Omgevingswet haalden we ideeën op in elke wijk.",
        tags: &["omgevingsvisie", "participatie"],
        themes: &["omgevingswet"],
        story: Some([
            "De Omgevingswet vraagt participatie, maar inwoners kwamen niet naar inspraakavonden.",
            "Een bus die langs markten en scholen reed, met kaarten om op te tekenen.",
            "Meer dan 2.000 reacties, ook van jongeren.",
            "Ga naar inwoners toe in plaats van ze uit te nodigen.",
        ]),
        link: Link::None,
    },
    Sample {
        org: 0,
        kind: Kind::Question,
        title: "Wie heeft ervaring met strategische personeelsplanning voor het sociaal domein?",
        text: "We zoeken een aanpak om te voorspellen hoeveel consulenten we over vijf jaar nodig hebben.",
        tags: &["strategische personeelsplanning"],
        themes: &["hrm"],
        story: None,
        link: Link::None,
    },
    Sample {
        org: 2,
        kind: Kind::Answer,
        title: "",
        text: "Wij gebruiken scenario's per team en leggen die elk jaar naast de instroom van \
               hulpvragen. Bel gerust, dan delen we ons model.",
        tags: &[],
        themes: &[],
        story: None,
        link: Link::Answers(9),
    },
    Sample {
        org: 1,
        kind: Kind::Practice,
        title: "Marktconsultatie vóór de aanbesteding van Wmo-vervoer",
        text: "Vóór de aanbesteding van het Wmo-vervoer hielden we een marktconsultatie met \
               vervoerders en cliëntenraad. De eisen werden haalbaarder en er kwamen meer inschrijvingen.",
        tags: &["marktconsultatie", "aanbesteding", "vervoer"],
        themes: &["inkoop", "wmo"],
        story: None,
        link: Link::None,
    },
    Sample {
        org: 0,
        kind: Kind::Reaction,
        title: "",
        text: "Dit hebben wij in 2025 ook zo gedaan, met goed resultaat.",
        tags: &[],
        themes: &[],
        story: None,
        link: Link::Reacts(1, Verdict::Works),
    },
    Sample {
        org: 2,
        kind: Kind::Reaction,
        title: "",
        text: "Overgenomen voor onze Wmo-consulenten.",
        tags: &[],
        themes: &[],
        story: None,
        link: Link::Reacts(0, Verdict::AppliedHere),
    },
];

fn body(s: &Sample) -> Body {
    let fields = match (s.kind, s.story, &s.link) {
        (Kind::Story, Some([situation, approach, result, lessons]), _) => KindFields::Story {
            situation: situation.into(),
            approach: approach.into(),
            result: result.into(),
            lessons: lessons.into(),
        },
        (_, _, Link::Reacts(_, verdict)) => KindFields::Reaction { verdict: *verdict },
        _ => KindFields::None,
    };
    Body {
        title: s.title.into(),
        text: s.text.split_whitespace().collect::<Vec<_>>().join(" "),
        tags: s.tags.iter().map(|t| t.to_string()).collect(),
        themes: s.themes.iter().map(|t| t.to_string()).collect(),
        contact: None,
        fields,
    }
}

fn refs(link: &Link, ids: &[EntryId]) -> Vec<Ref> {
    match link {
        Link::None => vec![],
        Link::Answers(i) => vec![Ref {
            rel: Rel::Answers,
            target: ids[*i],
        }],
        Link::Reacts(i, _) => vec![Ref {
            rel: Rel::ReactsTo,
            target: ids[*i],
        }],
    }
}

/// Writes every sample with its own municipality's node, and copies it to the other two
/// nodes (verified like network input), so that answers find their questions.
fn fill(services: &[Service]) -> Result<Vec<EntryId>> {
    let now = Timestamp::now().as_millis();
    let day = 86_400_000u64;
    let mut ids = Vec::new();
    for (n, s) in SAMPLES.iter().enumerate() {
        let created_at = Timestamp::from_millis(now - (SAMPLES.len() - n) as u64 * 2 * day);
        let space = if s.themes.contains(&"jeugdwet") {
            SpaceName::new("pv23")?
        } else {
            SpaceName::national()
        };
        let author = &services[s.org];
        let p = author.publish(NewEntry {
            kind: s.kind,
            space: Some(space),
            refs: refs(&s.link, &ids),
            body: body(s),
            created_at: Some(created_at),
            confirmed_personal_data: false,
            new_space: false,
        })?;
        let line = serde_json::to_string(&ExportLine::new(&author.get(&p.id)?))?;
        for (i, other) in services.iter().enumerate() {
            if i != s.org {
                other.import(&line)?;
            }
        }
        ids.push(p.id);
    }
    // Everyone knows everyone's profile.
    for (i, a) in services.iter().enumerate() {
        let profile = a.store().profile(&a.org_key())?;
        if let Some(profile) = profile {
            let line = serde_json::to_string(&ExportLine::new(&profile))?;
            for (j, b) in services.iter().enumerate() {
                if i != j {
                    b.import(&line)?;
                }
            }
        }
    }
    Ok(ids)
}

/// A `wiel node` child process of this binary.
struct DemoNode {
    name: &'static str,
    dir: DataDir,
    child: std::process::Child,
    backend: ApiClient,
    address: String,
}

impl DemoNode {
    fn start(name: &'static str, dir: DataDir, bootstrap: Option<&str>) -> Result<DemoNode> {
        let exe = std::env::current_exe().with_context(|| t!("demo-no-program"))?;
        let mut cmd = std::process::Command::new(exe);
        cmd.arg("--data-dir")
            .arg(dir.root())
            .args([
                "node",
                "--listen",
                "/ip4/127.0.0.1/tcp/0",
                "--no-mdns",
                // A strict line, so Deventer reaches Zwolle only through Kampen.
                "--no-kademlia",
                "--heartbeat-ms",
                "200",
            ])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if let Some(b) = bootstrap {
            cmd.args(["--bootstrap", b]);
        }
        let mut child = cmd.spawn().with_context(|| t!("demo-cannot-start"))?;
        let started = Instant::now();
        let backend = loop {
            if let Some(status) = child.try_wait()? {
                bail!(t!(
                    "demo-node-stopped",
                    name = name,
                    status = status.to_string()
                ));
            }
            let pid_ok = std::fs::read_to_string(dir.root().join("api.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<ApiEndpoint>(&t).ok())
                .is_some_and(|e| e.pid == child.id());
            if pid_ok && let Some(client) = ApiClient::find(&dir) {
                break client;
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                bail!(t!("demo-node-slow", name = name));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let status = backend.status()?;
        let net = status.network.with_context(|| t!("demo-no-network"))?;
        let listen = net
            .listening
            .iter()
            .find(|l| l.contains("/tcp/"))
            .cloned()
            .with_context(|| t!("demo-no-network"))?;
        Ok(DemoNode {
            name,
            dir,
            child,
            backend,
            address: format!("{listen}/p2p/{}", net.peer_id),
        })
    }

    /// Waits until this node holds `id`; returns how long that took.
    fn wait_for(&self, id: &EntryId, since: Instant) -> Result<Duration> {
        loop {
            if self.backend.resolve(&id.to_hex()).is_ok() {
                return Ok(since.elapsed());
            }
            if since.elapsed() > Duration::from_secs(30) {
                bail!(t!("demo-not-received", name = self.name, id = id.short()));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    fn stop(mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
        let _ = &self.dir;
    }
}

impl Drop for DemoNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn run(keep: Option<PathBuf>, json: bool) -> Result<()> {
    let temp;
    let kept = keep.is_some();
    let root = match keep {
        Some(dir) => dir,
        None => {
            temp = tempfile::Builder::new()
                .prefix("wiel-demo-")
                .tempdir()
                .with_context(|| t!("demo-no-temp-dir"))?;
            temp.path().to_owned()
        }
    };
    let dirs: Vec<DataDir> = ["zwolle", "kampen", "deventer"]
        .iter()
        .map(|n| DataDir::new(root.join(n)))
        .collect();
    {
        let services = ORGS
            .iter()
            .zip(&dirs)
            .map(|(org, dir)| {
                Service::init(
                    dir.clone(),
                    InitOptions {
                        name: org.name.into(),
                        code: CbsCode::new(org.code)?,
                        province: Some("Overijssel".into()),
                        spaces: vec![SpaceName::national(), SpaceName::new("pv23")?],
                        network: NetworkId::new("wiel-demo")?,
                        trust_mode: Default::default(),
                    },
                )
                .map_err(anyhow::Error::from)
            })
            .collect::<Result<Vec<_>>>()?;
        // The three municipalities trust each other (web of trust, the default).
        let keys: Vec<_> = services.iter().map(|s| s.org_key()).collect();
        for s in &services {
            let others: Vec<_> = keys
                .iter()
                .filter(|k| **k != s.org_key())
                .copied()
                .collect();
            s.update_trust(|t| t.roots.extend(others))?;
        }
        fill(&services)?;
        for s in &services {
            // Sample entries are on every node already; only new ones will be gossiped.
            for id in s.store().outbox()? {
                s.store().outbox_remove(&id)?;
            }
        }
    }

    // A line: Zwolle ← Kampen ← Deventer. Deventer reaches Zwolle only through Kampen.
    let zwolle = DemoNode::start(ORGS[0].name, dirs[0].clone(), None)?;
    let kampen = DemoNode::start(ORGS[1].name, dirs[1].clone(), Some(&zwolle.address))?;
    let deventer = DemoNode::start(ORGS[2].name, dirs[2].clone(), Some(&kampen.address))?;
    let nodes = [&zwolle, &kampen, &deventer];
    // Wait until every link carries both spaces (the peers' subscriptions have arrived).
    let started = Instant::now();
    let linked = |n: &DemoNode, want: usize| -> Result<bool> {
        let peers = n.backend.peers()?;
        Ok(peers.len() >= want && peers.iter().all(|p| p.peer.spaces.len() >= 2))
    };
    while !(linked(&kampen, 2)? && linked(&zwolle, 1)? && linked(&deventer, 1)?) {
        if started.elapsed() > Duration::from_secs(30) {
            bail!(t!("demo-not-connected"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }

    let question = "Wie heeft een goede aanpak voor wachtlijsten in de jeugdhulp?";
    let sent = Instant::now();
    let asked = deventer.backend.publish(NewEntry {
        kind: Kind::Question,
        space: Some(SpaceName::new("pv23")?),
        refs: vec![],
        body: Body {
            title: question.into(),
            text: "Wij zien de wachttijden oplopen. Wat werkt bij jullie?".into(),
            tags: vec!["wachtlijst".into(), "jeugdhulp".into()],
            themes: vec!["jeugdwet".into()],
            ..Body::default()
        },
        created_at: None,
        confirmed_personal_data: false,
        new_space: false,
    })?;
    let to_kampen = kampen.wait_for(&asked.id, sent)?;
    let to_zwolle = zwolle.wait_for(&asked.id, sent)?;
    let sent = Instant::now();
    let answered = zwolle.backend.answer(
        &asked.id.to_hex(),
        "Wij werken met een regionaal wachtlijstoverleg: elke week kijken aanbieders samen wie waar terecht kan.".into(),
        false,
    )?;
    let back = deventer.wait_for(&answered.id, sent)?;
    // Deventer marks the answer that helped (`wiel accept`).
    deventer.backend.publish(NewEntry::reaction(
        answered.id,
        Verdict::Accepted,
        String::new(),
    ))?;

    let query = "wachtlijsten jeugdhulp";
    let found = zwolle.backend.search(query, &ListFilter::default())?;
    let thread = deventer.backend.thread(&asked.id.to_hex())?;
    let listing = zwolle.backend.list(&ListFilter {
        limit: 8,
        content_only: true,
        ..ListFilter::default()
    })?;

    if json {
        output::json(&serde_json::json!({
            "nodes": nodes.iter().map(|n| serde_json::json!({"organisation": n.name, "address": n.address, "data_dir": n.dir.root()})).collect::<Vec<_>>(),
            "question": asked.id,
            "arrival_ms": { "kampen": to_kampen.as_secs_f64() * 1e3, "zwolle": to_zwolle.as_secs_f64() * 1e3 },
            "answer": answered.id,
            "answer_arrival_ms": back.as_secs_f64() * 1e3,
            "list": listing,
            "search": { "query": query, "results": found },
            "thread": thread,
        }))?;
    } else {
        let ms = |d: Duration| format!("{:.0}", d.as_secs_f64() * 1e3);
        println!("{}", t!("demo-intro"));
        for n in nodes {
            println!("  {:<18} {}", n.name, n.address);
        }
        println!(
            "{}\n",
            t!("demo-samples", count = SAMPLES.len() + ORGS.len())
        );
        println!(
            "$ wiel list --limit 8   {}",
            t!("demo-on-node", name = zwolle.name)
        );
        output::entry_lines(&listing, 8, &t!("list-empty"))?;
        println!(
            "\n{}",
            t!("demo-asks", name = deventer.name, question = question)
        );
        println!(
            "  {}",
            t!(
                "demo-gossiped",
                first = kampen.name,
                first_ms = ms(to_kampen),
                second = zwolle.name,
                second_ms = ms(to_zwolle)
            )
        );
        println!(
            "{}\n",
            t!(
                "demo-answered",
                answerer = zwolle.name,
                asker = deventer.name,
                ms = ms(back)
            )
        );
        println!(
            "$ wiel search {query}   {}",
            t!("demo-on-node", name = zwolle.name)
        );
        output::search_results(&found, ListFilter::default().limit)?;
        println!(
            "\n$ wiel show {}   {}",
            asked.id.short(),
            t!("demo-on-node", name = deventer.name)
        );
        output::thread(&thread)?;
        println!();
    }
    for n in [deventer, kampen, zwolle] {
        n.stop();
    }
    if !json {
        if kept {
            println!(
                "{}",
                t!(
                    "demo-kept",
                    dir = root.display().to_string(),
                    node_dir = dirs[0].root().display().to_string()
                )
            );
        } else {
            println!("{}", t!("demo-removed"));
        }
    }
    Ok(())
}
