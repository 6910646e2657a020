//! Validated names and times: spaces, networks, CBS municipality codes, timestamps.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    BadName {
        what: &'static str,
        value: String,
        max: usize,
    },
    BadCbsCode(String),
}

fn is_valid_name(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const MAX_LEN: usize = $max;

            pub fn new(value: impl Into<String>) -> Result<Self, NameError> {
                let value = value.into();
                if is_valid_name(&value, $max) {
                    Ok(Self(value))
                } else {
                    Err(NameError::BadName { what: $what, value, max: $max })
                }
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = NameError;
            fn from_str(s: &str) -> Result<Self, NameError> {
                Self::new(s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::new(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

name_type!(
    /// The scope an entry is shared in: `nl`, a province (`pv23`), a region or a learning network.
    SpaceName,
    "space",
    64
);
name_type!(
    /// Keeps networks apart: `wiel` is the real one; tests and demos use their own.
    NetworkId,
    "network id",
    32
);

impl SpaceName {
    /// The national space every node follows.
    pub fn national() -> Self {
        Self("nl".to_owned())
    }
}

impl NetworkId {
    /// The real, national wiel network.
    pub fn main() -> Self {
        Self("wiel".to_owned())
    }
}

/// A municipality's CBS code, `GM` and four digits (Zwolle is `GM0193`).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct CbsCode(String);

impl CbsCode {
    pub fn new(value: impl Into<String>) -> Result<Self, NameError> {
        let value = value.into();
        let upper = value.trim().to_ascii_uppercase();
        let ok = upper.len() == 6
            && upper.starts_with("GM")
            && upper[2..].chars().all(|c| c.is_ascii_digit());
        if ok {
            Ok(Self(upper))
        } else {
            Err(NameError::BadCbsCode(value))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CbsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CbsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CbsCode({})", self.0)
    }
}

impl FromStr for CbsCode {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, NameError> {
        Self::new(s)
    }
}

impl<'de> Deserialize<'de> for CbsCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let code = Self::new(s).map_err(serde::de::Error::custom)?;
        Ok(code)
    }
}

/// Unix time in milliseconds.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Debug,
    schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct Timestamp(u64);

impl Timestamp {
    pub const fn from_millis(ms: u64) -> Self {
        Self(ms)
    }
    pub const fn as_millis(self) -> u64 {
        self.0
    }
    /// The system clock; a clock before 1970 reads as 0.
    pub fn now() -> Self {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Self(ms)
    }
    pub fn saturating_add_millis(self, ms: u64) -> Self {
        Self(self.0.saturating_add(ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(SpaceName::new("pv23").is_ok());
        assert!(SpaceName::new("jeugdregio-ijsselland").is_ok());
        assert!(SpaceName::new("").is_err());
        assert!(SpaceName::new("Nl").is_err());
        assert!(SpaceName::new("a b").is_err());
        assert!(SpaceName::new("x".repeat(65)).is_err());
        assert!(serde_json::from_str::<SpaceName>("\"NL!\"").is_err());
    }

    #[test]
    fn cbs_codes_are_normalised() {
        assert_eq!(CbsCode::new("gm0193").unwrap().as_str(), "GM0193");
        assert!(CbsCode::new("GM193").is_err());
        assert!(CbsCode::new("PV0193").is_err());
    }
}
