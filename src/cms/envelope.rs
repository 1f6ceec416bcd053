//! Opening CMS EnvelopedData (RFC 5652 section 6) addressed to a GOST key
//! by key agreement, as a PFX in public-key privacy mode carries it (TC26
//! PFX profile, 2020 revision):
//!
//! * KeyAgreeRecipientInfo whose keyEncryptionAlgorithm is KExp15 with
//!   Kuznyechik or Magma (1.2.643.7.1.1.7.{2,1}.1), the originator named
//!   by issuer and serial number (its certificate in originatorInfo or
//!   beside the EnvelopedData) or given as a public key, and a 32-byte UKM.
//! * The key-encryption keys come from KEG (R 1323565.1.020-2018): with
//!   UKM' = the first 16 bytes of UKM read as a big-endian number (1 if
//!   zero; unlike VKO's own little-endian UKM), a
//!   512-bit key pair gives VKO_GOSTR3410_2012_512(d, Q, UKM') directly,
//!   a 256-bit pair gives KDF_TREE_GOSTR3411_2012_256(VKO_256(d, Q, UKM'),
//!   "kdf tree", UKM[16..24], two keys). The first 32 bytes are the MAC
//!   key, the last 32 the encryption key.
//! * KImp15 (R 1323565.1.017-2018): CTR-decrypt the wrapped key with
//!   IV = UKM[24..24 + n/2], split off the n-byte tag, and check that it is
//!   OMAC(IV || key) under the MAC key.
//! * The content is decrypted with the content-encryption key in the
//!   scheme named by contentEncryptionAlgorithm (Kuznyechik / Magma
//!   CTR-ACPKM, or any other PBES2 encryption scheme).

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::cipher::acpkm::AcpkmCipher;
use super::cipher::{self, gost_kdf};
use crate::encoding::der::{self as d, tag};
use crate::error::{Error, Result};
use crate::keys::Certificate;
use crate::sign::{SigningKey, VerifyingKey, VkoHash};

mod oids {
    use der::asn1::ObjectIdentifier as Oid;
    pub const KUZNYECHIK_KEXP15: Oid = Oid::new_unwrap("1.2.643.7.1.1.7.2.1");
    pub const MAGMA_KEXP15: Oid = Oid::new_unwrap("1.2.643.7.1.1.7.1.1");
}

/// Most RecipientInfos (and encrypted keys per RecipientInfo) tried.
const MAX_RECIPIENTS: usize = 64;
/// Most certificates read from originatorInfo.
const MAX_CERTIFICATES: usize = 64;

const W: &str = "EnvelopedData";

/// Decrypts an EnvelopedData (DER, the SEQUENCE itself, not wrapped in a
/// ContentInfo) with the recipient's private key and returns the content.
/// `extra_certs` are searched for the originator after the ones in
/// originatorInfo. A key the data is not addressed to gives
/// [`Error::WrongSecret`].
pub fn open(
    body: &[u8],
    recipient: &SigningKey,
    extra_certs: &[Certificate],
) -> Result<Zeroizing<Vec<u8>>> {
    let seq = d::expect_only(body, tag::SEQUENCE, W)?;
    let (_version, mut rest) = d::expect(seq.content, tag::INTEGER, "EnvelopedData version")?;
    let mut certs: Vec<Certificate> = Vec::new();
    if rest.first() == Some(&0xA0) {
        let (info, next) = d::expect(rest, 0xA0, "EnvelopedData originatorInfo")?;
        certs = originator_certificates(info.content)?;
        rest = next;
    }
    certs.extend_from_slice(extra_certs);
    let (recipient_infos, rest) = d::expect(rest, 0x31, "EnvelopedData recipientInfos")?;
    let (content_info, _unprotected) =
        d::expect(rest, tag::SEQUENCE, "EnvelopedData encryptedContentInfo")?;

    let cek = content_key(recipient_infos.content, recipient, &certs)?;

    let (_content_type, rest) = d::expect(
        content_info.content,
        tag::OID,
        "EnvelopedData encryptedContentInfo contentType",
    )?;
    let (alg, rest) = d::expect(
        rest,
        tag::SEQUENCE,
        "EnvelopedData contentEncryptionAlgorithm",
    )?;
    let ciphertext = encrypted_content(rest)?;
    cipher::decrypt_content(alg.content, &cek, &ciphertext)
}

/// OriginatorInfo ::= SEQUENCE { certs [0] IMPLICIT CertificateSet OPTIONAL,
/// crls [1] IMPLICIT OPTIONAL }: the X.509 certificates of certs.
fn originator_certificates(info: &[u8]) -> Result<Vec<Certificate>> {
    let mut out = Vec::new();
    if info.first() != Some(&0xA0) {
        return Ok(out);
    }
    let (set, _) = d::expect(info, 0xA0, "EnvelopedData originatorInfo certs")?;
    let mut rest = set.content;
    while !rest.is_empty() {
        let (cert, next) = d::read(rest, "EnvelopedData originatorInfo certificate")?;
        if out.len() == MAX_CERTIFICATES {
            return Err(Error::encoding(
                "EnvelopedData originatorInfo",
                format!("more than {MAX_CERTIFICATES} certificates"),
            ));
        }
        // Other CertificateChoices (attribute certificates...) are skipped.
        if cert.tag == tag::SEQUENCE {
            out.push(Certificate::from_der(cert.raw)?);
        }
        rest = next;
    }
    Ok(out)
}

/// encryptedContent [0] IMPLICIT OCTET STRING, primitive or (BER) split
/// into OCTET STRING pieces.
fn encrypted_content(rest: &[u8]) -> Result<Vec<u8>> {
    const WC: &str = "EnvelopedData encryptedContent";
    let (field, _) = d::read(rest, WC)
        .map_err(|_| Error::encoding(WC, "absent: the content is not in the EnvelopedData"))?;
    match field.tag {
        0x80 => Ok(field.content.to_vec()),
        0xA0 => {
            let mut out = Vec::new();
            let mut parts = field.content;
            while !parts.is_empty() {
                let (part, next) = d::expect(parts, tag::OCTET_STRING, WC)?;
                out.extend_from_slice(part.content);
                parts = next;
            }
            Ok(out)
        }
        other => Err(Error::encoding(
            WC,
            format!("expected [0], found {}", d::tag_name(other)),
        )),
    }
}

/// Tries every KeyAgreeRecipientInfo's encrypted keys with our key; the
/// first whose KImp15 tag checks gives the content-encryption key.
fn content_key(
    infos: &[u8],
    recipient: &SigningKey,
    certs: &[Certificate],
) -> Result<Zeroizing<Vec<u8>>> {
    let mut rest = infos;
    let mut seen = 0usize;
    let mut other_kinds: Vec<&'static str> = Vec::new();
    let mut last_error: Option<Error> = None;
    while !rest.is_empty() {
        let (info, next) = d::read(rest, "EnvelopedData RecipientInfo")?;
        rest = next;
        seen += 1;
        if seen > MAX_RECIPIENTS {
            return Err(Error::encoding(
                "EnvelopedData recipientInfos",
                format!("more than {MAX_RECIPIENTS} recipients"),
            ));
        }
        match info.tag {
            0xA1 => match key_agreement(info.content, recipient, certs) {
                Ok(cek) => return Ok(cek),
                Err(e) => last_error = Some(e),
            },
            tag::SEQUENCE => other_kinds.push("key transport (KeyTransRecipientInfo)"),
            0xA2 => other_kinds.push("KEK (KEKRecipientInfo)"),
            0xA3 => other_kinds.push("password (PasswordRecipientInfo)"),
            _ => other_kinds.push("other (OtherRecipientInfo)"),
        }
    }
    if let Some(e) = last_error {
        return Err(e);
    }
    if other_kinds.is_empty() {
        return Err(Error::encoding(
            "EnvelopedData recipientInfos",
            "no recipient",
        ));
    }
    Err(Error::Unsupported(format!(
        "EnvelopedData recipients of kind {}; only GOST key agreement \
         (KeyAgreeRecipientInfo with KExp15) is read",
        other_kinds.join(", ")
    )))
}

/// KeyAgreeRecipientInfo ::= SEQUENCE { version, originator [0] EXPLICIT,
/// ukm [1] EXPLICIT OCTET STRING OPTIONAL, keyEncryptionAlgorithm,
/// recipientEncryptedKeys SEQUENCE OF SEQUENCE { rid, encryptedKey } }.
fn key_agreement(
    kari: &[u8],
    recipient: &SigningKey,
    certs: &[Certificate],
) -> Result<Zeroizing<Vec<u8>>> {
    const WK: &str = "KeyAgreeRecipientInfo";
    let (_version, rest) = d::expect(kari, tag::INTEGER, "KeyAgreeRecipientInfo version")?;
    let (originator, rest) = d::expect(rest, 0xA0, "KeyAgreeRecipientInfo originator")?;
    let (ukm, rest) = if rest.first() == Some(&0xA1) {
        let (ukm, rest) = d::expect(rest, 0xA1, "KeyAgreeRecipientInfo ukm")?;
        let ukm = d::expect_only(ukm.content, tag::OCTET_STRING, "KeyAgreeRecipientInfo ukm")?;
        (ukm.content, rest)
    } else {
        return Err(Error::encoding(
            "KeyAgreeRecipientInfo ukm",
            "absent; GOST key agreement needs a 32-byte UKM",
        ));
    };
    let (alg, rest) = d::expect(
        rest,
        tag::SEQUENCE,
        "KeyAgreeRecipientInfo keyEncryptionAlgorithm",
    )?;
    let keys = d::expect_only(
        rest,
        tag::SEQUENCE,
        "KeyAgreeRecipientInfo recipientEncryptedKeys",
    )?;

    let (oid, _params) = cipher::split_algorithm(alg.content, "keyEncryptionAlgorithm")?;
    let cipher = match oid {
        oids::KUZNYECHIK_KEXP15 => AcpkmCipher::Kuznyechik,
        oids::MAGMA_KEXP15 => AcpkmCipher::Magma,
        other => {
            return Err(Error::Unsupported(format!(
                "key encryption algorithm {other} (supported: KExp15 with Kuznyechik \
                 {} or Magma {})",
                oids::KUZNYECHIK_KEXP15,
                oids::MAGMA_KEXP15
            )));
        }
    };
    let sender = originator_key(originator.content, certs)?;
    let kek = keg(recipient, &sender, ukm)?;
    let n = cipher.block_len();
    let iv = &ukm[24..24 + n / 2];

    let mut rest = keys.content;
    let mut count = 0usize;
    while !rest.is_empty() {
        let (entry, next) = d::expect(rest, tag::SEQUENCE, "RecipientEncryptedKey")?;
        rest = next;
        count += 1;
        if count > MAX_RECIPIENTS {
            return Err(Error::encoding(
                WK,
                format!("more than {MAX_RECIPIENTS} encrypted keys"),
            ));
        }
        let (_rid, wrapped) = d::read(entry.content, "RecipientEncryptedKey rid")?;
        let wrapped = d::expect_only(
            wrapped,
            tag::OCTET_STRING,
            "RecipientEncryptedKey encryptedKey",
        )?;
        if let Some(cek) = kimp15(cipher, &kek, iv, wrapped.content)? {
            return Ok(cek);
        }
    }
    Err(Error::WrongSecret(
        "no encrypted key in the EnvelopedData opens with this private key (KExp15 tag \
         mismatch): it is addressed to another key"
            .into(),
    ))
}

/// The originator's public key: by issuer and serial number among `certs`,
/// or given inline as originatorKey [1].
fn originator_key(originator: &[u8], certs: &[Certificate]) -> Result<VerifyingKey> {
    const WO: &str = "KeyAgreeRecipientInfo originator";
    let (id, _) = d::read(originator, WO)?;
    match id.tag {
        tag::SEQUENCE => {
            let cert = certs
                .iter()
                .find(|c| super::verify::matches_sid(c, &id))
                .ok_or_else(|| {
                    Error::encoding(
                        WO,
                        "the originator's certificate (by issuer and serial number) is not \
                         in the file",
                    )
                })?;
            cert.verifying_key()
        }
        0xA1 => {
            let spki = d::tlv(tag::SEQUENCE, id.content);
            Ok(crate::keys::decode_public_key_der(&spki)?.0)
        }
        _ => Err(Error::Unsupported(
            "KeyAgreeRecipientInfo originator named by subject key identifier".into(),
        )),
    }
}

/// KEG(d, Q, UKM) of R 1323565.1.020-2018: 64 bytes, MAC key then
/// encryption key.
fn keg(recipient: &SigningKey, sender: &VerifyingKey, ukm: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    if ukm.len() != 32 {
        return Err(Error::Length {
            what: "KeyAgreeRecipientInfo ukm",
            expected: 32,
            got: ukm.len(),
        });
    }
    // UKM' is big-endian here (the TC26 sample decrypts only so); vko()
    // reads little-endian.
    let mut h = [0u8; 16];
    h.copy_from_slice(&ukm[..16]);
    h.reverse();
    if h.iter().all(|&b| b == 0) {
        h[0] = 1;
    }
    if sender.curve() != recipient.curve() {
        return Err(Error::KeyMismatch(format!(
            "the originator's key is on {}, ours on {}",
            sender.curve(),
            recipient.curve()
        )));
    }
    if recipient.curve().key_size().coordinate_len() == 64 {
        return recipient.vko(sender, &h, VkoHash::Streebog512);
    }
    let k_exp = recipient.vko(sender, &h, VkoHash::Streebog256)?;
    Ok(gost_kdf::kdf_tree_gostr3411_2012_256(
        &k_exp,
        b"kdf tree",
        &ukm[16..24],
        2,
    ))
}

/// KImp15: Some(key) when the tag checks, None when it does not (a key
/// for someone else, or the wrong private key).
fn kimp15(
    cipher: AcpkmCipher,
    kek: &[u8],
    iv: &[u8],
    wrapped: &[u8],
) -> Result<Option<Zeroizing<Vec<u8>>>> {
    let n = cipher.block_len();
    if wrapped.len() != 32 + n {
        return Err(Error::Length {
            what: "KExp15 encrypted key",
            expected: 32 + n,
            got: wrapped.len(),
        });
    }
    let (mac_key, enc_key) = kek.split_at(32);
    let mut plain = Zeroizing::new(wrapped.to_vec());
    cipher.ctr(enc_key, iv, &mut plain)?;
    let (key, tag) = plain.split_at(32);
    let mut macced = Zeroizing::new(Vec::with_capacity(iv.len() + 32));
    macced.extend_from_slice(iv);
    macced.extend_from_slice(key);
    let expected = cipher.omac(mac_key, &macced)?;
    if bool::from(expected.as_slice().ct_eq(tag)) {
        Ok(Some(Zeroizing::new(key.to_vec())))
    } else {
        Ok(None)
    }
}
