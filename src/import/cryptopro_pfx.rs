//! CryptoPro's own key bag in PFX files exported by CryptoPro CSP
//! (`certmgr -export -pfx`): a pkcs8ShroudedKeyBag whose algorithm is
//! 1.2.840.113549.1.12.1.80 with parameters SEQUENCE { salt, iterations }.
//!
//! 1. Transport key: K_0 = UTF-16LE(password) (no terminator), then
//!    K_i = GOST R 34.11-94(K_{i-1} || salt || i as 2 big-endian bytes)
//!    for i = 1..iterations (CryptoPro hash parameters).
//! 2. The bag decrypts in GOST 28147-89 CFB under K, IV = salt[0..8],
//!    S-box CryptoPro-A, to a PrivateKeyInfo whose privateKey is a
//!    CryptoAPI-style blob: a 16-byte header (`07 20 00 00`, algorithm,
//!    "MAG1", length) and then DER
//!    `SEQUENCE { SEQUENCE { ukm OCTET STRING (8), SEQUENCE { cekEnc, cekMac },
//!    [0] { attributes, [0] { agreement OID, SEQUENCE { curve, digest } } } },
//!    mac OCTET STRING (4) }`.
//! 3. KEK = KDF_GOSTR3411_2012_256(K, 26 BD B8 78, ukm); d (little-endian)
//!    = GOST 28147-89 ECB decryption of cekEnc under KEK, CryptoPro-A.
//! 4. Checks: cekMac = MAC(KEK, IV = ukm, d)[0..4]; the blob's mac =
//!    MAC(KEK, IV = 0, DER of the inner SEQUENCE)[0..4]; both CryptoPro-A.
//!
//! Validated on the two public CryptoPro exports (loadtestingru/crypto).
//! Blobs for GOST R 34.10-2001 keys are refused: no sample exists to pin
//! down their key derivation.

use digest::Digest;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::kdf;
use super::options::ImportOptions;
use super::pbe::small_uint;
use crate::cms::cipher::gost28147::{self, Gost28147, ParamSet};
use crate::curve::KeySize;
use crate::curve::id::oids as curve_oids;
use crate::encoding::der::{self as d, tag};
use crate::error::{Error, Result};
use crate::hash::Gost94CryptoPro;
use crate::keys::algorithm::{self, KeyAlgorithm};
use crate::sign::SigningKey;

const WHAT: &str = "CryptoPro PFX key blob";

/// The label of the export KEK derivation.
const KEK_LABEL: [u8; 4] = [0x26, 0xBD, 0xB8, 0x78];

/// Key agreement OIDs in the blob.
const AGREEMENT_2012_256: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.643.7.1.1.6.1");
const AGREEMENT_2012_512: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.643.7.1.1.6.2");

/// Decrypts a .80 key bag: `params` are the algorithm's parameters,
/// `ciphertext` the bag's encryptedData.
pub(crate) fn decrypt_key_bag(
    params: &[u8],
    password: &[u8],
    ciphertext: &[u8],
    opts: &ImportOptions,
) -> Result<(SigningKey, KeyAlgorithm)> {
    let seq = d::expect_only(params, tag::SEQUENCE, "CryptoPro PBE parameters")?;
    let (salt, rest) = d::expect(seq.content, tag::OCTET_STRING, "CryptoPro PBE salt")?;
    let iter = d::expect_only(rest, tag::INTEGER, "CryptoPro PBE iterations")?;
    let iterations = small_uint(iter.content, "CryptoPro PBE iterations")?;
    if iterations == 0 || iterations > 0xFFFF {
        return Err(Error::encoding(
            "CryptoPro PBE iterations",
            format!("{iterations} is outside 1..=65535 (the counter is 2 bytes)"),
        ));
    }
    kdf::check_limit(
        iterations as u32,
        opts.max_iterations,
        "CryptoPro PBE iterations",
    )?;
    if salt.content.len() < 8 {
        return Err(Error::encoding(
            "CryptoPro PBE salt",
            format!(
                "{} bytes (at least 8 needed for the IV)",
                salt.content.len()
            ),
        ));
    }
    let transport = transport_key(password, salt.content, iterations as u16)?;
    let mut plain = Zeroizing::new(ciphertext.to_vec());
    Gost28147::new(ParamSet::CryptoProA, transport.as_ref())?.cfb_decrypt(
        &salt.content[..8],
        &mut plain,
        true,
    )?;
    let blob = blob_from_private_key_info(&plain)
        .map_err(|_| Error::WrongSecret("the decrypted key bag is not a PrivateKeyInfo".into()))?;
    unwrap_blob(&transport, blob)
}

/// K_0 = UTF-16LE(password); K_i = GOST94(K_{i-1} || salt || BE16(i)).
fn transport_key(password: &[u8], salt: &[u8], iterations: u16) -> Result<Zeroizing<[u8; 32]>> {
    let text =
        core::str::from_utf8(password).map_err(|_| Error::encoding("password", "not UTF-8"))?;
    // Sized up front: a growing Vec would free unwiped copies of the password.
    let mut k: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(2 * text.len() + 32));
    for unit in text.encode_utf16() {
        k.extend_from_slice(&unit.to_le_bytes());
    }
    for i in 1..=iterations {
        let next = Gost94CryptoPro::new()
            .chain_update(k.as_slice())
            .chain_update(salt)
            .chain_update(i.to_be_bytes())
            .finalize();
        // In place: assigning a new Vec would free the old one unwiped.
        k.clear();
        k.extend_from_slice(&next);
        drop(Zeroizing::new(next));
    }
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&k[..32]);
    Ok(out)
}

/// PrivateKeyInfo { 0, { 1.2.643.7.1.1.1.x, NULL }, OCTET STRING blob, .. }.
fn blob_from_private_key_info(der: &[u8]) -> Result<&[u8]> {
    let seq = d::expect_only(der, tag::SEQUENCE, WHAT)?;
    let (version, rest) = d::expect(seq.content, tag::INTEGER, WHAT)?;
    if version.content != [0] {
        return Err(Error::encoding(WHAT, "PrivateKeyInfo version is not 0"));
    }
    let (_alg, rest) = d::expect(rest, tag::SEQUENCE, WHAT)?;
    let (blob, _attributes) = d::expect(rest, tag::OCTET_STRING, WHAT)?;
    Ok(blob.content)
}

fn unwrap_blob(transport: &[u8; 32], blob: &[u8]) -> Result<(SigningKey, KeyAlgorithm)> {
    let (header, body) = blob
        .split_at_checked(16)
        .ok_or_else(|| Error::encoding(WHAT, "shorter than its 16-byte header"))?;
    if header[0] != 0x07 || &header[8..12] != b"MAG1" {
        return Err(Error::Unsupported(format!(
            "{WHAT}: header {} is not a CryptoPro private key blob (07 .. \"MAG1\")",
            hex::encode(header)
        )));
    }
    let outer = d::expect_only(body, tag::SEQUENCE, WHAT)?;
    let (inner, rest) = d::expect(outer.content, tag::SEQUENCE, WHAT)?;
    let mac = d::expect_only(rest, tag::OCTET_STRING, "CryptoPro PFX blob MAC")?;
    let (ukm, rest) = d::expect(inner.content, tag::OCTET_STRING, "CryptoPro PFX ukm")?;
    let (cek, rest) = d::expect(rest, tag::SEQUENCE, "CryptoPro PFX encrypted key")?;
    let (params, _) = d::expect(rest, 0xA0, "CryptoPro PFX key parameters")?;
    let (cek_enc, cek_rest) = d::expect(cek.content, tag::OCTET_STRING, "CryptoPro PFX cekEnc")?;
    let cek_mac = d::expect_only(cek_rest, tag::OCTET_STRING, "CryptoPro PFX cekMac")?;
    let ukm: [u8; 8] = ukm.content.try_into().map_err(|_| Error::Length {
        what: "CryptoPro PFX ukm",
        expected: 8,
        got: ukm.content.len(),
    })?;

    let algorithm = parse_key_params(params.content)?;
    let n = algorithm.curve.key_size().coordinate_len();
    if cek_enc.content.len() != n {
        return Err(Error::Length {
            what: "CryptoPro PFX cekEnc",
            expected: n,
            got: cek_enc.content.len(),
        });
    }

    let kek = crate::cms::cipher::gost_kdf::kdf_gostr3411_2012_256(transport, &KEK_LABEL, &ukm);
    let blob_mac = gost28147::mac4(ParamSet::CryptoProA, kek.as_ref(), &[0; 8], inner.raw)?;
    if !bool::from(blob_mac.as_slice().ct_eq(mac.content)) {
        return Err(Error::WrongSecret("the key blob's MAC check failed".into()));
    }
    let cipher = Gost28147::new(ParamSet::CryptoProA, kek.as_ref())?;
    let mut d_le = Zeroizing::new(cek_enc.content.to_vec());
    cipher.ecb_decrypt(&mut d_le)?;
    let ours = cipher.mac(&ukm, &d_le);
    if !bool::from(ours[..4].ct_eq(cek_mac.content)) {
        return Err(Error::Integrity(
            "CryptoPro PFX: the decrypted key fails its MAC check (file damaged)".into(),
        ));
    }
    let key = SigningKey::from_scalar_le(algorithm.curve, &d_le)?;
    Ok((key, algorithm))
}

/// [0] { BIT STRING attributes, [0] { agreement OID, SEQUENCE { curve, digest } } }
fn parse_key_params(content: &[u8]) -> Result<KeyAlgorithm> {
    const P: &str = "CryptoPro PFX key parameters";
    let mut rest = content;
    let mut alg = None;
    while !rest.is_empty() {
        let (field, next) = d::read(rest, P)?;
        if field.tag == 0xA0 {
            alg = Some(field.content);
        }
        rest = next;
    }
    let alg = alg.ok_or_else(|| Error::encoding(P, "missing the [0] algorithm"))?;
    let (oid, params) = d::expect(alg, tag::OID, P)?;
    let oid = d::oid(oid.content, P)?;
    let (signing, size) = match oid {
        AGREEMENT_2012_256 | curve_oids::GOST3410_2012_256 => {
            (curve_oids::GOST3410_2012_256, KeySize::Bits256)
        }
        AGREEMENT_2012_512 | curve_oids::GOST3410_2012_512 => {
            (curve_oids::GOST3410_2012_512, KeySize::Bits512)
        }
        other => {
            return Err(Error::Unsupported(format!(
                "CryptoPro PFX key blob for algorithm {other} (GOST R 34.10-2012 keys only; \
                 no public sample of a GOST 2001 export exists to test against)"
            )));
        }
    };
    let mut ident = d::oid_tlv(&signing);
    ident.extend_from_slice(params);
    let parsed = algorithm::parse(&ident, P)?;
    if parsed.curve.key_size() != size {
        return Err(Error::KeyMismatch(format!(
            "{P}: {oid} with a curve of another size"
        )));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    // vectors/cryptopro/loadtestingru-crypto/meta.json, pfx1: salt and
    // iterations of the key bag, transport key computed there with pygost.
    #[test]
    fn transport_key_matches_pfx1() {
        let salt = hex::decode("d39a1bcb30bfc54826a8aa18ed566b54").unwrap();
        let k = transport_key(b"12345", &salt, 2000).unwrap();
        assert_eq!(
            hex::encode(k.as_ref()),
            "423d932351ee9c3186311d3d619473825cca0cd1c3f172dfe7906206c008ac35"
        );
    }
}
