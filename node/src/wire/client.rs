//! The typed client of a running node's local API (the CLI's way in while a node runs):
//! the same routes as the router (`routes`), the same request and answer types.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{ApiEndpoint, Health, ProblemBody, routes};
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
        let endpoint: ApiEndpoint =
            serde_json::from_str(&std::fs::read_to_string(dir.root().join("api.json")).ok()?)
                .ok()?;
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
        client.get::<Health>(routes::HEALTH).ok().map(|_| client)
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

    pub fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let resp = self
            .request(ureq::Agent::get, path)
            .call()
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        Self::read(resp)
    }

    pub fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let resp = self
            .request(ureq::Agent::post, path)
            .send_json(body)
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        Self::read(resp)
    }

    pub fn post_text<T: DeserializeOwned>(
        &self,
        path: &str,
        text: String,
    ) -> Result<T, ClientError> {
        let resp = self
            .request(ureq::Agent::post, path)
            .header("Content-Type", "text/plain")
            .send(text)
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        Self::read(resp)
    }

    pub fn get_text(&self, path: &str) -> Result<String, ClientError> {
        let mut resp = self
            .request(ureq::Agent::get, path)
            .call()
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        if !resp.status().is_success() {
            return Self::read::<()>(resp).map(|_| String::new());
        }
        resp.body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_string()
            .map_err(|e| ClientError::Unreadable(e.to_string()))
    }
}
