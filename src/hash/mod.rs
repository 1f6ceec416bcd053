//! The hash functions of the GOST family behind one small interface:
//! Streebog-256/512 (GOST R 34.11-2012), GOST R 34.11-94 with the
//! CryptoPro parameters (`gost94`), and HMAC-Streebog (RFC 7836) through
//! `hmac`.
//!
//! [`HashAlg::digest`] and [`Hasher`] (what CMS, certificates and the CLI
//! hash with) run Streebog on this crate's [`Streebog`]: AVX-512 VBMI +
//! GFNI vector code where the CPU has it (no lookups indexed by data),
//! else table-driven code about twice as fast as the RustCrypto
//! `streebog` crate. The `digest`-trait types [`Streebog256`] /
//! [`Streebog512`] run on the same code, and so do HMAC-Streebog
//! ([`HmacStreebog256`], `hmac::Hmac<Streebog512>`) and PBKDF2 over it.
//! Table lookups are indexed by data (as the `streebog` crate's are): fine
//! for public messages, and the reason signing nonces use SHA-512; on
//! CPUs with GFNI the vector code has no data-indexed lookups.
//!
//! SHA-256 and SHA-1 are here only so that ESIA's older RSA signatures can
//! be verified.
//!
//! Digests are the byte strings the hash emits (the standard prints them
//! byte-reversed); signing reads them as little-endian integers.

use core::fmt;
use core::str::FromStr;

use digest::{Digest, KeyInit, Mac};

use crate::error::Error;

mod streebog_fast;
mod streebog_spec;
#[cfg(target_arch = "x86_64")]
mod x86_64;

pub use gost94::Gost94CryptoPro;
pub(crate) use streebog_fast::StreebogSecret;
pub use streebog_fast::{Streebog, Streebog256, Streebog512, StreebogCore};

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
    /// SHA-256: only to verify ESIA's older RSA signatures.
    Sha256,
    /// SHA-1: only to verify ESIA's older RSA signatures.
    Sha1,
}

impl HashAlg {
    /// Output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            HashAlg::Streebog512 => 64,
            HashAlg::Sha1 => 20,
            _ => 32,
        }
    }

    /// The command-line name.
    pub const fn name(self) -> &'static str {
        match self {
            HashAlg::Streebog256 => "streebog256",
            HashAlg::Streebog512 => "streebog512",
            HashAlg::Gost94 => "gost94",
            HashAlg::Sha256 => "sha256",
            HashAlg::Sha1 => "sha1",
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
            "sha256" => Ok(HashAlg::Sha256),
            "sha1" => Ok(HashAlg::Sha1),
            _ => Err(Error::Unsupported(format!(
                "hash algorithm {s:?} (expected streebog256, streebog512, gost94, sha256 or sha1)"
            ))),
        }
    }
}

/// An incremental hasher of a run-time chosen algorithm.
#[derive(Clone)]
pub enum Hasher {
    /// Streebog-256 state.
    Streebog256(Streebog),
    /// Streebog-512 state.
    Streebog512(Streebog),
    /// GOST R 34.11-94 state.
    Gost94(Gost94CryptoPro),
    /// SHA-256 state.
    Sha256(sha2::Sha256),
    /// SHA-1 state.
    Sha1(sha1::Sha1),
}

impl Hasher {
    /// A fresh state.
    pub fn new(alg: HashAlg) -> Self {
        match alg {
            HashAlg::Streebog256 => Hasher::Streebog256(Streebog::new_256()),
            HashAlg::Streebog512 => Hasher::Streebog512(Streebog::new_512()),
            HashAlg::Gost94 => Hasher::Gost94(Gost94CryptoPro::new()),
            HashAlg::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            HashAlg::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
        }
    }

    /// Absorbs data.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Streebog256(h) | Hasher::Streebog512(h) => h.update(data),
            Hasher::Gost94(h) => Digest::update(h, data),
            Hasher::Sha256(h) => Digest::update(h, data),
            Hasher::Sha1(h) => Digest::update(h, data),
        }
    }

    /// The digest.
    pub fn finalize(self) -> Vec<u8> {
        match self {
            Hasher::Streebog256(h) | Hasher::Streebog512(h) => h.finalize(),
            Hasher::Gost94(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha1(h) => h.finalize().to_vec(),
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
    let mut mac =
        <HmacStreebog256 as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// HMAC-Streebog-512 of `data` under `key`.
pub fn hmac_streebog512(key: &[u8], data: &[u8]) -> [u8; 64] {
    let mut mac =
        <HmacStreebog512 as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn vectors() -> Value {
        serde_json::from_str(include_str!("../../vectors/streebog/streebog.json")).expect("json")
    }

    #[test]
    fn streebog_standard_vectors() {
        let v = vectors();
        let mut checked = 0;
        for vector in v["vectors"].as_array().unwrap() {
            let Some(msg) = vector["message_hex"].as_str() else {
                continue; // M7 is a recipe, see the ignored test below
            };
            let msg = hex::decode(msg).unwrap();
            assert_eq!(
                hex::encode(HashAlg::Streebog256.digest(&msg)),
                vector["streebog256"].as_str().unwrap(),
                "{}",
                vector["name"]
            );
            assert_eq!(
                hex::encode(HashAlg::Streebog512.digest(&msg)),
                vector["streebog512"].as_str().unwrap(),
                "{}",
                vector["name"]
            );
            checked += 1;
        }
        // empty, M1, M2, M4, M5, M6, carry, habr144 (0xFF-heavy), 00..3f
        assert!(checked >= 9);
    }

    #[test]
    fn streebog_message_files_match_json() {
        // The files copied from the standard's examples hash to the same values.
        let m1 = include_bytes!("../../vectors/streebog/M1");
        let m2 = include_bytes!("../../vectors/streebog/M2");
        let v = vectors();
        let by_prefix = |p: &str| {
            v["vectors"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["name"].as_str().unwrap().starts_with(p))
                .unwrap()
                .clone()
        };
        assert_eq!(
            hex::encode(HashAlg::Streebog512.digest(m1)),
            by_prefix("M1")["streebog512"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(HashAlg::Streebog256.digest(m2)),
            by_prefix("M2")["streebog256"].as_str().unwrap()
        );
    }

    #[test]
    fn incremental_equals_one_shot() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 + 3) as u8).collect();
        for alg in [HashAlg::Streebog256, HashAlg::Streebog512, HashAlg::Gost94] {
            let mut h = Hasher::new(alg);
            for chunk in data.chunks(61) {
                h.update(chunk);
            }
            assert_eq!(h.finalize(), alg.digest(&data));
        }
    }

    #[test]
    fn hmac_rfc7836() {
        let v = vectors();
        for vector in v["hmac"]["vectors"].as_array().unwrap() {
            let key = hex::decode(vector["key_hex"].as_str().unwrap()).unwrap();
            let msg = hex::decode(vector["message_hex"].as_str().unwrap()).unwrap();
            assert_eq!(
                hex::encode(hmac_streebog256(&key, &msg)),
                vector["hmac_streebog256"].as_str().unwrap()
            );
            assert_eq!(
                hex::encode(hmac_streebog512(&key, &msg)),
                vector["hmac_streebog512"].as_str().unwrap()
            );
        }
    }

    /// GOST R 34.11-94 with the CryptoPro parameters. Non-empty values were
    /// printed by OpenSSL's gost engine (`openssl dgst -md_gost94`) and, for
    /// "a", "abc" and the pangram, match the commonly published values. For
    /// the empty message the engine prints 3f25bc1f...; the published value
    /// (981e5f3c...) is used here, so that message has a single oracle.
    #[test]
    fn gost94_cryptopro_vectors() {
        let cases = [
            (
                "",
                "981e5f3ca30c841487830f84fb433e13ac1101569b9c13584ac483234cd656c0",
            ),
            (
                "a",
                "e74c52dd282183bf37af0079c9f78055715a103f17e3133ceff1aacf2f403011",
            ),
            (
                "abc",
                "b285056dbf18d7392d7677369524dd14747459ed8143997e163b2986f92fd42c",
            ),
            (
                "message digest",
                "bc6041dd2aa401ebfa6e9886734174febdb4729aa972d60f549ac39b29721ba0",
            ),
            (
                "The quick brown fox jumps over the lazy dog",
                "9004294a361a508c586fe53d1f1b02746765e71b765472786e4770d565830a76",
            ),
        ];
        for (msg, want) in cases {
            assert_eq!(
                hex::encode(HashAlg::Gost94.digest(msg.as_bytes())),
                want,
                "{msg:?}"
            );
        }
    }

    #[test]
    fn names_parse() {
        assert_eq!(
            "streebog256".parse::<HashAlg>().unwrap(),
            HashAlg::Streebog256
        );
        assert_eq!(
            "md_gost12_512".parse::<HashAlg>().unwrap(),
            HashAlg::Streebog512
        );
        assert_eq!("sha1".parse::<HashAlg>().unwrap(), HashAlg::Sha1);
        assert!("md5".parse::<HashAlg>().is_err());
    }

    /// M7: 4 GiB + 72 bytes, crossing the 2^32-byte length boundary. ~70 s.
    #[test]
    #[ignore = "slow: hashes 4 GiB; run with --ignored"]
    fn streebog_m7_four_gibibytes() {
        let m2 = include_bytes!("../../vectors/streebog/M2");
        let m5 = include_bytes!("../../vectors/streebog/M5");
        let m6 = include_bytes!("../../vectors/streebog/M6");
        let mut block = Vec::with_capacity(256 * 1024);
        for _ in 0..1024 {
            block.extend_from_slice(m5);
            block.extend_from_slice(m6);
        }
        let mut h256 = Hasher::new(HashAlg::Streebog256);
        let mut h512 = Hasher::new(HashAlg::Streebog512);
        h256.update(m2);
        h512.update(m2);
        for _ in 0..(1u32 << 24) / 1024 {
            h256.update(&block);
            h512.update(&block);
        }
        let v = vectors();
        let m7 = v["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["message_len"] == 4294967368u64)
            .unwrap();
        assert_eq!(
            hex::encode(h256.finalize()),
            m7["streebog256"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(h512.finalize()),
            m7["streebog512"].as_str().unwrap()
        );
    }
}
