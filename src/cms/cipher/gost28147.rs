//! GOST 28147-89 as CryptoPro containers, CryptoPro PFX and the older GOST
//! PBES2 files use it, on top of RustCrypto's `magma` block cipher.
//!
//! Byte order. These formats use the classic RFC 5830 convention: the key
//! is eight little-endian 32-bit words K0..K7 and a block is the pair
//! N1 = LE(bytes 0..4), N2 = LE(bytes 4..8). The `magma` crate follows
//! GOST R 34.12-2015 instead (big-endian words, N1 in bytes 4..8). The two
//! meet exactly when every key word is byte-reversed and the whole block
//! is reversed on the way in and out:
//!
//! ```text
//! E_classic(K, B) = rev8( E_magma(rev4_words(K), rev8(B)) )
//! ```
//!
//! Modes provided: ECB (key blobs), CFB with CryptoPro key meshing
//! (RFC 4357 section 2.3.2) and the 16-round MAC ("imitovstavka",
//! RFC 5830 section 8). The MAC runs half the cipher's rounds, which no
//! block-cipher API exposes, so its round function is written here around
//! the crate's own S-box tables.

use cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use der::asn1::ObjectIdentifier as Oid;
use magma::{Gost89, Gost89CryptoProA, Gost89CryptoProB, Gost89CryptoProC, Gost89CryptoProD};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

/// The S-box (parameter set) of a GOST 28147-89 key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamSet {
    /// id-tc26-gost-28147-param-Z (1.2.643.7.1.2.5.1.1), the Magma S-box.
    Z,
    /// id-Gost28147-89-CryptoPro-A-ParamSet (1.2.643.2.2.31.1), "E-A".
    CryptoProA,
    /// id-Gost28147-89-CryptoPro-B-ParamSet (1.2.643.2.2.31.2).
    CryptoProB,
    /// id-Gost28147-89-CryptoPro-C-ParamSet (1.2.643.2.2.31.3).
    CryptoProC,
    /// id-Gost28147-89-CryptoPro-D-ParamSet (1.2.643.2.2.31.4).
    CryptoProD,
}

/// OIDs of the parameter sets.
pub mod oids {
    use der::asn1::ObjectIdentifier as Oid;
    /// id-tc26-gost-28147-param-Z.
    pub const PARAM_Z: Oid = Oid::new_unwrap("1.2.643.7.1.2.5.1.1");
    /// id-Gost28147-89-CryptoPro-A-ParamSet.
    pub const PARAM_A: Oid = Oid::new_unwrap("1.2.643.2.2.31.1");
    /// id-Gost28147-89-CryptoPro-B-ParamSet.
    pub const PARAM_B: Oid = Oid::new_unwrap("1.2.643.2.2.31.2");
    /// id-Gost28147-89-CryptoPro-C-ParamSet.
    pub const PARAM_C: Oid = Oid::new_unwrap("1.2.643.2.2.31.3");
    /// id-Gost28147-89-CryptoPro-D-ParamSet.
    pub const PARAM_D: Oid = Oid::new_unwrap("1.2.643.2.2.31.4");
}

impl ParamSet {
    /// The parameter set named by `oid`.
    pub fn from_oid(oid: &Oid) -> Result<Self> {
        Ok(match *oid {
            oids::PARAM_Z => ParamSet::Z,
            oids::PARAM_A => ParamSet::CryptoProA,
            oids::PARAM_B => ParamSet::CryptoProB,
            oids::PARAM_C => ParamSet::CryptoProC,
            oids::PARAM_D => ParamSet::CryptoProD,
            other => {
                return Err(Error::Unsupported(format!(
                    "GOST 28147-89 parameter set {other} (known: Z {}, CryptoPro-A..D {}..4)",
                    oids::PARAM_Z,
                    oids::PARAM_A
                )));
            }
        })
    }
}

/// The constant C of CryptoPro key meshing (RFC 4357 section 2.3.2).
const MESHING_CONSTANT: [u8; 32] = [
    0x69, 0x00, 0x72, 0x22, 0x64, 0xC9, 0x04, 0x23, 0x8D, 0x3A, 0xDB, 0x96, 0x46, 0xE9, 0x2A, 0xC4,
    0x18, 0xFE, 0xAC, 0x94, 0x00, 0xED, 0x07, 0x12, 0xC0, 0x86, 0xDC, 0xC2, 0xEF, 0x4C, 0xA9, 0x2B,
];

/// Bytes processed under one key before CryptoPro meshing replaces it.
const MESHING_PERIOD: usize = 1024;

/// Names the S-box type behind one of `magma`'s cipher aliases.
trait SboxOf {
    type S: magma::Sbox;
}

impl<S: magma::Sbox> SboxOf for Gost89<S> {
    type S = S;
}

type SmallSbox = [[u8; 16]; 8];

fn sbox_table(set: ParamSet) -> &'static SmallSbox {
    use magma::Sbox;
    match set {
        ParamSet::Z => &<<magma::Magma as SboxOf>::S as Sbox>::SBOX,
        ParamSet::CryptoProA => &<<Gost89CryptoProA as SboxOf>::S as Sbox>::SBOX,
        ParamSet::CryptoProB => &<<Gost89CryptoProB as SboxOf>::S as Sbox>::SBOX,
        ParamSet::CryptoProC => &<<Gost89CryptoProC as SboxOf>::S as Sbox>::SBOX,
        ParamSet::CryptoProD => &<<Gost89CryptoProD as SboxOf>::S as Sbox>::SBOX,
    }
}

enum Inner {
    Z(magma::Magma),
    A(Gost89CryptoProA),
    B(Gost89CryptoProB),
    C(Gost89CryptoProC),
    D(Gost89CryptoProD),
}

macro_rules! with_cipher {
    ($inner:expr, $c:ident => $body:expr) => {
        match $inner {
            Inner::Z($c) => $body,
            Inner::A($c) => $body,
            Inner::B($c) => $body,
            Inner::C($c) => $body,
            Inner::D($c) => $body,
        }
    };
}

/// A GOST 28147-89 key with its S-box, in the classic byte order.
pub struct Gost28147 {
    set: ParamSet,
    /// The key as given (classic order), kept for the MAC and for meshing.
    key: Zeroizing<[u8; 32]>,
    inner: Inner,
}

impl Gost28147 {
    /// A cipher under a 32-byte key.
    pub fn new(set: ParamSet, key: &[u8]) -> Result<Self> {
        let key: [u8; 32] = key.try_into().map_err(|_| Error::Length {
            what: "GOST 28147-89 key",
            expected: 32,
            got: key.len(),
        })?;
        let key = Zeroizing::new(key);
        let mut swapped = Zeroizing::new(*key);
        for word in swapped.chunks_exact_mut(4) {
            word.reverse();
        }
        let k = Array::from(*swapped);
        let inner = match set {
            ParamSet::Z => Inner::Z(magma::Magma::new(&k)),
            ParamSet::CryptoProA => Inner::A(Gost89CryptoProA::new(&k)),
            ParamSet::CryptoProB => Inner::B(Gost89CryptoProB::new(&k)),
            ParamSet::CryptoProC => Inner::C(Gost89CryptoProC::new(&k)),
            ParamSet::CryptoProD => Inner::D(Gost89CryptoProD::new(&k)),
        };
        let mut k = k;
        k.zeroize();
        Ok(Gost28147 { set, key, inner })
    }

    /// Encrypts one 8-byte block in place.
    pub fn encrypt_block(&self, block: &mut [u8; 8]) {
        block.reverse();
        let mut b = Array::from(*block);
        with_cipher!(&self.inner, c => c.encrypt_block(&mut b));
        *block = b.into();
        b.zeroize();
        block.reverse();
    }

    /// Decrypts one 8-byte block in place.
    pub fn decrypt_block(&self, block: &mut [u8; 8]) {
        block.reverse();
        let mut b = Array::from(*block);
        with_cipher!(&self.inner, c => c.decrypt_block(&mut b));
        *block = b.into();
        b.zeroize();
        block.reverse();
    }

    /// ECB decryption in place; `data` must be whole blocks.
    pub fn ecb_decrypt(&self, data: &mut [u8]) -> Result<()> {
        if !data.len().is_multiple_of(8) {
            return Err(Error::encoding(
                "GOST 28147-89 ECB",
                format!(
                    "{} bytes is not a whole number of 8-byte blocks",
                    data.len()
                ),
            ));
        }
        for chunk in data.chunks_exact_mut(8) {
            let mut block = [0u8; 8];
            block.copy_from_slice(chunk);
            self.decrypt_block(&mut block);
            chunk.copy_from_slice(&block);
            block.zeroize();
        }
        Ok(())
    }

    /// The key CryptoPro meshing turns this one into: K' = D_K(C).
    fn meshed(&self) -> Result<Gost28147> {
        let mut next = Zeroizing::new(MESHING_CONSTANT);
        self.ecb_decrypt(next.as_mut())?;
        Gost28147::new(self.set, next.as_ref())
    }

    /// CFB decryption in place (64-bit feedback), with CryptoPro key meshing
    /// after every 1024 bytes when `meshing` is set: the key becomes
    /// D_K(C) and the feedback register is encrypted once under the new key.
    /// A short last block uses only the keystream bytes it needs.
    pub fn cfb_decrypt(&self, iv: &[u8], data: &mut [u8], meshing: bool) -> Result<()> {
        let mut register: [u8; 8] = iv.try_into().map_err(|_| Error::Length {
            what: "GOST 28147-89 CFB IV",
            expected: 8,
            got: iv.len(),
        })?;
        let mut meshed: Option<Gost28147> = None;
        for (index, chunk) in data.chunks_mut(8).enumerate() {
            if meshing && index > 0 && (index * 8).is_multiple_of(MESHING_PERIOD) {
                let next = meshed.as_ref().unwrap_or(self).meshed()?;
                next.encrypt_block(&mut register);
                meshed = Some(next);
            }
            let cipher = meshed.as_ref().unwrap_or(self);
            let mut keystream = register;
            cipher.encrypt_block(&mut keystream);
            // The next register is this ciphertext block (full blocks only).
            register[..chunk.len()].copy_from_slice(chunk);
            for (byte, k) in chunk.iter_mut().zip(keystream.iter()) {
                *byte ^= k;
            }
            keystream.zeroize();
        }
        register.zeroize();
        Ok(())
    }

    /// The 64-bit MAC value of `data` with initial value `iv`
    /// (RFC 5830 section 8): each zero-padded block is XORed into the state,
    /// which then goes through 16 rounds (K0..K7 twice). Data of one block
    /// or less gets a second, zero block, as OpenSSL's gost engine does.
    /// Callers keep the first 4 bytes.
    pub fn mac(&self, iv: &[u8; 8], data: &[u8]) -> [u8; 8] {
        let sbox = sbox_table(self.set);
        let mut k = [0u32; 8];
        for (word, bytes) in k.iter_mut().zip(self.key.chunks_exact(4)) {
            *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        let mut state = *iv;
        let blocks = data.len().div_ceil(8).max(2);
        for i in 0..blocks {
            let chunk = data.get(i * 8..).unwrap_or(&[]);
            for (s, d) in state.iter_mut().zip(chunk.iter().take(8)) {
                *s ^= d;
            }
            sixteen_rounds(sbox, &k, &mut state);
        }
        k.zeroize();
        state
    }
}

/// The round function f(x) = S(x) <<< 11; nibble i goes through row i.
fn round_f(sbox: &SmallSbox, x: u32) -> u32 {
    let mut out = 0u32;
    for (i, row) in sbox.iter().enumerate() {
        let nibble = ((x >> (4 * i)) & 0xF) as usize;
        out |= u32::from(row[nibble]) << (4 * i);
    }
    out.rotate_left(11)
}

/// 16 rounds of the MAC cycle; the state is N1 || N2, each little-endian.
/// S-box lookups index by secret data, like every table-based GOST 28147
/// implementation (the `magma` crate included); these keys protect data at
/// rest, not a network-facing oracle.
fn sixteen_rounds(sbox: &SmallSbox, k: &[u32; 8], state: &mut [u8; 8]) {
    let mut n1 = u32::from_le_bytes([state[0], state[1], state[2], state[3]]);
    let mut n2 = u32::from_le_bytes([state[4], state[5], state[6], state[7]]);
    for _ in 0..2 {
        for &ki in k {
            let t = round_f(sbox, n1.wrapping_add(ki)) ^ n2;
            n2 = n1;
            n1 = t;
        }
    }
    state[..4].copy_from_slice(&n1.to_le_bytes());
    state[4..].copy_from_slice(&n2.to_le_bytes());
}

/// MAC28147(key, iv, data) truncated to its first 4 bytes.
pub fn mac4(set: ParamSet, key: &[u8], iv: &[u8; 8], data: &[u8]) -> Result<[u8; 4]> {
    let full = Gost28147::new(set, key)?.mac(iv, data);
    Ok([full[0], full[1], full[2], full[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> [u8; 32] {
        core::array::from_fn(|i| i as u8)
    }

    // Sanity values from vectors/cryptopro/README.md (pygost 4.4).
    #[test]
    fn ecb_known_answers() {
        for (set, want) in [
            (ParamSet::Z, "61a716f6245d1a0d"),
            (ParamSet::CryptoProA, "ca208afd71eb39d4"),
        ] {
            let c = Gost28147::new(set, &key()).unwrap();
            let mut block: [u8; 8] = core::array::from_fn(|i| i as u8);
            c.encrypt_block(&mut block);
            assert_eq!(hex::encode(block), want, "{set:?}");
            c.decrypt_block(&mut block);
            assert_eq!(block, core::array::from_fn::<u8, 8, _>(|i| i as u8));
        }
    }

    #[test]
    fn mac_known_answers() {
        for (set, want) in [
            (ParamSet::Z, "da6cbaee6ed39846"),
            (ParamSet::CryptoProA, "160a760eeb1fb8be"),
        ] {
            let c = Gost28147::new(set, &key()).unwrap();
            assert_eq!(hex::encode(c.mac(&[0; 8], &[0; 16])), want, "{set:?}");
        }
    }

    /// GOST R 34.12-2015 Magma example, through the classic-order wrapper:
    /// the wrapper is the crate's cipher with reversed words and blocks.
    #[test]
    fn magma_example_through_byte_reversal() {
        let be_key =
            hex::decode("ffeeddccbbaa99887766554433221100f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
                .unwrap();
        let mut classic_key = be_key.clone();
        for w in classic_key.chunks_exact_mut(4) {
            w.reverse();
        }
        let c = Gost28147::new(ParamSet::Z, &classic_key).unwrap();
        let mut block: [u8; 8] = hex::decode("fedcba9876543210").unwrap().try_into().unwrap();
        block.reverse();
        c.encrypt_block(&mut block);
        block.reverse();
        assert_eq!(hex::encode(block), "4ee901e5c2d8ca3d");
    }

    #[test]
    fn cfb_meshing_changes_only_after_1024_bytes() {
        let c = Gost28147::new(ParamSet::CryptoProA, &key()).unwrap();
        let mut a = vec![0x5au8; 1100];
        let mut b = a.clone();
        c.cfb_decrypt(&[1; 8], &mut a, true).unwrap();
        c.cfb_decrypt(&[1; 8], &mut b, false).unwrap();
        assert_eq!(a[..1024], b[..1024]);
        assert_ne!(a[1024..], b[1024..]);
    }

    #[test]
    fn bad_lengths_are_errors() {
        assert!(Gost28147::new(ParamSet::Z, &[0; 31]).is_err());
        let c = Gost28147::new(ParamSet::Z, &key()).unwrap();
        assert!(c.ecb_decrypt(&mut [0; 7]).is_err());
        assert!(c.cfb_decrypt(&[0; 7], &mut [0; 8], false).is_err());
    }
}
