//! The top-level modules of `node` depend on each other one way: no module reaches, through
//! `crate::` paths in its code, a module that reaches back (doc comments and test code do
//! not count). A cycle is named with the files that close it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir` but test files.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("tests.rs") {
            out.push(path);
        }
    }
    out
}

/// The code of a file without its comments and its `#[cfg(test)]` module (last in a file).
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a piece of code names through `crate::` (also inside
/// `use crate::{a, b::c}` groups).
fn named(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            group[..end].split(',').collect()
        } else {
            vec![rest]
        };
        for name in names {
            let name: String = name
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                out.insert(name);
            }
        }
    }
    out
}

#[test]
fn the_modules_of_node_depend_on_each_other_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // module -> (module it names -> a file that names it)
    let mut edges: BTreeMap<String, BTreeMap<String, PathBuf>> = BTreeMap::new();
    for file in sources(&src) {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_string_lossy().trim_end_matches(".rs").to_owned();
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for other in named(&code(&text)) {
            if other != module {
                edges
                    .entry(module.clone())
                    .or_default()
                    .entry(other)
                    .or_insert_with(|| relative.to_owned());
            }
        }
    }
    assert!(edges.len() > 10, "found only {} modules", edges.len());
    // A cycle exists where a module reaches itself.
    let mut cycles = Vec::new();
    for start in edges.keys() {
        let mut path = vec![start.clone()];
        let mut seen = BTreeSet::new();
        if let Some(cycle) = reach(start, start, &edges, &mut path, &mut seen) {
            cycles.push(cycle);
        }
    }
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}

/// A path from `at` back to `target`, each step with the file that takes it.
fn reach(
    target: &str,
    at: &str,
    edges: &BTreeMap<String, BTreeMap<String, PathBuf>>,
    path: &mut Vec<String>,
    seen: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    for (next, file) in edges.get(at).into_iter().flatten() {
        if next == target {
            let mut cycle = path.clone();
            cycle.push(format!("{next} (in {})", file.display()));
            return Some(cycle);
        }
        if seen.insert(next.clone()) {
            path.push(format!("{next} (in {})", file.display()));
            if let Some(cycle) = reach(target, next, edges, path, seen) {
                return Some(cycle);
            }
            path.pop();
        }
    }
    None
}

#[test]
fn names_are_read_from_paths_and_groups() {
    let found = named("use crate::{wire::Format, ops};\nlet x = crate::service::Service::open();");
    let expected: BTreeSet<String> = ["wire", "ops", "service"].map(String::from).into();
    assert_eq!(found, expected);
    assert!(named(&code("// see crate::api\nfn f() {}")).is_empty());
}
