//! The demo's sample data: three municipalities and a dozen entries, each written by its
//! own municipality's node and copied to the other two.

use anyhow::Result;
use wiel_node::exchange::ExportLine;
use wiel_node::{NewEntry, Service};
use wiel_protocol::{Body, EntryId, Kind, KindFields, Ref, Rel, SpaceName, Timestamp, Verdict};

pub(super) struct Org {
    pub(super) name: &'static str,
    pub(super) code: &'static str,
}

pub(super) const ORGS: [Org; 3] = [
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

pub(super) struct Sample {
    org: usize,
    kind: Kind,
    title: &'static str,
    text: &'static str,
    tags: &'static [&'static str],
    themes: &'static [&'static str],
    story: Option<[&'static str; 4]>,
    link: Link,
}

pub(super) const SAMPLES: &[Sample] = &[
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
pub(super) fn fill(services: &[Service]) -> Result<Vec<EntryId>> {
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
