//! Signing in through the municipality's identity provider (OpenID Connect,
//! authorization-code flow with PKCE), for the page served beyond this machine.
//!
//! Owns the `[web]` settings' checks, the provider's metadata and keys (fetched when first
//! needed, by one request at a time; again after an hour, or after a signature that did not
//! verify), a sign-in under way (state, nonce and PKCE verifier, kept in the browser's
//! cookie with a MAC of this node's, so that no flood of visits can push anyone's sign-in
//! out), and what a finished sign-in yields: a [`Person`], whose name and roles are cleaned
//! of control characters and cut to length. The ID token's signature, issuer, audience,
//! expiry and nonce are checked by `openidconnect`; a token that fails any of them signs
//! nobody in. At most [`AT_ONCE`] sign-ins talk to the provider at a time: a slow provider
//! slows sign-in, never the rest of the node.

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
/// … or after a signature that did not verify, but not sooner than this.
const METADATA_MIN_AGE: Duration = Duration::from_secs(60);
/// Sign-ins that talk to the provider at once; more are told to try again.
pub const AT_ONCE: usize = 8;
/// The longest name or role taken from a provider.
const MAX_NAME: usize = 100;

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
    /// Too many sign-ins at once: try again in a moment.
    Busy,
    /// The person has none of the roles `[web.sign_in] allowed_roles` asks for.
    NotAllowed,
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
    pub roles: Vec<String>,
    /// What this person may do beyond writing and changing their own entries.
    pub powers: super::session::Powers,
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

/// A sign-in under way, as its cookie holds it: what the callback must match.
struct Pending {
    state: String,
    verifier: String,
    nonce: String,
}

/// Sign-in through one OpenID provider.
pub struct SignIn {
    issuer: IssuerUrl,
    client_id: ClientId,
    secret: Option<ClientSecret>,
    redirect: RedirectUrl,
    role_claim: String,
    allowed_roles: Vec<String>,
    editor_roles: Vec<String>,
    trust_roles: Vec<String>,
    http: ureq::Agent,
    client: Mutex<Option<(Arc<Client>, Instant)>>,
    /// Held while the metadata is fetched: one fetch at a time.
    discovery: Mutex<()>,
    /// The key of the MAC on sign-in cookies; new at every start of the node.
    cookie_key: [u8; 32],
    gate: tokio::sync::Semaphore,
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
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    if std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o044 != 0) {
                        tracing::warn!(path = %path.display(), "the client secret file can be read by others than its owner: chmod 600 it");
                    }
                }
                Some(ClientSecret::new(text.trim().to_owned()))
            }
        };
        let redirect = RedirectUrl::new(redirect.to_owned()).map_err(|_| bad_issuer())?;
        let mut cookie_key = [0u8; 32];
        getrandom::fill(&mut cookie_key).map_err(|e| WebSetupError::Secret {
            path: "(random)".into(),
            reason: e.to_string(),
        })?;
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
            allowed_roles: settings.allowed_roles.clone(),
            editor_roles: settings.editor_roles.clone(),
            trust_roles: settings.trust_roles.clone(),
            http,
            client: Mutex::new(None),
            discovery: Mutex::new(()),
            cookie_key,
            gate: tokio::sync::Semaphore::new(AT_ONCE),
        })
    }

    /// A place among the sign-ins that talk to the provider now, or `Busy`.
    pub fn enter(&self) -> Result<tokio::sync::SemaphorePermit<'_>, SignInError> {
        self.gate.try_acquire().map_err(|_| SignInError::Busy)
    }

    /// Begins a sign-in: the provider's address to send the person to, and the value of
    /// the cookie that must come back with the callback (state, nonce, PKCE verifier, time,
    /// MAC). Blocks on the provider the first time.
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
        let issued = jiff::Timestamp::now().as_second();
        let fields = format!(
            "{}.{}.{}.{issued}",
            state.secret(),
            nonce.secret(),
            verifier.secret()
        );
        let mac = blake3::keyed_hash(&self.cookie_key, fields.as_bytes()).to_hex();
        Ok((url.to_string(), format!("{fields}.{mac}")))
    }

    /// The sign-in a cookie holds, if this node made it within ten minutes.
    fn pending(&self, cookie: &str) -> Option<Pending> {
        let (fields, mac) = cookie.rsplit_once('.')?;
        let expected = blake3::keyed_hash(&self.cookie_key, fields.as_bytes()).to_hex();
        if !super::session::same_secret(mac, expected.as_str()) {
            return None;
        }
        let mut parts = fields.split('.');
        let (state, nonce, verifier, issued) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let age = jiff::Timestamp::now().as_second() - issued.parse::<i64>().ok()?;
        if !(0..SIGN_IN_VALID.as_secs() as i64).contains(&age) {
            return None;
        }
        Some(Pending {
            state: state.to_owned(),
            verifier: verifier.to_owned(),
            nonce: nonce.to_owned(),
        })
    }

    /// Finishes a sign-in with the code the provider sent back, and the cookie and state
    /// that came with it: exchanges the code (with the PKCE verifier), checks the ID token,
    /// and names the person. Blocks on the provider.
    pub fn finish(&self, cookie: &str, state: &str, code: &str) -> Result<Person, SignInError> {
        let pending = self.pending(cookie).ok_or(SignInError::Unknown)?;
        if state.is_empty() || !super::session::same_secret(state, &pending.state) {
            return Err(SignInError::Unknown);
        }
        let client = self.client()?;
        self.exchange(&client, code, pending)
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
        let claims = match token.claims(&client.id_token_verifier(), &Nonce::new(pending.nonce)) {
            Ok(claims) => claims,
            Err(e) => {
                if matches!(
                    e,
                    openidconnect::ClaimsVerificationError::SignatureVerification(_)
                ) {
                    // The provider may have changed its keys: fetched again next time.
                    let mut cached = lock(&self.client);
                    if cached
                        .as_ref()
                        .is_some_and(|(_, fetched)| fetched.elapsed() >= METADATA_MIN_AGE)
                    {
                        *cached = None;
                    }
                }
                return Err(SignInError::Refused(e.to_string()));
            }
        };
        let name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| clean(n.as_str()))
            .filter(|n| !n.is_empty())
            .or_else(|| claims.preferred_username().map(|n| clean(n.as_str())))
            .filter(|n| !n.is_empty())
            .ok_or(SignInError::NoName)?;
        let roles: Vec<String> = match claims.additional_claims().0.get(&self.role_claim) {
            Some(serde_json::Value::String(role)) => vec![clean(role)],
            Some(serde_json::Value::Array(roles)) => roles
                .iter()
                .filter_map(serde_json::Value::as_str)
                .map(clean)
                .collect(),
            _ => Vec::new(),
        }
        .into_iter()
        .filter(|r| !r.is_empty())
        .take(10)
        .collect();
        let has_any = |wanted: &[String]| wanted.iter().any(|w| roles.contains(w));
        if !self.allowed_roles.is_empty() && !has_any(&self.allowed_roles) {
            return Err(SignInError::NotAllowed);
        }
        Ok(Person {
            subject: claims.subject().as_str().chars().take(255).collect(),
            powers: super::session::Powers {
                edit_all: has_any(&self.editor_roles),
                change_trust: has_any(&self.trust_roles),
            },
            name,
            roles,
        })
    }

    /// The provider's client, discovered when first needed and again after an hour.
    fn client(&self) -> Result<Arc<Client>, SignInError> {
        let fresh = || {
            lock(&self.client)
                .as_ref()
                .filter(|(_, fetched)| fetched.elapsed() < METADATA_KEPT)
                .map(|(client, _)| client.clone())
        };
        if let Some(client) = fresh() {
            return Ok(client);
        }
        // One fetch at a time; whoever waited for it takes what it fetched.
        let _fetching = lock(&self.discovery);
        if let Some(client) = fresh() {
            return Ok(client);
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

/// A name or role as a provider gave it, fit to show and to publish: without control,
/// direction-changing or invisible characters, without brackets (a role is shown in
/// brackets after the name), on one line, at most [`MAX_NAME`] characters.
fn clean(given: &str) -> String {
    let kept: String = given
        .chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(c, '(' | ')' | '[' | ']')
                && !matches!(*c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2069 | 0x061C | 0xFEFF)
        })
        .take(MAX_NAME)
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
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
