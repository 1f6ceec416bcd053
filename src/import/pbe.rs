//! Password-based decryption of PKCS#8 and PFX contents:
//!
//! * PBES2 (RFC 8018) with PBKDF2 (HMAC-SHA-1/2, HMAC-Streebog-256/512,
//!   HMAC-GOST R 34.11-94) and one of: AES-128/192/256-CBC, DES-EDE3-CBC,
//!   GOST 28147-89 CFB with CryptoPro key meshing (parameters: IV and
//!   S-box OID), Kuznyechik / Magma CTR-ACPKM, and their -OMAC variants
//!   (R 1323565.1.026 / the TC26 PFX profile: keys from
//!   KDF_TREE_GOSTR3411_2012_256(K, "kdf tree", ukm[n/2..], 2), the last
//!   block of the decrypted stream is an OMAC tag over the plaintext).
//! * The PKCS#12 PBEs (RFC 7292 appendix C) with SHA-1: 3-key and 2-key
//!   triple DES, RC2-128 and RC2-40 (OpenSSL's and CryptoPro's
//!   certificate bags).
//!
//! Passwords are UTF-8 for PBES2 and a NUL-terminated BMPString for the
//! PKCS#12 PBEs. A wrong password shows as bad padding or a failed OMAC
//! ([`Error::WrongSecret`]); in modes without either (CFB, CTR) the caller
//! sees garbage and reports it when it parses the plaintext.

use cipher::block_padding::Pkcs7;
use cipher::{BlockModeDecrypt, InnerIvInit};
use der::asn1::ObjectIdentifier as Oid;
use zeroize::Zeroizing;

use super::kdf::{self, PbeHash};
use super::options::ImportOptions;
use crate::cms::cipher::{Scheme, bad_padding, cbc_unpad, split_algorithm};
use crate::encoding::der::{self as d, tag};
use crate::error::{Error, Result};

/// OIDs of the schemes.
pub(crate) mod oids {
    use der::asn1::ObjectIdentifier as Oid;
    pub const PBES2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.13");
    pub const PBKDF2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.12");
    pub const PBE_SHA1_RC4_128: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.1");
    pub const PBE_SHA1_RC4_40: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.2");
    pub const PBE_SHA1_3DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.3");
    pub const PBE_SHA1_2DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.4");
    pub const PBE_SHA1_RC2_128: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.5");
    pub const PBE_SHA1_RC2_40: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.6");
    /// CryptoPro's key-bag PBE (handled by `cryptopro_pfx`).
    pub const CRYPTOPRO_PFX_KEY: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.80");
}

const WHAT: &str = "encryption algorithm";

/// Reads a non-negative INTEGER that fits in a u64.
pub(crate) fn small_uint(content: &[u8], what: &'static str) -> Result<u64> {
    let digits = match content {
        [] => return Err(Error::encoding(what, "empty INTEGER")),
        [b, ..] if b & 0x80 != 0 => return Err(Error::encoding(what, "negative INTEGER")),
        [0, rest @ ..] if !rest.is_empty() => rest,
        all => all,
    };
    if digits.len() > 8 {
        return Err(Error::encoding(what, "INTEGER too large"));
    }
    Ok(digits
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// The password as a NUL-terminated BMPString (UTF-16BE), as the PKCS#12
/// KDF wants it.
pub(crate) fn bmp_password(password: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let text = core::str::from_utf8(password).map_err(|_| {
        Error::encoding(
            "password",
            "not UTF-8 (PKCS#12 needs it as a Unicode BMPString)",
        )
    })?;
    let mut out = Zeroizing::new(Vec::with_capacity(2 * text.len() + 2));
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out.extend_from_slice(&[0, 0]);
    Ok(out)
}

/// Decrypts `ciphertext` with the scheme in `alg` (AlgorithmIdentifier
/// content) under `password`.
pub(crate) fn decrypt(
    alg: &[u8],
    password: &[u8],
    ciphertext: &[u8],
    opts: &ImportOptions,
) -> Result<Zeroizing<Vec<u8>>> {
    let (oid, params) = split_algorithm(alg, WHAT)?;
    match oid {
        oids::PBES2 => pbes2(params, password, ciphertext, opts),
        oids::PBE_SHA1_3DES
        | oids::PBE_SHA1_2DES
        | oids::PBE_SHA1_RC2_128
        | oids::PBE_SHA1_RC2_40 => pkcs12_pbe(oid, params, password, ciphertext, opts),
        oids::PBE_SHA1_RC4_128 | oids::PBE_SHA1_RC4_40 => Err(Error::Unsupported(format!(
            "PKCS#12 PBE with RC4 ({oid}); re-export with PBES2"
        ))),
        other => Err(Error::Unsupported(format!(
            "password-based encryption {other} (supported: PBES2, the PKCS#12 SHA-1 PBEs, \
             CryptoPro's {})",
            oids::CRYPTOPRO_PFX_KEY
        ))),
    }
}

fn pbes2(
    params: &[u8],
    password: &[u8],
    ciphertext: &[u8],
    opts: &ImportOptions,
) -> Result<Zeroizing<Vec<u8>>> {
    const P: &str = "PBES2 parameters";
    let seq = d::expect_only(params, tag::SEQUENCE, P)?;
    let (kdf, rest) = d::expect(seq.content, tag::SEQUENCE, "PBES2 keyDerivationFunc")?;
    let enc = d::expect_only(rest, tag::SEQUENCE, "PBES2 encryptionScheme")?;

    let (kdf_oid, kdf_params) = split_algorithm(kdf.content, "PBES2 keyDerivationFunc")?;
    if kdf_oid != oids::PBKDF2 {
        return Err(Error::Unsupported(format!(
            "PBES2 key derivation {kdf_oid} (only PBKDF2 {} is supported)",
            oids::PBKDF2
        )));
    }
    let pbkdf2 = Pbkdf2Params::parse(kdf_params)?;
    let (enc_oid, enc_params) = split_algorithm(enc.content, "PBES2 encryptionScheme")?;
    let scheme = Scheme::parse(enc_oid, enc_params)?;
    if let Some(len) = pbkdf2.key_length
        && len != scheme.key_len() as u64
    {
        return Err(Error::encoding(
            "PBKDF2 keyLength",
            format!("{len}, but {enc_oid} takes {} bytes", scheme.key_len()),
        ));
    }
    kdf::check_limit(
        pbkdf2.iterations,
        opts.max_iterations,
        "PBKDF2 iterationCount",
    )?;
    let mut key = Zeroizing::new(vec![0u8; scheme.key_len()]);
    pbkdf2
        .prf
        .pbkdf2(password, pbkdf2.salt, pbkdf2.iterations, &mut key);
    scheme.decrypt(&key, ciphertext)
}

/// PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER,
/// keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
struct Pbkdf2Params<'a> {
    salt: &'a [u8],
    iterations: u32,
    key_length: Option<u64>,
    prf: PbeHash,
}

impl<'a> Pbkdf2Params<'a> {
    fn parse(params: &'a [u8]) -> Result<Self> {
        const P: &str = "PBKDF2 parameters";
        let seq = d::expect_only(params, tag::SEQUENCE, P)?;
        let (salt, rest) = d::read(seq.content, "PBKDF2 salt")?;
        if salt.tag != tag::OCTET_STRING {
            return Err(Error::Unsupported(
                "PBKDF2 with an otherSource salt (only an OCTET STRING salt)".into(),
            ));
        }
        let (iter, mut rest) = d::expect(rest, tag::INTEGER, "PBKDF2 iterationCount")?;
        let iterations = kdf::iterations(
            small_uint(iter.content, "PBKDF2 iterationCount")?,
            "PBKDF2 iterationCount",
        )?;
        let mut key_length = None;
        let mut prf = PbeHash::Sha1;
        if let Ok((len, next)) = d::expect(rest, tag::INTEGER, "PBKDF2 keyLength") {
            key_length = Some(small_uint(len.content, "PBKDF2 keyLength")?);
            rest = next;
        }
        if !rest.is_empty() {
            let alg = d::expect_only(rest, tag::SEQUENCE, "PBKDF2 prf")?;
            let (oid, _) = split_algorithm(alg.content, "PBKDF2 prf")?;
            prf = PbeHash::from_hmac_oid(&oid).ok_or_else(|| {
                Error::Unsupported(format!("PBKDF2 pseudo-random function {oid}"))
            })?;
        }
        Ok(Pbkdf2Params {
            salt: salt.content,
            iterations,
            key_length,
            prf,
        })
    }
}

/// pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
fn pkcs12_pbe(
    oid: Oid,
    params: &[u8],
    password: &[u8],
    ciphertext: &[u8],
    opts: &ImportOptions,
) -> Result<Zeroizing<Vec<u8>>> {
    const P: &str = "PKCS#12 PBE parameters";
    let seq = d::expect_only(params, tag::SEQUENCE, P)?;
    let (salt, rest) = d::expect(seq.content, tag::OCTET_STRING, "PKCS#12 PBE salt")?;
    let iter = d::expect_only(rest, tag::INTEGER, "PKCS#12 PBE iterations")?;
    let rounds = kdf::iterations(
        small_uint(iter.content, "PKCS#12 PBE iterations")?,
        "PKCS#12 PBE iterations",
    )?;
    kdf::check_limit(rounds, opts.max_iterations, "PKCS#12 PBE iterations")?;
    let bmp = bmp_password(password)?;
    let attempt = |pw: &[u8]| -> Result<Zeroizing<Vec<u8>>> {
        let key_len = match oid {
            oids::PBE_SHA1_3DES => 24,
            oids::PBE_SHA1_2DES | oids::PBE_SHA1_RC2_128 => 16,
            _ => 5,
        };
        let mut key = Zeroizing::new(vec![0u8; key_len]);
        let mut iv = Zeroizing::new([0u8; 8]);
        PbeHash::Sha1.pkcs12_kdf(pw, salt.content, 1, rounds, &mut key);
        PbeHash::Sha1.pkcs12_kdf(pw, salt.content, 2, rounds, iv.as_mut());
        let buf = Zeroizing::new(ciphertext.to_vec());
        match oid {
            oids::PBE_SHA1_3DES => {
                cbc_unpad::<cbc::Decryptor<des::TdesEde3>>(&key, iv.as_ref(), buf)
            }
            oids::PBE_SHA1_2DES => {
                cbc_unpad::<cbc::Decryptor<des::TdesEde2>>(&key, iv.as_ref(), buf)
            }
            _ => {
                let rc2 = rc2::Rc2::new_with_eff_key_len(&key, 8 * key_len);
                let mode = cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(rc2, iv.as_ref())
                    .map_err(|_| Error::encoding(WHAT, "bad RC2 IV length"))?;
                let mut buf = buf;
                let len = mode
                    .decrypt_padded::<Pkcs7>(&mut buf)
                    .map_err(|_| bad_padding())?
                    .len();
                buf.truncate(len);
                Ok(buf)
            }
        }
    };
    match attempt(&bmp) {
        // An empty password is written either as the terminator alone or as nothing.
        Err(Error::WrongSecret(_)) if password.is_empty() => attempt(&[]),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bmp_password_encoding() {
        assert_eq!(
            bmp_password(b"ab").unwrap().as_slice(),
            &[0, b'a', 0, b'b', 0, 0]
        );
        assert_eq!(bmp_password(b"").unwrap().as_slice(), &[0, 0]);
        assert!(bmp_password(&[0xff]).is_err());
    }

    #[test]
    fn small_uint_bounds() {
        assert_eq!(small_uint(&[0x08, 0x00], "t").unwrap(), 2048);
        assert_eq!(small_uint(&[0x00, 0x80], "t").unwrap(), 128);
        assert!(small_uint(&[0x80], "t").is_err());
        assert!(small_uint(&[], "t").is_err());
        assert!(small_uint(&[1; 9], "t").is_err());
    }

    #[test]
    fn unknown_schemes_are_unsupported() {
        let alg = d::oid_tlv(&Oid::new_unwrap("1.2.3.4"));
        assert!(matches!(
            decrypt(&alg, b"x", &[0; 16], &ImportOptions::default()),
            Err(Error::Unsupported(_))
        ));
    }
}
