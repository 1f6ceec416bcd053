//! CTR-ACPKM (GOST R 34.13-2015 counter mode with the ACPKM key update of
//! R 1323565.1.017-2018 / RFC 8645) and OMAC, for Kuznyechik and Magma,
//! as the TC26 PFX / PBES2 profile uses them.
//!
//! CTR: the counter block starts as IV || 0 (IV is half a block) and is
//! incremented as one big-endian integer; keystream block i = E_K(CTR_i).
//! ACPKM: after every section of N bytes the key is replaced by
//! E_K(D_1) || E_K(D_2) || ... (32 bytes), D = 0x80, 0x81, ..., 0x9F.
//!
//! The ciphers are RustCrypto's `kuznyechik` and `magma` (GOST R 34.12-2015
//! byte order, which these modes use); OMAC is RustCrypto's `cmac`.

use cipher::consts::U32;
use cipher::{Array, BlockCipherEncrypt, BlockSizeUser, KeyInit};
use cmac::Mac;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

/// The block cipher of a CTR-ACPKM scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AcpkmCipher {
    /// Kuznyechik, 16-byte blocks, sections of 256 KiB.
    Kuznyechik,
    /// Magma, 8-byte blocks, sections of 8 KiB.
    Magma,
}

impl AcpkmCipher {
    /// Block size n in bytes.
    pub(crate) fn block_len(self) -> usize {
        match self {
            AcpkmCipher::Kuznyechik => 16,
            AcpkmCipher::Magma => 8,
        }
    }

    fn section_len(self) -> usize {
        match self {
            AcpkmCipher::Kuznyechik => 256 * 1024,
            AcpkmCipher::Magma => 8 * 1024,
        }
    }

    /// Encrypts or decrypts `data` in place in CTR-ACPKM under `key`
    /// (32 bytes) with an IV of half a block.
    pub(crate) fn ctr_acpkm(self, key: &[u8], iv: &[u8], data: &mut [u8]) -> Result<()> {
        self.counter_mode(key, iv, data, self.section_len())
    }

    /// Plain CTR (no key update) under `key` with an IV of half a block:
    /// what the KExp15 key wrap uses.
    pub(crate) fn ctr(self, key: &[u8], iv: &[u8], data: &mut [u8]) -> Result<()> {
        self.counter_mode(key, iv, data, usize::MAX)
    }

    /// CTR with the key updated every `section` bytes (never: usize::MAX).
    fn counter_mode(self, key: &[u8], iv: &[u8], data: &mut [u8], section: usize) -> Result<()> {
        let key: &[u8; 32] = key.try_into().map_err(|_| Error::Length {
            what: "CTR key",
            expected: 32,
            got: key.len(),
        })?;
        if iv.len() != self.block_len() / 2 {
            return Err(Error::Length {
                what: "CTR IV",
                expected: self.block_len() / 2,
                got: iv.len(),
            });
        }
        match self {
            AcpkmCipher::Kuznyechik => ctr_acpkm::<kuznyechik::Kuznyechik>(key, iv, data, section),
            AcpkmCipher::Magma => ctr_acpkm::<magma::Magma>(key, iv, data, section),
        }
        Ok(())
    }

    /// OMAC (CMAC) of `data` under `key`: n bytes.
    pub(crate) fn omac(self, key: &[u8], data: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let bad_key = |_| Error::Length {
            what: "OMAC key",
            expected: 32,
            got: key.len(),
        };
        Ok(Zeroizing::new(match self {
            AcpkmCipher::Kuznyechik => {
                let mut mac = <cmac::Cmac<kuznyechik::Kuznyechik> as KeyInit>::new_from_slice(key)
                    .map_err(bad_key)?;
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
            AcpkmCipher::Magma => {
                let mut mac =
                    <cmac::Cmac<magma::Magma> as KeyInit>::new_from_slice(key).map_err(bad_key)?;
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
        }))
    }
}

fn ctr_acpkm<C: BlockCipherEncrypt + KeyInit<KeySize = U32>>(
    key: &[u8; 32],
    iv: &[u8],
    data: &mut [u8],
    section: usize,
) {
    let n = <C as BlockSizeUser>::block_size();
    let mut current = Zeroizing::new(*key);
    let mut cipher = C::new(&Array::from(*current));
    let mut counter = Array::<u8, C::BlockSize>::default();
    counter[..iv.len()].copy_from_slice(iv);
    for (index, chunk) in data.chunks_mut(n).enumerate() {
        if index > 0 && (index * n).is_multiple_of(section) {
            // ACPKM: K' = E_K(D_1) || E_K(D_2) || ..., D = 0x80..0x9F.
            let mut next = Zeroizing::new([0u8; 32]);
            for (j, out) in next.chunks_mut(n).enumerate() {
                let mut d = Array::<u8, C::BlockSize>::default();
                for (k, byte) in d.iter_mut().enumerate() {
                    *byte = 0x80 + (j * n + k) as u8;
                }
                cipher.encrypt_block(&mut d);
                out.copy_from_slice(&d);
                d.zeroize();
            }
            *current = *next;
            cipher = C::new(&Array::from(*current));
        }
        let mut keystream = counter.clone();
        cipher.encrypt_block(&mut keystream);
        for (byte, k) in chunk.iter_mut().zip(keystream.iter()) {
            *byte ^= k;
        }
        keystream.zeroize();
        // Big-endian increment of the whole block.
        for byte in counter.iter_mut().rev() {
            *byte = byte.wrapping_add(1);
            if *byte != 0 {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GOST R 34.13-2015 A.1.2 (Kuznyechik CTR), first block, and
    /// A.2.2 (Magma CTR): the first section behaves as plain CTR.
    #[test]
    fn ctr_matches_gost_34_13_examples() {
        let key = hex::decode("8899aabbccddeeff0011223344556677fedcba98765432100123456789abcdef")
            .unwrap();
        let mut data = hex::decode("1122334455667700ffeeddccbbaa9988").unwrap();
        AcpkmCipher::Kuznyechik
            .ctr_acpkm(&key, &hex::decode("1234567890abcef0").unwrap(), &mut data)
            .unwrap();
        assert_eq!(hex::encode(&data), "f195d8bec10ed1dbd57b5fa240bda1b8");

        let key = hex::decode("ffeeddccbbaa99887766554433221100f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
            .unwrap();
        let mut data = hex::decode("92def06b3c130a59").unwrap();
        AcpkmCipher::Magma
            .ctr_acpkm(&key, &hex::decode("12345678").unwrap(), &mut data)
            .unwrap();
        assert_eq!(hex::encode(&data), "4e98110c97b7b93c");
    }

    /// GOST R 34.13-2015 A.1.6 / A.2.6: OMAC examples.
    #[test]
    fn omac_matches_gost_34_13_examples() {
        let key = hex::decode("8899aabbccddeeff0011223344556677fedcba98765432100123456789abcdef")
            .unwrap();
        let data = hex::decode(
            "1122334455667700ffeeddccbbaa998800112233445566778899aabbcceeff0a\
             112233445566778899aabbcceeff0a002233445566778899aabbcceeff0a0011",
        )
        .unwrap();
        let tag = AcpkmCipher::Kuznyechik.omac(&key, &data).unwrap();
        assert_eq!(hex::encode(&tag[..8]), "336f4d296059fbe3");

        let key = hex::decode("ffeeddccbbaa99887766554433221100f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
            .unwrap();
        let data = hex::decode("92def06b3c130a59db54c704f8189d204a98fb2e67a8024c8912409b17b57e41")
            .unwrap();
        let tag = AcpkmCipher::Magma.omac(&key, &data).unwrap();
        assert_eq!(hex::encode(&tag[..4]), "154e7210");
    }

    #[test]
    fn acpkm_key_update_applies_per_section() {
        let key = [7u8; 32];
        let mut long = vec![0u8; 8 * 1024 + 8];
        AcpkmCipher::Magma
            .ctr_acpkm(&key, &[1, 2, 3, 4], &mut long)
            .unwrap();
        // Same counter, keystream from the original key: differs after the section.
        let mut plain_ctr = vec![0u8; 8 * 1024 + 8];
        ctr_acpkm::<magma::Magma>(&key, &[1, 2, 3, 4], &mut plain_ctr, usize::MAX);
        assert_eq!(long[..8192], plain_ctr[..8192]);
        assert_ne!(long[8192..], plain_ctr[8192..]);
    }
}
