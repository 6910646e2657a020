//! Small text rules shared by the node's messages and lookups.

/// Library errors span several lines; a message for people is one.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A name as compared: case and runs of white space do not tell names apart.
pub fn normal_name(name: &str) -> String {
    one_line(name).to_lowercase()
}
