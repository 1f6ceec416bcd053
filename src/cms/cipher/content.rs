//! The content-encryption schemes of PBES2 and CMS EnvelopedData, keyed:
//! AES-128/192/256-CBC, DES-EDE3-CBC, GOST 28147-89 CFB with CryptoPro key
//! meshing, Kuznyechik / Magma CTR-ACPKM and their -OMAC variants
//! (R 1323565.1.026: keys from KDF_TREE_GOSTR3411_2012_256(K, "kdf tree",
//! ukm[n/2..], 2), the last block of the decrypted stream is an OMAC tag
//! over the plaintext). Password-based key derivation is `import::pbe`'s.

use cipher::block_padding::Pkcs7;
use cipher::{BlockModeDecrypt, KeyIvInit};
use der::asn1::ObjectIdentifier as Oid;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::acpkm::AcpkmCipher;
use super::gost_kdf;
use super::gost28147::{Gost28147, ParamSet};
use crate::encoding::der::{self as d, tag};
use crate::error::{Error, Result};

/// OIDs of the encryption schemes.
pub(crate) mod oids {
    use der::asn1::ObjectIdentifier as Oid;
    pub const AES128_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.2");
    pub const AES192_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.22");
    pub const AES256_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.42");
    pub const DES_EDE3_CBC: Oid = Oid::new_unwrap("1.2.840.113549.3.7");
    pub const GOST28147: Oid = Oid::new_unwrap("1.2.643.2.2.21");
    pub const KUZNYECHIK_CTR_ACPKM: Oid = Oid::new_unwrap("1.2.643.7.1.1.5.2.1");
    pub const KUZNYECHIK_CTR_ACPKM_OMAC: Oid = Oid::new_unwrap("1.2.643.7.1.1.5.2.2");
    pub const MAGMA_CTR_ACPKM: Oid = Oid::new_unwrap("1.2.643.7.1.1.5.1.1");
    pub const MAGMA_CTR_ACPKM_OMAC: Oid = Oid::new_unwrap("1.2.643.7.1.1.5.1.2");
}

const WHAT: &str = "encryption algorithm";

/// The OID of an AlgorithmIdentifier content and its parameters' bytes.
pub(crate) fn split_algorithm<'a>(alg: &'a [u8], what: &'static str) -> Result<(Oid, &'a [u8])> {
    let (oid, params) = d::expect(alg, tag::OID, what)?;
    Ok((d::oid(oid.content, what)?, params))
}

/// Decrypts CMS content (EnvelopedData's encryptedContent) under a content
/// key: `alg` is contentEncryptionAlgorithm's content, one of the PBES2
/// encryption schemes. The -OMAC modes are refused: in CMS their tag
/// travels in an attribute, not in the stream.
pub(crate) fn decrypt_content(
    alg: &[u8],
    key: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let (oid, params) = split_algorithm(alg, "contentEncryptionAlgorithm")?;
    let scheme = Scheme::parse(oid, params)?;
    if let Scheme::CtrAcpkm { omac: true, .. } = scheme {
        return Err(Error::Unsupported(format!(
            "content encryption {oid}: CTR-ACPKM-OMAC in EnvelopedData (its MAC is an \
             attribute) is not read"
        )));
    }
    if key.len() != scheme.key_len() {
        return Err(Error::Length {
            what: "content-encryption key",
            expected: scheme.key_len(),
            got: key.len(),
        });
    }
    scheme.decrypt(key, ciphertext)
}

/// A PBES2 encryption scheme with its parameters.
pub(crate) enum Scheme<'a> {
    AesCbc {
        key_len: usize,
        iv: &'a [u8],
    },
    Des3Cbc {
        iv: &'a [u8],
    },
    Gost28147Cfb {
        iv: &'a [u8],
        set: ParamSet,
    },
    CtrAcpkm {
        cipher: AcpkmCipher,
        ukm: &'a [u8],
        omac: bool,
    },
}

impl<'a> Scheme<'a> {
    pub(crate) fn parse(oid: Oid, params: &'a [u8]) -> Result<Self> {
        let octets = |what: &'static str| -> Result<&'a [u8]> {
            Ok(d::expect_only(params, tag::OCTET_STRING, what)?.content)
        };
        Ok(match oid {
            oids::AES128_CBC | oids::AES192_CBC | oids::AES256_CBC => {
                let key_len = match oid {
                    oids::AES128_CBC => 16,
                    oids::AES192_CBC => 24,
                    _ => 32,
                };
                Scheme::AesCbc {
                    key_len,
                    iv: fixed(octets("AES-CBC IV")?, 16, "AES-CBC IV")?,
                }
            }
            oids::DES_EDE3_CBC => Scheme::Des3Cbc {
                iv: fixed(octets("DES-EDE3-CBC IV")?, 8, "DES-EDE3-CBC IV")?,
            },
            oids::GOST28147 => {
                // Gost28147-89-Parameters ::= SEQUENCE { iv OCTET STRING (8), paramSet OID }
                let seq = d::expect_only(params, tag::SEQUENCE, "GOST 28147-89 parameters")?;
                let (iv, rest) = d::expect(seq.content, tag::OCTET_STRING, "GOST 28147-89 IV")?;
                let set = d::expect_only(rest, tag::OID, "GOST 28147-89 parameter set")?;
                let set = ParamSet::from_oid(&d::oid(set.content, "GOST 28147-89 parameter set")?)?;
                Scheme::Gost28147Cfb {
                    iv: fixed(iv.content, 8, "GOST 28147-89 IV")?,
                    set,
                }
            }
            oids::KUZNYECHIK_CTR_ACPKM
            | oids::KUZNYECHIK_CTR_ACPKM_OMAC
            | oids::MAGMA_CTR_ACPKM
            | oids::MAGMA_CTR_ACPKM_OMAC => {
                let cipher = if matches!(
                    oid,
                    oids::KUZNYECHIK_CTR_ACPKM | oids::KUZNYECHIK_CTR_ACPKM_OMAC
                ) {
                    AcpkmCipher::Kuznyechik
                } else {
                    AcpkmCipher::Magma
                };
                let omac = matches!(
                    oid,
                    oids::KUZNYECHIK_CTR_ACPKM_OMAC | oids::MAGMA_CTR_ACPKM_OMAC
                );
                // GostR3412-15-Encryption-Parameters ::= SEQUENCE { ukm OCTET STRING }
                let seq = d::expect_only(params, tag::SEQUENCE, "CTR-ACPKM parameters")?;
                let ukm = d::expect_only(seq.content, tag::OCTET_STRING, "CTR-ACPKM ukm")?.content;
                let half = cipher.block_len() / 2;
                if ukm.len() < half + if omac { 8 } else { 0 } || ukm.len() > 64 {
                    return Err(Error::encoding(
                        "CTR-ACPKM ukm",
                        format!("{} bytes is too short or too long", ukm.len()),
                    ));
                }
                Scheme::CtrAcpkm { cipher, ukm, omac }
            }
            other => {
                return Err(Error::Unsupported(format!(
                    "PBES2 encryption scheme {other} (supported: AES-CBC, DES-EDE3-CBC, \
                     GOST 28147-89 CFB, Kuznyechik/Magma CTR-ACPKM[-OMAC])"
                )));
            }
        })
    }

    pub(crate) fn key_len(&self) -> usize {
        match self {
            Scheme::AesCbc { key_len, .. } => *key_len,
            Scheme::Des3Cbc { .. } => 24,
            Scheme::Gost28147Cfb { .. } | Scheme::CtrAcpkm { .. } => 32,
        }
    }

    pub(crate) fn decrypt(&self, key: &[u8], ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let mut buf = Zeroizing::new(ciphertext.to_vec());
        match self {
            Scheme::AesCbc { key_len, iv } => match key_len {
                16 => cbc_unpad::<cbc::Decryptor<aes::Aes128>>(key, iv, buf),
                24 => cbc_unpad::<cbc::Decryptor<aes::Aes192>>(key, iv, buf),
                _ => cbc_unpad::<cbc::Decryptor<aes::Aes256>>(key, iv, buf),
            },
            Scheme::Des3Cbc { iv } => cbc_unpad::<cbc::Decryptor<des::TdesEde3>>(key, iv, buf),
            Scheme::Gost28147Cfb { iv, set } => {
                Gost28147::new(*set, key)?.cfb_decrypt(iv, &mut buf, true)?;
                Ok(buf)
            }
            Scheme::CtrAcpkm { cipher, ukm, omac } => {
                let half = cipher.block_len() / 2;
                let iv = &ukm[..half];
                if !omac {
                    cipher.ctr_acpkm(key, iv, &mut buf)?;
                    return Ok(buf);
                }
                let n = cipher.block_len();
                if buf.len() < n {
                    return Err(Error::encoding(
                        "CTR-ACPKM-OMAC ciphertext",
                        "shorter than its OMAC tag",
                    ));
                }
                let keys = gost_kdf::kdf_tree_gostr3411_2012_256(key, b"kdf tree", &ukm[half..], 2);
                cipher.ctr_acpkm(&keys[..32], iv, &mut buf)?;
                let split = buf.len() - n;
                let tag = cipher.omac(&keys[32..64], &buf[..split])?;
                if !bool::from(tag.as_slice().ct_eq(&buf[split..])) {
                    return Err(Error::WrongSecret("OMAC check failed".into()));
                }
                buf.truncate(split);
                Ok(buf)
            }
        }
    }
}

fn fixed<'a>(v: &'a [u8], len: usize, what: &'static str) -> Result<&'a [u8]> {
    if v.len() != len {
        return Err(Error::Length {
            what,
            expected: len,
            got: v.len(),
        });
    }
    Ok(v)
}

pub(crate) fn bad_padding() -> Error {
    Error::WrongSecret("padding check failed after decryption".into())
}

/// CBC decryption with PKCS#7 padding removal, in place.
pub(crate) fn cbc_unpad<M: KeyIvInit + BlockModeDecrypt>(
    key: &[u8],
    iv: &[u8],
    mut buf: Zeroizing<Vec<u8>>,
) -> Result<Zeroizing<Vec<u8>>> {
    let mode = M::new_from_slices(key, iv)
        .map_err(|_| Error::encoding(WHAT, "bad key or IV length for CBC"))?;
    let len = mode
        .decrypt_padded::<Pkcs7>(&mut buf)
        .map_err(|_| bad_padding())?
        .len();
    buf.truncate(len);
    Ok(buf)
}
