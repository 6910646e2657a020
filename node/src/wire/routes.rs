//! How a request of an operation (`ops`) travels, both ways in one place: its fields named
//! in the route (`/api/v1/entries/{id}`) go into the path, the others into the query of a
//! GET or the JSON body of a POST (or text, for a request that is text). The routes
//! themselves are in the table of operations.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub const HEALTH: &str = "/api/v1/health";
pub const OPENAPI: &str = "/openapi.json";

/// The names of a route's `{…}` parameters.
pub fn parameters(route: &str) -> impl Iterator<Item = &str> {
    route
        .split('/')
        .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
}

/// `route` with each `{name}` filled in from (and taken out of) the request's `fields`,
/// escaped: ids and prefixes are hex, but users type anything.
pub fn fill_from(route: &str, fields: &mut Value) -> String {
    let mut path = route.to_owned();
    for name in parameters(route) {
        let value = match fields.as_object_mut().and_then(|f| f.remove(name)) {
            Some(Value::String(text)) => text,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        path = path.replace(&format!("{{{name}}}"), &escape(&value));
    }
    path
}

fn escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The query of a GET: the request's remaining fields (absent ones left out).
pub fn query_of(fields: &Value) -> Result<String, serde_urlencoded::ser::Error> {
    let pairs: Vec<(&str, String)> = match fields {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                Value::String(text) => (k.as_str(), text.clone()),
                other => (k.as_str(), other.to_string()),
            })
            .collect(),
        _ => Vec::new(),
    };
    serde_urlencoded::to_string(pairs)
}

/// Why a request could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("the query: {0}")]
    Query(String),
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    #[error("the body must be a JSON object")]
    NotAnObject,
    #[error("the route names '{0}': the body may not name it again")]
    NamedTwice(String),
    #[error("the route's parameters are not UTF-8")]
    BadPath,
    #[error("the request: {0}")]
    Fields(String),
}

/// The longest part of what serde says about a request that goes into an error: it may
/// quote what was sent, and a client should not get its megabytes back.
const MAX_QUOTED: usize = 200;

fn quoted(error: impl std::fmt::Display) -> String {
    let text = error.to_string();
    match text.char_indices().nth(MAX_QUOTED) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// The request a server received: `path` holds the route's parameters, `query` a GET's
/// query, `body` a POST's body (`text` when it came as text/plain). The route's
/// parameters decide: a body that is no object (which serde could read field by field,
/// in order) or that names one of them again is refused, not read.
pub fn request_of<Q: DeserializeOwned>(
    path: Vec<(String, String)>,
    query: Option<&str>,
    body: Option<(&[u8], bool)>,
) -> Result<Q, RequestError> {
    let Some((bytes, text)) = body else {
        let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
            .map_err(|e| RequestError::Query(quoted(e)))?;
        pairs.extend(path);
        let joined =
            serde_urlencoded::to_string(&pairs).map_err(|e| RequestError::Query(quoted(e)))?;
        return serde_urlencoded::from_str(&joined).map_err(|e| RequestError::Query(quoted(e)));
    };
    let mut fields = if text {
        Value::String(String::from_utf8_lossy(bytes).into_owned())
    } else if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(bytes).map_err(|e| RequestError::NotJson(quoted(e)))?
    };
    match &mut fields {
        Value::Object(map) => {
            for (name, value) in path {
                if map.contains_key(&name) {
                    return Err(RequestError::NamedTwice(name));
                }
                map.insert(name, Value::String(value));
            }
        }
        Value::String(_) if path.is_empty() => {}
        _ => return Err(RequestError::NotAnObject),
    }
    serde_json::from_value(fields).map_err(|e| RequestError::Fields(quoted(e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{AnswerRequest, EntryRef, ImportText, RetractRequest, SyncRunRef};

    #[test]
    fn a_parameter_is_filled_in_escaped_and_taken_out_of_the_body() {
        let mut fields = serde_json::json!({ "id": "a/b c", "text": "ja" });
        let path = fill_from("/api/v1/entries/{id}/answers", &mut fields);
        assert_eq!(path, "/api/v1/entries/a%2Fb%20c/answers");
        assert_eq!(fields, serde_json::json!({ "text": "ja" }));
    }

    #[test]
    fn what_the_client_sends_the_server_reads_back() {
        let sent = AnswerRequest {
            id: "ab12".into(),
            text: "Zo doen wij het".into(),
            confirmed_personal_data: true,
        };
        let mut fields = serde_json::to_value(&sent).unwrap();
        fill_from("/api/v1/entries/{id}/answers", &mut fields);
        let body = serde_json::to_vec(&fields).unwrap();
        let read: AnswerRequest = request_of(
            vec![("id".into(), "ab12".into())],
            None,
            Some((&body, false)),
        )
        .unwrap();
        assert_eq!(
            (read.id, read.text, read.confirmed_personal_data),
            ("ab12".into(), sent.text, true)
        );

        let run: SyncRunRef = request_of(vec![("run".into(), "4711".into())], None, None).unwrap();
        assert_eq!(run.run, 4711);
        let filter = wiel_store::ListFilter {
            limit: 5,
            ..Default::default()
        };
        let query = query_of(&serde_json::to_value(&filter).unwrap()).unwrap();
        let read: wiel_store::ListFilter = request_of(Vec::new(), Some(&query), None).unwrap();
        assert_eq!(read.limit, 5);
        let text: ImportText = request_of(Vec::new(), None, Some((b"{}\n{}", true))).unwrap();
        assert_eq!(text.0, "{}\n{}");
    }

    #[test]
    fn a_bad_request_says_what_is_wrong() {
        let missing = request_of::<EntryRef>(Vec::new(), None, Some((b"{}", false)));
        assert!(matches!(missing, Err(RequestError::Fields(e)) if e.contains("id")));
        let broken = request_of::<EntryRef>(Vec::new(), None, Some((b"{", false)));
        assert!(matches!(broken, Err(RequestError::NotJson(_))));
        // What serde quotes of the request is cut short.
        let long = format!("\"{}\"", "x".repeat(100_000));
        let Err(e) = request_of::<AnswerRequest>(Vec::new(), None, Some((long.as_bytes(), false)))
        else {
            panic!("a string is no answer");
        };
        assert!(e.to_string().len() < 400, "{e}");
    }

    #[test]
    fn the_route_names_the_entry_and_nothing_in_the_body_can_name_another() {
        let path = || vec![("id".to_owned(), "aaaa".to_owned())];
        // serde reads a struct from an array of its fields in order: refused.
        let array = br#"["bbbb", null, false]"#;
        let read = request_of::<RetractRequest>(path(), None, Some((array, false)));
        assert!(matches!(read, Err(RequestError::NotAnObject)), "{read:?}");
        let named = br#"{"id": "bbbb", "text": "ja"}"#;
        let read = request_of::<AnswerRequest>(path(), None, Some((named, false)));
        assert!(matches!(read, Err(RequestError::NamedTwice(n)) if n == "id"));
        // Text is a body only where the route names nothing.
        let read = request_of::<RetractRequest>(path(), None, Some((b"bbbb", true)));
        assert!(matches!(read, Err(RequestError::NotAnObject)), "{read:?}");
        // In a query too, the route's parameter cannot be given twice.
        let read = request_of::<EntryRef>(path(), Some("id=bbbb"), None);
        assert!(read.is_err(), "{read:?}");
        // Nothing takes nothing.
        let read =
            request_of::<crate::wire::Nothing>(Vec::new(), None, Some((br#"{"x":1}"#, false)));
        assert!(matches!(read, Err(RequestError::Fields(_))), "{read:?}");
    }
}
