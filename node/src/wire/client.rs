//! The typed client of a running node's local API (the CLI's way in while a node runs):
//! the same routes as the router (`routes`), the same request and answer types.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use serde_json::Value;

use super::{ApiEndpoint, Format, Health, Nothing, ProblemBody, routes};
use crate::config::DataDir;

/// Why a call to the running node failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    Unreachable(String),
    /// The node refused, with its problem detail and the error's stable code.
    Refused {
        code: Option<String>,
        detail: String,
    },
    Status(u16),
    Unreadable(String),
}

/// A running node's local API.
pub struct ApiClient {
    agent: ureq::Agent,
    base: String,
    token: String,
}

impl ApiClient {
    /// The node running on `dir`, if one answers (a stale `api.json` of a node that died
    /// is ignored).
    pub fn find(dir: &DataDir) -> Option<ApiClient> {
        let endpoint = ApiEndpoint::read(dir)?;
        let token = std::fs::read_to_string(dir.root().join("api.token")).ok()?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(2)))
            .timeout_global(Some(Duration::from_secs(600)))
            .build()
            .into();
        let client = ApiClient {
            agent,
            base: format!("http://{}", endpoint.address),
            token: token.trim().to_owned(),
        };
        client
            .call::<_, Health>("get", routes::HEALTH, Format::Json, &Nothing {})
            .ok()
            .map(|_| client)
    }

    fn read<T: DeserializeOwned>(
        mut resp: ureq::http::Response<ureq::Body>,
    ) -> Result<T, ClientError> {
        let status = resp.status();
        if status.is_success() {
            return resp
                .body_mut()
                .with_config()
                .limit(u64::MAX)
                .read_json::<T>()
                .map_err(|e| ClientError::Unreadable(e.to_string()));
        }
        match resp.body_mut().read_json::<ProblemBody>() {
            Ok(p) => Err(ClientError::Refused {
                code: p.code().map(str::to_owned),
                detail: p.detail,
            }),
            Err(_) => Err(ClientError::Status(status.as_u16())),
        }
    }

    /// A request to `path` as this client sends every one: with its token, in the reader's
    /// language.
    fn request<B>(
        &self,
        builder: fn(&ureq::Agent, String) -> ureq::RequestBuilder<B>,
        path: &str,
    ) -> ureq::RequestBuilder<B> {
        builder(&self.agent, format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Accept-Language", wiel_lang::current().tag())
    }

    /// One operation of the table (`ops`): the request's fields named in `route` go into
    /// the path, the others into the query of a GET or the body of a POST (text/plain for
    /// a request that is text); the answer is read as `format` says.
    pub fn call<Q: Serialize, A: DeserializeOwned>(
        &self,
        method: &str,
        route: &str,
        format: Format,
        request: &Q,
    ) -> Result<A, ClientError> {
        let unreadable = |e: &dyn std::fmt::Display| ClientError::Unreadable(e.to_string());
        let mut fields = serde_json::to_value(request).map_err(|e| unreadable(&e))?;
        let path = routes::fill_from(route, &mut fields);
        let sent = if method == "get" {
            let query = routes::query_of(&fields).map_err(|e| unreadable(&e))?;
            let path = if query.is_empty() {
                path
            } else {
                format!("{path}?{query}")
            };
            self.request(ureq::Agent::get, &path).call()
        } else {
            match fields {
                Value::String(text) => self
                    .request(ureq::Agent::post, &path)
                    .header("Content-Type", "text/plain")
                    .send(text),
                other => self.request(ureq::Agent::post, &path).send_json(other),
            }
        };
        let mut resp = sent.map_err(|e| ClientError::Unreachable(e.to_string()))?;
        if format == Format::Json || !resp.status().is_success() {
            return Self::read(resp);
        }
        let text = resp
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_string()
            .map_err(|e| unreadable(&e))?;
        let value = match format {
            Format::Lines => Value::Array(
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(serde_json::from_str)
                    .collect::<Result<_, _>>()
                    .map_err(|e| unreadable(&format!("a line of the answer: {e}")))?,
            ),
            _ => Value::String(text),
        };
        serde_json::from_value(value).map_err(|e| unreadable(&e))
    }
}
