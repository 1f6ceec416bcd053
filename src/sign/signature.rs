//! The signature value: s || r, big-endian, and CryptoAPI's reversed form.
//!
//! Why apart: parsing and encoding a signature needs neither key.

use core::fmt;

use signature::SignatureEncoding;

use crate::curve::KeySize;
use crate::error::{Error, Result};
use crate::field::limbs;

/// A signature: s || r, each big-endian and as wide as the curve.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    pub(super) size: KeySize,
    pub(super) bytes: [u8; 128],
}

impl Signature {
    pub(super) fn from_limbs<const N: usize>(size: KeySize, r: &[u64; N], s: &[u64; N]) -> Self {
        let n = size.coordinate_len();
        let mut bytes = [0u8; 128];
        limbs::write_be_bytes(s, &mut bytes[..n]);
        limbs::write_be_bytes(r, &mut bytes[n..2 * n]);
        Signature { size, bytes }
    }

    /// Parses s || r (64 bytes for 256-bit keys, 128 for 512-bit keys).
    /// Range checks happen at verification.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let size = match bytes.len() {
            64 => KeySize::Bits256,
            128 => KeySize::Bits512,
            got => {
                return Err(Error::Length {
                    what: "signature (s || r; 64 bytes, or 128 for 512-bit keys)",
                    expected: 64,
                    got,
                });
            }
        };
        let mut out = [0u8; 128];
        out[..bytes.len()].copy_from_slice(bytes);
        Ok(Signature { size, bytes: out })
    }

    /// Parses the CryptoAPI / CryptoPro CSP blob LE(r) || LE(s), the full
    /// byte reversal of s || r.
    pub fn from_reversed(bytes: &[u8]) -> Result<Self> {
        let mut v = bytes.to_vec();
        v.reverse();
        Self::from_slice(&v)
    }

    /// s || r.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.size.signature_len()]
    }

    /// LE(r) || LE(s), the CryptoAPI order.
    pub fn to_reversed(&self) -> Vec<u8> {
        let mut v = self.as_bytes().to_vec();
        v.reverse();
        v
    }

    /// r, big-endian.
    pub fn r_be(&self) -> &[u8] {
        &self.as_bytes()[self.size.coordinate_len()..]
    }

    /// s, big-endian.
    pub fn s_be(&self) -> &[u8] {
        &self.as_bytes()[..self.size.coordinate_len()]
    }

    /// The key size this signature belongs to.
    pub fn key_size(&self) -> KeySize {
        self.size
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", hex::encode(self.as_bytes()))
    }
}

impl TryFrom<&[u8]> for Signature {
    type Error = signature::Error;
    fn try_from(bytes: &[u8]) -> core::result::Result<Self, signature::Error> {
        Signature::from_slice(bytes).map_err(signature::Error::from_source)
    }
}

impl From<Signature> for Vec<u8> {
    fn from(sig: Signature) -> Vec<u8> {
        sig.as_bytes().to_vec()
    }
}

impl SignatureEncoding for Signature {
    type Repr = Vec<u8>;
}
