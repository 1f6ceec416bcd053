//! Key derivation used by the key-import formats:
//!
//! * [`PbeHash`]: the hashes PFX and PBES2 name, each usable as HMAC, as the
//!   PRF of PBKDF2 (RFC 8018, RustCrypto `pbkdf2`) and in the PKCS#12
//!   key-derivation function (RFC 7292 appendix B.2, written here: no
//!   released crate covers it for GOST R 34.11-94's 32-byte blocks).
//!
//! (The GOST KDF and KDF_TREE of RFC 7836 live in `cms::cipher`:
//! EnvelopedData needs them too.)
//!
//! Iteration counts come from hostile files, so they are bounded.

use der::asn1::ObjectIdentifier as Oid;
use digest::block_api::EagerHash;
use digest::typenum::Unsigned;
use digest::{Digest, KeyInit, Mac};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::hash::{Gost94CryptoPro, Streebog256, Streebog512};

/// The default largest iteration count accepted from a file
/// ([`ImportOptions::max_iterations`](super::ImportOptions)).
/// Real exports use far fewer: OpenSSL 2 048, CryptoPro and the TC26
/// examples 2 000, Java's keytool 10 000, OWASP's 2023 advice for
/// PBKDF2-HMAC-SHA256 600 000. Ten million GOST HMACs take tens of seconds.
pub const DEFAULT_MAX_ITERATIONS: u32 = 1_000_000;

/// Reads an iteration count from a file: 1..=u32::MAX, else an encoding error.
pub(crate) fn iterations(count: u64, what: &'static str) -> Result<u32> {
    if count == 0 {
        return Err(Error::encoding(what, "iteration count 0 (at least 1)"));
    }
    u32::try_from(count)
        .map_err(|_| Error::encoding(what, format!("iteration count {count} is too large")))
}

/// Refuses an iteration count above `limit` before any work is done.
pub(crate) fn check_limit(count: u32, limit: u32, what: &'static str) -> Result<()> {
    if count > limit {
        return Err(Error::invalid(
            what,
            format!(
                "iteration count {count} exceeds the limit {limit}; raise it with \
                 --max-iterations {count} (library: ImportOptions::max_iterations) \
                 if the file is trusted"
            ),
        ));
    }
    Ok(())
}

/// A hash named by a PFX MacData or a PBKDF2 PRF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PbeHash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Streebog256,
    Streebog512,
    /// GOST R 34.11-94 with the CryptoPro parameter set.
    Gost94,
}

/// OIDs of digests and HMACs.
pub(crate) mod oids {
    use der::asn1::ObjectIdentifier as Oid;
    pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
    pub const SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.4");
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
    pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
    pub const STREEBOG256: Oid = Oid::new_unwrap("1.2.643.7.1.1.2.2");
    pub const STREEBOG512: Oid = Oid::new_unwrap("1.2.643.7.1.1.2.3");
    pub const GOST94: Oid = Oid::new_unwrap("1.2.643.2.2.9");
    pub const HMAC_SHA1: Oid = Oid::new_unwrap("1.2.840.113549.2.7");
    pub const HMAC_SHA224: Oid = Oid::new_unwrap("1.2.840.113549.2.8");
    pub const HMAC_SHA256: Oid = Oid::new_unwrap("1.2.840.113549.2.9");
    pub const HMAC_SHA384: Oid = Oid::new_unwrap("1.2.840.113549.2.10");
    pub const HMAC_SHA512: Oid = Oid::new_unwrap("1.2.840.113549.2.11");
    pub const HMAC_STREEBOG256: Oid = Oid::new_unwrap("1.2.643.7.1.1.4.1");
    pub const HMAC_STREEBOG512: Oid = Oid::new_unwrap("1.2.643.7.1.1.4.2");
    pub const HMAC_GOST94: Oid = Oid::new_unwrap("1.2.643.2.2.10");
}

/// Runs `$body` with `$h` bound to the concrete hash type.
macro_rules! with_hash {
    ($hash:expr, $h:ident => $body:expr) => {
        match $hash {
            PbeHash::Sha1 => {
                type $h = sha1::Sha1;
                $body
            }
            PbeHash::Sha224 => {
                type $h = sha2::Sha224;
                $body
            }
            PbeHash::Sha256 => {
                type $h = sha2::Sha256;
                $body
            }
            PbeHash::Sha384 => {
                type $h = sha2::Sha384;
                $body
            }
            PbeHash::Sha512 => {
                type $h = sha2::Sha512;
                $body
            }
            PbeHash::Streebog256 => {
                type $h = Streebog256;
                $body
            }
            PbeHash::Streebog512 => {
                type $h = Streebog512;
                $body
            }
            PbeHash::Gost94 => {
                type $h = Gost94CryptoPro;
                $body
            }
        }
    };
}

impl PbeHash {
    /// The hash a digest OID names (PFX MacData).
    pub(crate) fn from_digest_oid(oid: &Oid) -> Option<Self> {
        Some(match *oid {
            oids::SHA1 => PbeHash::Sha1,
            oids::SHA224 => PbeHash::Sha224,
            oids::SHA256 => PbeHash::Sha256,
            oids::SHA384 => PbeHash::Sha384,
            oids::SHA512 => PbeHash::Sha512,
            oids::STREEBOG256 => PbeHash::Streebog256,
            oids::STREEBOG512 => PbeHash::Streebog512,
            oids::GOST94 => PbeHash::Gost94,
            _ => return None,
        })
    }

    /// The hash an HMAC OID names (PBKDF2 PRF).
    pub(crate) fn from_hmac_oid(oid: &Oid) -> Option<Self> {
        Some(match *oid {
            oids::HMAC_SHA1 => PbeHash::Sha1,
            oids::HMAC_SHA224 => PbeHash::Sha224,
            oids::HMAC_SHA256 => PbeHash::Sha256,
            oids::HMAC_SHA384 => PbeHash::Sha384,
            oids::HMAC_SHA512 => PbeHash::Sha512,
            oids::HMAC_STREEBOG256 => PbeHash::Streebog256,
            oids::HMAC_STREEBOG512 => PbeHash::Streebog512,
            oids::HMAC_GOST94 => PbeHash::Gost94,
            _ => return None,
        })
    }

    /// True for the GOST hashes (their PFX MAC keys come from PBKDF2 in
    /// the TC26 profile).
    pub(crate) fn is_gost(self) -> bool {
        matches!(
            self,
            PbeHash::Streebog256 | PbeHash::Streebog512 | PbeHash::Gost94
        )
    }

    /// HMAC of `data` under `key`.
    pub(crate) fn hmac(self, key: &[u8], data: &[u8]) -> Zeroizing<Vec<u8>> {
        with_hash!(self, H => {
            let mut mac = <hmac::Hmac<H> as KeyInit>::new_from_slice(key)
                .expect("HMAC takes keys of any length");
            mac.update(data);
            Zeroizing::new(mac.finalize().into_bytes().to_vec())
        })
    }

    /// PBKDF2 with HMAC over this hash.
    pub(crate) fn pbkdf2(self, password: &[u8], salt: &[u8], rounds: u32, out: &mut [u8]) {
        with_hash!(self, H => pbkdf2::pbkdf2_hmac::<H>(password, salt, rounds, out))
    }

    /// The PKCS#12 key-derivation function (RFC 7292 appendix B.2).
    /// `password` is already encoded (BMPString with its two-zero-byte
    /// terminator, or empty); `id` is 1 (key), 2 (IV) or 3 (MAC key).
    pub(crate) fn pkcs12_kdf(
        self,
        password: &[u8],
        salt: &[u8],
        id: u8,
        rounds: u32,
        out: &mut [u8],
    ) {
        with_hash!(self, H => pkcs12_kdf::<H>(password, salt, id, rounds, out))
    }
}

/// RFC 7292 B.2 over a hash with output u and block v bytes:
/// I = S || P (salt and password each repeated to a multiple of v);
/// A_i = H^r(D || I) with D = v copies of `id`; then every v-byte block
/// I_j of I becomes (I_j + B + 1) mod 2^(8v), B = A_i repeated to v bytes.
fn pkcs12_kdf<H: EagerHash>(password: &[u8], salt: &[u8], id: u8, rounds: u32, out: &mut [u8]) {
    let v = <H as digest::block_api::BlockSizeUser>::BlockSize::USIZE;
    let u = <H as digest::OutputSizeUser>::OutputSize::USIZE;
    let stretch = |s: &[u8]| -> Zeroizing<Vec<u8>> {
        let len = s.len().div_ceil(v) * v;
        Zeroizing::new(s.iter().copied().cycle().take(len).collect())
    };
    let mut i_buf = stretch(salt);
    i_buf.extend_from_slice(&stretch(password));
    let d = vec![id; v];
    for chunk in out.chunks_mut(u) {
        let mut hasher = H::new();
        Digest::update(&mut hasher, &d);
        Digest::update(&mut hasher, i_buf.as_slice());
        let mut a = Zeroizing::new(hasher.finalize().to_vec());
        for _ in 1..rounds {
            let next = H::digest(a.as_slice()).to_vec();
            a.copy_from_slice(&next);
            drop(Zeroizing::new(next));
        }
        chunk.copy_from_slice(&a[..chunk.len()]);
        if i_buf.is_empty() {
            continue;
        }
        let b: Zeroizing<Vec<u8>> = Zeroizing::new(a.iter().copied().cycle().take(v).collect());
        for block in i_buf.chunks_mut(v) {
            // block = block + b + 1, big-endian, modulo 2^(8v).
            let mut carry = 1u16;
            for (x, y) in block.iter_mut().rev().zip(b.iter().rev()) {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = sum as u8;
                carry = sum >> 8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbkdf2_known_answers() {
        let mut out = [0u8; 64];
        PbeHash::Streebog512.pbkdf2(b"password", b"salt", 2, &mut out);
        assert_eq!(
            hex::encode(out),
            "5a585bafdfbb6e8830d6d68aa3b43ac00d2e4aebce01c9b31c2caed56f0236d4\
             d34b2b8fbd2c4e89d54d46f50e47d45bbac301571743119e8d3c42ba66d348de"
        );
        let mut out = [0u8; 32];
        PbeHash::Gost94.pbkdf2(b"password", b"salt", 2, &mut out);
        assert_eq!(
            hex::encode(out),
            "990dfa2bd965639ba48b07b792775df79f2db34fef25f274378872fed7ed1bb3"
        );
    }

    /// RFC 7292 B.2 with SHA-1: a widely published vector (password "smeg"
    /// as BMPString, salt 0a58cf64530d823f, 1 iteration, ID 1, 24 bytes).
    #[test]
    fn pkcs12_kdf_sha1_known_answer() {
        let password = [0, b's', 0, b'm', 0, b'e', 0, b'g', 0, 0];
        let mut out = [0u8; 24];
        PbeHash::Sha1.pkcs12_kdf(
            &password,
            &hex::decode("0a58cf64530d823f").unwrap(),
            1,
            1,
            &mut out,
        );
        assert_eq!(
            hex::encode(out),
            "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3"
        );
    }

    #[test]
    fn iteration_bounds() {
        assert!(iterations(0, "t").is_err());
        assert!(iterations(u64::from(u32::MAX) + 1, "t").is_err());
        assert!(check_limit(DEFAULT_MAX_ITERATIONS + 1, DEFAULT_MAX_ITERATIONS, "t").is_err());
        assert!(check_limit(DEFAULT_MAX_ITERATIONS, DEFAULT_MAX_ITERATIONS, "t").is_ok());
        assert_eq!(iterations(2048, "t").unwrap(), 2048);
    }
}
