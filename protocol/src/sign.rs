//! The organisation key, and turning a [`Draft`] into a signed, validated entry.

use libp2p_identity::ed25519;

use crate::codec;
use crate::entry::{Body, Entry, Header, Kind, Ref};
use crate::ids::{BodyHash, EntryId, OrgKey, Signature};
use crate::names::{NetworkId, SpaceName, Timestamp};
use crate::validate::{Invalid, Rules, Verified};

pub use crate::messages::{
    ROTATION_DOMAIN, SIGNING_DOMAIN, rotation_consent_message, signing_message,
    verify_rotation_consent,
};

/// Why a key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    Decode(String),
    NotEd25519,
}

/// An organisation's ed25519 keypair: signs entries and is the node's libp2p identity.
#[derive(Clone)]
pub struct OrgKeypair(ed25519::Keypair);

impl std::fmt::Debug for OrgKeypair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OrgKeypair({})", self.public().short())
    }
}

impl OrgKeypair {
    pub fn generate() -> Self {
        Self(ed25519::Keypair::generate())
    }

    /// A keypair from a 32-byte secret (for test vectors and fixtures).
    pub fn from_secret(mut secret: [u8; 32]) -> Self {
        // 32 bytes is always a valid ed25519 secret key.
        match ed25519::SecretKey::try_from_bytes(&mut secret) {
            Ok(sk) => Self(ed25519::Keypair::from(sk)),
            Err(_) => unreachable!("any 32 bytes are an ed25519 secret key"),
        }
    }

    /// Reads libp2p's protobuf key encoding (the key file format).
    pub fn from_protobuf(bytes: &[u8]) -> Result<Self, KeyError> {
        let kp = libp2p_identity::Keypair::from_protobuf_encoding(bytes)
            .map_err(|e| KeyError::Decode(e.to_string()))?;
        kp.try_into_ed25519()
            .map(Self)
            .map_err(|_| KeyError::NotEd25519)
    }

    /// libp2p's protobuf key encoding, for the key file.
    pub fn to_protobuf(&self) -> Result<Vec<u8>, KeyError> {
        libp2p_identity::Keypair::from(self.0.clone())
            .to_protobuf_encoding()
            .map_err(|e| KeyError::Decode(e.to_string()))
    }

    pub fn public(&self) -> OrgKey {
        OrgKey::from_bytes(self.0.public().to_bytes())
    }

    /// The same key as a libp2p identity.
    pub fn to_libp2p(&self) -> libp2p_identity::Keypair {
        libp2p_identity::Keypair::from(self.0.clone())
    }

    /// This key's consent to succeed `old` on `network` (the body of a key rotation).
    pub fn consent_to_succeed(&self, network: &NetworkId, old: &OrgKey) -> Signature {
        let sig = self
            .0
            .sign(&rotation_consent_message(network, old, &self.public()));
        let mut bytes = [0u8; 64];
        bytes.copy_from_slice(&sig);
        Signature::from_bytes(bytes)
    }

    fn sign_id(&self, id: &EntryId) -> Signature {
        let sig = self.0.sign(&signing_message(id));
        let mut bytes = [0u8; 64];
        bytes.copy_from_slice(&sig);
        Signature::from_bytes(bytes)
    }
}

/// Everything an author decides about a new entry; [`Draft::sign`] adds the rest.
#[derive(Clone, Debug)]
pub struct Draft {
    pub network: NetworkId,
    pub space: SpaceName,
    pub kind: Kind,
    pub refs: Vec<Ref>,
    pub created_at: Timestamp,
    pub body: Body,
}

impl Draft {
    /// Signs the draft and checks it by the same rules as any entry from the network.
    pub fn sign(self, key: &OrgKeypair, rules: &Rules) -> Result<Verified, Invalid> {
        let body_bytes = codec::to_bytes(&self.body).map_err(|_| Invalid::BodyTooLarge {
            len: codec::MAX_BODY_BYTES + 1,
        })?;
        let header = Header {
            version: crate::FORMAT_VERSION,
            network: self.network,
            space: self.space,
            kind: self.kind,
            author: key.public(),
            created_at: self.created_at,
            body_hash: BodyHash::from_bytes(*blake3::hash(&body_bytes).as_bytes()),
            body_len: u32::try_from(body_bytes.len()).unwrap_or(u32::MAX),
            refs: self.refs,
        };
        let id = crate::validate::entry_id(&header)?;
        let signature = key.sign_id(&id);
        Verified::from_entry(
            Entry {
                header,
                signature,
                body: Some(self.body),
            },
            rules,
        )
    }
}
