//! The hash functions of the GOST family behind one small interface:
//! Streebog-256/512 (GOST R 34.11-2012, RustCrypto `streebog`), GOST R
//! 34.11-94 with the CryptoPro parameters (`gost94`), and HMAC-Streebog
//! (RFC 7836) through `hmac`.
//!
//! Digests are the byte strings the hash emits (the standard prints them
//! byte-reversed); signing reads them as little-endian integers.

use core::fmt;
use core::str::FromStr;

use digest::{Digest, KeyInit, Mac};

use crate::error::Error;

pub use gost94::Gost94CryptoPro;
pub use streebog::{Streebog256, Streebog512};

/// HMAC-Streebog-256 (RFC 7836 section 4.1.1).
pub type HmacStreebog256 = hmac::Hmac<Streebog256>;
/// HMAC-Streebog-512 (RFC 7836 section 4.1.2).
pub type HmacStreebog512 = hmac::Hmac<Streebog512>;

/// A hash algorithm chosen at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlg {
    /// GOST R 34.11-2012, 256-bit output.
    Streebog256,
    /// GOST R 34.11-2012, 512-bit output.
    Streebog512,
    /// GOST R 34.11-94 with the CryptoPro S-boxes (legacy GOST 2001 keys).
    Gost94,
}

impl HashAlg {
    /// Output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            HashAlg::Streebog512 => 64,
            _ => 32,
        }
    }

    /// The command-line name.
    pub const fn name(self) -> &'static str {
        match self {
            HashAlg::Streebog256 => "streebog256",
            HashAlg::Streebog512 => "streebog512",
            HashAlg::Gost94 => "gost94",
        }
    }

    /// Hashes a byte string.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut h = Hasher::new(self);
        h.update(data);
        h.finalize()
    }
}

impl fmt::Display for HashAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for HashAlg {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "streebog256" | "gost341112256" | "mdgost12256" => Ok(HashAlg::Streebog256),
            "streebog512" | "gost341112512" | "mdgost12512" => Ok(HashAlg::Streebog512),
            "gost94" | "gost341194" | "mdgost94" => Ok(HashAlg::Gost94),
            _ => Err(Error::Unsupported(format!(
                "hash algorithm {s:?} (expected streebog256, streebog512 or gost94)"
            ))),
        }
    }
}

/// An incremental hasher of a run-time chosen algorithm.
#[derive(Clone)]
pub enum Hasher {
    /// Streebog-256 state.
    Streebog256(Streebog256),
    /// Streebog-512 state.
    Streebog512(Streebog512),
    /// GOST R 34.11-94 state.
    Gost94(Gost94CryptoPro),
}

impl Hasher {
    /// A fresh state.
    pub fn new(alg: HashAlg) -> Self {
        match alg {
            HashAlg::Streebog256 => Hasher::Streebog256(Streebog256::new()),
            HashAlg::Streebog512 => Hasher::Streebog512(Streebog512::new()),
            HashAlg::Gost94 => Hasher::Gost94(Gost94CryptoPro::new()),
        }
    }

    /// Absorbs data.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Streebog256(h) => Digest::update(h, data),
            Hasher::Streebog512(h) => Digest::update(h, data),
            Hasher::Gost94(h) => Digest::update(h, data),
        }
    }

    /// The digest.
    pub fn finalize(self) -> Vec<u8> {
        match self {
            Hasher::Streebog256(h) => h.finalize().to_vec(),
            Hasher::Streebog512(h) => h.finalize().to_vec(),
            Hasher::Gost94(h) => h.finalize().to_vec(),
        }
    }
}

impl std::io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// HMAC-Streebog-256 of `data` under `key`.
pub fn hmac_streebog256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = <HmacStreebog256 as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// HMAC-Streebog-512 of `data` under `key`.
pub fn hmac_streebog512(key: &[u8], data: &[u8]) -> [u8; 64] {
    let mut mac = <HmacStreebog512 as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}
