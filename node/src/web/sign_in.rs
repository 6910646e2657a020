//! Signing in through the municipality's identity provider (OpenID Connect,
//! authorization-code flow with PKCE), for the page served beyond this machine.
//!
//! Owns the `[web]` settings' checks, the provider's metadata and keys (fetched when first
//! needed, again after an hour or a failed sign-in), the sign-ins under way (state, nonce
//! and PKCE verifier, ten minutes each), and what a finished sign-in yields: a [`Person`].
//! The ID token's signature, issuer, audience, expiry and nonce are checked by
//! `openidconnect`; a token that fails any of them signs nobody in.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::url::Url;
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, StandardErrorResponse,
    StandardTokenResponse,
};
use serde::{Deserialize, Serialize};

use crate::config::{SignInSection, WebSection};

/// How long a sign-in may take at the identity provider.
const SIGN_IN_VALID: Duration = Duration::from_secs(10 * 60);
/// The provider's metadata and keys are fetched again after this long.
const METADATA_KEPT: Duration = Duration::from_secs(60 * 60);
/// At most this many sign-ins under way (a flood of visits evicts the oldest).
const MAX_PENDING: usize = 1_000;

/// Why the page cannot be served beyond this machine as `[web]` says.
#[derive(Debug, thiserror::Error)]
pub enum WebSetupError {
    NeedsSignIn,
    NeedsAddress,
    BadAddress { given: String },
    NeedsHttps { listen: SocketAddr },
    BadIssuer { given: String },
    Secret { path: PathBuf, reason: String },
    CannotListen { listen: SocketAddr, reason: String },
}

/// Why a sign-in failed: shown to the person, in their language, and logged.
#[derive(Debug)]
pub enum SignInError {
    /// The provider cannot be reached or its metadata is unusable.
    Provider(String),
    /// The sign-in is unknown, used already, or took too long.
    Unknown,
    /// The provider refused, or its answer did not hold.
    Refused(String),
    /// The token says no name for the person.
    NoName,
}

/// The person a sign-in named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// The provider's subject: who this is, for the audit log.
    pub subject: String,
    pub name: String,
    pub role: Option<String>,
}

/// The page beyond this machine, as `[web]` in `config.toml` sets it up.
pub struct SharedPage {
    pub listen: SocketAddr,
    /// What the Host header must say: the address's host (and port, if it has one).
    pub host: String,
    /// The address's origin, which every form must come from.
    pub origin: String,
    /// Cookies only over TLS: the address starts with https.
    pub secure: bool,
    pub sign_in: Arc<SignIn>,
}

impl SharedPage {
    /// Checks `[web]`: `None` when the page is served on this machine only.
    pub fn from_config(web: &WebSection) -> Result<Option<SharedPage>, WebSetupError> {
        let Some(listen) = web.listen else {
            return Ok(None);
        };
        let settings = web.sign_in.as_ref().ok_or(WebSetupError::NeedsSignIn)?;
        let given = web.address.as_deref().ok_or(WebSetupError::NeedsAddress)?;
        let bad_address = || WebSetupError::BadAddress {
            given: given.to_owned(),
        };
        let address = Url::parse(given).map_err(|_| bad_address())?;
        let secure = match address.scheme() {
            "https" => true,
            "http" => false,
            _ => return Err(bad_address()),
        };
        let host_name = address.host_str().ok_or_else(bad_address)?;
        if address.path() != "/" || address.query().is_some() || !address.username().is_empty() {
            return Err(bad_address());
        }
        // The session cookie must not cross a network in the clear.
        if !secure && !listen.ip().is_loopback() {
            return Err(WebSetupError::NeedsHttps { listen });
        }
        let host = match address.port() {
            Some(port) => format!("{host_name}:{port}"),
            None => host_name.to_owned(),
        };
        let origin = address.origin().ascii_serialization();
        let redirect = format!("{origin}/inloggen/terug");
        let sign_in = SignIn::new(settings, &redirect)?;
        Ok(Some(SharedPage {
            listen,
            host,
            origin,
            secure,
            sign_in: Arc::new(sign_in),
        }))
    }
}

/// Claims beyond the standard ones: where the role is.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct OtherClaims(HashMap<String, serde_json::Value>);
impl AdditionalClaims for OtherClaims {}

type TokenResponse = StandardTokenResponse<
    IdTokenFields<
        OtherClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

type Client = openidconnect::Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A sign-in under way: what the callback must match.
struct Pending {
    verifier: String,
    nonce: String,
    made: Instant,
}

/// Sign-in through one OpenID provider.
pub struct SignIn {
    issuer: IssuerUrl,
    client_id: ClientId,
    secret: Option<ClientSecret>,
    redirect: RedirectUrl,
    role_claim: String,
    http: ureq::Agent,
    client: Mutex<Option<(Arc<Client>, Instant)>>,
    pending: Mutex<HashMap<String, Pending>>,
}

impl SignIn {
    fn new(settings: &SignInSection, redirect: &str) -> Result<SignIn, WebSetupError> {
        let bad_issuer = || WebSetupError::BadIssuer {
            given: settings.issuer.clone(),
        };
        let parsed = Url::parse(&settings.issuer).map_err(|_| bad_issuer())?;
        let loopback = match parsed.host() {
            Some(openidconnect::url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(openidconnect::url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(openidconnect::url::Host::Domain(name)) => name == "localhost",
            None => return Err(bad_issuer()),
        };
        // Keys and tokens come from the issuer: over TLS, unless it is on this machine.
        if parsed.scheme() != "https" && !(parsed.scheme() == "http" && loopback) {
            return Err(bad_issuer());
        }
        let issuer = IssuerUrl::new(settings.issuer.clone()).map_err(|_| bad_issuer())?;
        let secret = match &settings.client_secret_file {
            None => None,
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| WebSetupError::Secret {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
                Some(ClientSecret::new(text.trim().to_owned()))
            }
        };
        let redirect = RedirectUrl::new(redirect.to_owned()).map_err(|_| bad_issuer())?;
        let http: ureq::Agent = ureq::Agent::config_builder()
            // A provider's answer is read as it is: no redirect followed to elsewhere.
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        Ok(SignIn {
            issuer,
            client_id: ClientId::new(settings.client_id.clone()),
            secret,
            redirect,
            role_claim: settings.role_claim.clone(),
            http,
            client: Mutex::new(None),
            pending: Mutex::new(HashMap::new()),
        })
    }

    /// Begins a sign-in: the provider's address to send the person to, and the state that
    /// the callback must bring back (kept in a cookie too, against a forged callback).
    /// Blocks on the provider the first time.
    pub fn start(&self) -> Result<(String, String), SignInError> {
        let client = self.client()?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        let mut pending = lock(&self.pending);
        let now = Instant::now();
        pending.retain(|_, p| now.duration_since(p.made) < SIGN_IN_VALID);
        if pending.len() >= MAX_PENDING
            && let Some(oldest) = pending
                .iter()
                .min_by_key(|(_, p)| p.made)
                .map(|(s, _)| s.clone())
        {
            pending.remove(&oldest);
        }
        pending.insert(
            state.secret().clone(),
            Pending {
                verifier: verifier.secret().clone(),
                nonce: nonce.secret().clone(),
                made: now,
            },
        );
        Ok((url.to_string(), state.secret().clone()))
    }

    /// Finishes a sign-in with the code the provider sent back: exchanges it (with the
    /// PKCE verifier), checks the ID token, and names the person. Blocks on the provider.
    pub fn finish(&self, state: &str, code: &str) -> Result<Person, SignInError> {
        let pending = lock(&self.pending)
            .remove(state)
            .ok_or(SignInError::Unknown)?;
        if pending.made.elapsed() >= SIGN_IN_VALID {
            return Err(SignInError::Unknown);
        }
        let client = self.client()?;
        let result = self.exchange(&client, code, pending);
        if result.is_err() {
            // The provider may have changed its keys: fetched again next time.
            *lock(&self.client) = None;
        }
        result
    }

    fn exchange(
        &self,
        client: &Client,
        code: &str,
        pending: Pending,
    ) -> Result<Person, SignInError> {
        let call = |request| call(&self.http, request);
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| SignInError::Provider(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
            .request(&call)
            .map_err(|e| SignInError::Refused(describe(&e)))?;
        let token = openidconnect::TokenResponse::id_token(&response)
            .ok_or_else(|| SignInError::Refused("no ID token".to_owned()))?;
        let claims = token
            .claims(&client.id_token_verifier(), &Nonce::new(pending.nonce))
            .map_err(|e| SignInError::Refused(e.to_string()))?;
        let name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().trim().to_owned())
            .or_else(|| {
                claims
                    .preferred_username()
                    .map(|n| n.as_str().trim().to_owned())
            })
            .filter(|n| !n.is_empty())
            .ok_or(SignInError::NoName)?;
        let role = match claims.additional_claims().0.get(&self.role_claim) {
            Some(serde_json::Value::String(role)) => Some(role.trim().to_owned()),
            Some(serde_json::Value::Array(roles)) => Some(
                roles
                    .iter()
                    .filter_map(serde_json::Value::as_str)
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            _ => None,
        }
        .filter(|r| !r.is_empty());
        Ok(Person {
            subject: claims.subject().as_str().to_owned(),
            name,
            role,
        })
    }

    /// The provider's client, discovered when first needed and again after an hour.
    fn client(&self) -> Result<Arc<Client>, SignInError> {
        if let Some((client, fetched)) = lock(&self.client).as_ref()
            && fetched.elapsed() < METADATA_KEPT
        {
            return Ok(client.clone());
        }
        let call = |request| call(&self.http, request);
        let metadata = CoreProviderMetadata::discover(&self.issuer, &call)
            .map_err(|e| SignInError::Provider(describe(&e)))?;
        let client = Arc::new(
            Client::from_provider_metadata(metadata, self.client_id.clone(), self.secret.clone())
                .set_redirect_uri(self.redirect.clone()),
        );
        *lock(&self.client) = Some((client.clone(), Instant::now()));
        Ok(client)
    }
}

/// One HTTP request to the provider, its answer read whole (at most 1 MiB).
fn call(
    agent: &ureq::Agent,
    request: openidconnect::HttpRequest,
) -> Result<openidconnect::HttpResponse, ureq::Error> {
    let response = agent.run(request)?;
    let (parts, mut body) = response.into_parts();
    let bytes = body.with_config().limit(1 << 20).read_to_vec()?;
    Ok(openidconnect::HttpResponse::from_parts(parts, bytes))
}

/// An error with its causes, on one line.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
