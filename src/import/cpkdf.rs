//! CPKDF: how CryptoPro CSP turns a container PIN into the key that
//! encrypts `primary.key` (and, salted with the public-key fingerprint,
//! into the PIN check value in `header.key`).
//!
//! With H = Streebog-256 (GOST 2012 containers, work buffer B = 64 bytes)
//! or GOST R 34.11-94 with the CryptoPro parameters (GOST 2001, B = 32),
//! P4 = the PIN with three zero bytes after each byte (left out entirely
//! for an empty PIN) and C0 = "DENEFH028.760246785.IUEFHWUIO.EF" padded
//! with zeros to B bytes:
//!
//! ```text
//! h   = H(salt || P4)
//! C_i = H((C_{i-1} ^ 0x36..) || h || (C_{i-1} ^ 0x5C..) || h)   (zero-padded to B)
//!       for i = 1..N, N = 2000 (N = 2 for an empty PIN)
//! C   = H((C_N ^ 0x36)[..32] || salt || (C_N ^ 0x5C)[..32] || P4)
//! KEK = H(C[..32])
//! ```
//!
//! Only the first 32 bytes of the masked buffers enter the last-but-one
//! step, also for Streebog (checked on the public containers).

use digest::Digest;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::hash::{Gost94CryptoPro, Streebog256};

/// The hash behind CPKDF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CpKdfHash {
    /// Streebog-256: GOST R 34.10-2012 containers.
    Streebog256,
    /// GOST R 34.11-94, CryptoPro parameters: GOST R 34.10-2001 containers.
    Gost94,
}

const SEED: &[u8; 32] = b"DENEFH028.760246785.IUEFHWUIO.EF";

/// CryptoPro tools refuse longer PINs.
pub(crate) const MAX_PIN_LEN: usize = 256;

/// The 32-byte key CPKDF derives from `pin` and `salt`.
pub(crate) fn cpkdf(hash: CpKdfHash, pin: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
    if pin.len() > MAX_PIN_LEN {
        return Err(Error::Unsupported(format!(
            "a PIN of {} bytes (CryptoPro allows at most {MAX_PIN_LEN})",
            pin.len()
        )));
    }
    Ok(match hash {
        CpKdfHash::Streebog256 => derive::<Streebog256, 64>(pin, salt),
        CpKdfHash::Gost94 => derive::<Gost94CryptoPro, 32>(pin, salt),
    })
}

fn derive<H: Digest, const B: usize>(pin: &[u8], salt: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut p4 = Zeroizing::new(vec![0u8; 4 * pin.len()]);
    for (dst, &b) in p4.chunks_exact_mut(4).zip(pin) {
        dst[0] = b;
    }
    let h = Zeroizing::new(
        H::new()
            .chain_update(salt)
            .chain_update(p4.as_slice())
            .finalize(),
    );
    let mut current = Zeroizing::new([0u8; B]);
    current[..32].copy_from_slice(SEED);
    let rounds = if pin.is_empty() { 2 } else { 2000 };
    let mut m36 = Zeroizing::new([0u8; B]);
    let mut m5c = Zeroizing::new([0u8; B]);
    let mask = |c: &[u8; B], m36: &mut [u8; B], m5c: &mut [u8; B]| {
        for ((a, b), &x) in m36.iter_mut().zip(m5c.iter_mut()).zip(c.iter()) {
            *a = x ^ 0x36;
            *b = x ^ 0x5C;
        }
    };
    for _ in 0..rounds {
        mask(&current, &mut m36, &mut m5c);
        let out = Zeroizing::new(
            H::new()
                .chain_update(m36.as_slice())
                .chain_update(h.as_slice())
                .chain_update(m5c.as_slice())
                .chain_update(h.as_slice())
                .finalize(),
        );
        current.fill(0);
        current[..out.len()].copy_from_slice(&out);
    }
    mask(&current, &mut m36, &mut m5c);
    let c = Zeroizing::new(
        H::new()
            .chain_update(&m36[..32])
            .chain_update(salt)
            .chain_update(&m5c[..32])
            .chain_update(p4.as_slice())
            .finalize(),
    );
    let kek = Zeroizing::new(H::digest(&c[..32]));
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&kek[..32]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // vectors/cryptopro/li0ard-kat/meta.json (li0ard/gost kdf.spec.ts).
    #[test]
    fn li0ard_known_answer() {
        let salt = hex::decode("98e4f49415555d8ab20567a0").unwrap();
        let key = cpkdf(CpKdfHash::Streebog256, b"qawsqaws", &salt).unwrap();
        assert_eq!(
            hex::encode(key.as_ref()),
            "b551b39608787399ba85c59c68906b8f83c289ccee3c6141700dfc75ec0fd9f5"
        );
    }

    // The KEKs listed in each container's meta.json (computed there with pygost).
    #[test]
    fn container_keks() {
        for (pin, salt, want) in [
            (
                &b"1xqoyc4e"[..],
                "eef70788da6e529995f57c79",
                "b0eb47c3191f092cf003830b6c32dc1630493062df453f3d1d90f16cb8acfb95",
            ),
            (
                b"",
                "ea209d8d01b3042942393727",
                "05b7d4e80b423ed635248a829f3634ce29f9100a81b987760aa12b5e15fc7892",
            ),
        ] {
            let key = cpkdf(CpKdfHash::Streebog256, pin, &hex::decode(salt).unwrap()).unwrap();
            assert_eq!(hex::encode(key.as_ref()), want);
        }
    }

    /// GOST R 34.11-94 with the CryptoPro parameters (the 2001 branch's
    /// hash), in the byte order the samples use: vectors/cryptopro/README.md.
    #[test]
    fn gost94_cryptopro_known_answers() {
        for (msg, want) in [
            (
                &b""[..],
                "981e5f3ca30c841487830f84fb433e13ac1101569b9c13584ac483234cd656c0",
            ),
            (
                b"abc",
                "b285056dbf18d7392d7677369524dd14747459ed8143997e163b2986f92fd42c",
            ),
        ] {
            assert_eq!(hex::encode(Gost94CryptoPro::digest(msg)), want);
        }
    }

    #[test]
    fn gost94_branch_runs_and_differs() {
        let a = cpkdf(CpKdfHash::Gost94, b"1234", &[7; 12]).unwrap();
        let b = cpkdf(CpKdfHash::Streebog256, b"1234", &[7; 12]).unwrap();
        assert_ne!(a.as_ref(), b.as_ref());
        assert!(cpkdf(CpKdfHash::Gost94, &[b'1'; 257], &[0; 12]).is_err());
    }
}
