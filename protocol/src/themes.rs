//! The themes an entry can carry: one list, the fields of work of a Dutch municipality,
//! named after the law or the profession people in town halls use. What this node
//! publishes takes its themes from here; entries from elsewhere are taken as they are.

/// Each theme and what it covers, in Dutch.
pub const THEMES: &[(&str, &str)] = &[
    ("dienstverlening", "publieksdienstverlening, klantcontact"),
    ("duurzaamheid", "energie, klimaat, circulaire economie"),
    ("financien", "financiën, planning en control"),
    ("gezondheid", "publieke gezondheid"),
    (
        "hrm",
        "personeel en organisatie, werving, verzuim, opleiding",
    ),
    ("inburgering", "Wet inburgering, statushouders"),
    ("informatievoorziening", "ICT, informatiebeheer, privacy"),
    ("inkoop", "inkoop en aanbesteding, contractmanagement"),
    ("jeugdwet", "jeugdhulp en jeugdbescherming"),
    ("omgevingswet", "ruimte, bouwen, omgevingsvisie"),
    ("onderwijs", "leerplicht, onderwijshuisvesting"),
    ("participatiewet", "werk en inkomen, re-integratie"),
    ("schuldhulp", "schuldhulpverlening, armoedebeleid"),
    ("veiligheid", "openbare orde en veiligheid"),
    ("wmo", "maatschappelijke ondersteuning, mantelzorg"),
    ("wonen", "volkshuisvesting, huisvesting van doelgroepen"),
];

/// The theme named `name` (case and surrounding blanks do not matter), as listed.
pub fn known_theme(name: &str) -> Option<&'static str> {
    let wanted = name.trim().to_lowercase();
    THEMES
        .iter()
        .map(|(theme, _)| *theme)
        .find(|theme| *theme == wanted)
}

/// The theme names, comma-separated, for messages.
pub fn theme_names() -> String {
    THEMES
        .iter()
        .map(|(theme, _)| *theme)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_are_sorted_lowercase_and_found_whatever_the_case() {
        let names: Vec<&str> = THEMES.iter().map(|(t, _)| *t).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        assert!(
            names
                .iter()
                .all(|t| t.chars().all(|c| c.is_ascii_lowercase()))
        );
        assert_eq!(known_theme(" HRM "), Some("hrm"));
        assert_eq!(known_theme("jeugd"), None);
    }
}
