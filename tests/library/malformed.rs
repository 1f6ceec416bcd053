//! The malformed-input table: for each parser, hostile inputs and the exact
//! error each one yields. Every row must be rejected with a message that
//! contains its expected words; none may panic. The rendered table is
//! `docs/errors.md` (between the GENERATED markers): this test fails when
//! the document differs from what the code says, and rewrites it when run
//! with `GOSTCMS_BLESS=1`.
//!
//! Beside the table: truncation at every byte and a flip of every single
//! bit across a valid CMS, nesting bombs and oversized lengths, wrong OIDs,
//! points off the curve and of small order (vectors/gost3410/small_order.json,
//! computed from the curves' Edwards parameters, not by gostcms).

use crate::common;

use common::tlv;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use gostcms::cms::{self, CmsSigner, Content, SignOptions};
use gostcms::keys::{self, Certificate};
use gostcms::{CurveId, Signature, SigningKey, VerifyingKey, encoding};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(root().join(rel)).unwrap()
}

fn pem_body(rel: &str) -> Vec<u8> {
    let text = String::from_utf8(read(rel)).unwrap();
    let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    encoding::decode_base64_lenient(b64.as_bytes()).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

/// `needle` replaced by `with` at its `nth` occurrence (0-based; usize::MAX: the last).
fn replace_at(hay: &[u8], needle: &[u8], with: &[u8], nth: usize) -> Vec<u8> {
    let hits: Vec<usize> = (0..=hay.len() - needle.len())
        .filter(|&i| &hay[i..i + needle.len()] == needle)
        .collect();
    let at = if nth == usize::MAX {
        *hits.last().unwrap()
    } else {
        hits[nth]
    };
    [&hay[..at], with, &hay[at + needle.len()..]].concat()
}

/// What a CMS verification says: the error, or the first signer's reason.
fn cms_outcome(data: &[u8]) -> String {
    cms_outcome_with(data, Content::Attached)
}

fn cms_outcome_with(data: &[u8], content: Content<'_>) -> String {
    match cms::verify(data, content, &[]) {
        Err(e) => e.to_string(),
        Ok(report) => match report.signers.iter().find_map(|s| s.outcome.clone().err()) {
            Some(e) => format!("signer: {e}"),
            None => "valid".into(),
        },
    }
}

fn err_or_valid<T>(r: gostcms::Result<T>) -> String {
    match r {
        Ok(_) => "valid".into(),
        Err(e) => e.to_string(),
    }
}

/// A fixed key, so the table's byte offsets never change.
fn fixed_key(curve: CurveId) -> SigningKey {
    SigningKey::from_scalar_le(curve, &[0x2a; 32]).unwrap()
}

/// An SPKI for `curve` carrying the given point octets.
fn spki_with_point(curve: CurveId, point: &[u8]) -> Vec<u8> {
    let valid = fixed_key(curve).verifying_key().to_spki_der();
    let n2 = curve.key_size().signature_len();
    let mut der = valid[..valid.len() - n2].to_vec();
    der.extend_from_slice(point);
    der
}

fn small_order_points() -> Vec<(CurveId, String, Vec<u8>)> {
    let json: serde_json::Value =
        serde_json::from_slice(&read("vectors/gost3410/small_order.json")).unwrap();
    json["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["curve_oid"].as_str().unwrap().parse::<CurveId>().unwrap(),
                p["what"].as_str().unwrap().to_owned(),
                hex(p["public_key_le_hex"].as_str().unwrap()),
            )
        })
        .collect()
}

struct Row {
    area: &'static str,
    input: String,
    message: String,
    expect: &'static str,
}

/// The table. `expect` is what the message must contain.
fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    let mut row = |area, input: &str, message: String, expect| {
        rows.push(Row {
            area,
            input: input.to_owned(),
            message,
            expect,
        })
    };

    // ------------------------------------------------------------- CMS
    let a121 = pem_body("vectors/cms/signed_a121.pem"); // tc26-256-A, attached, no attributes
    let a111 = pem_body("vectors/cms/signed_a111.pem"); // tc26-512-A, signed attributes
    assert_eq!(cms_outcome(&a121), "valid");
    assert_eq!(cms_outcome(&a111), "valid");
    let streebog256 = hex("06 08 2a 85 03 07 01 01 02 02");
    let gost256 = hex("06 08 2a 85 03 07 01 01 01 01");
    row("CMS", "empty input", cms_outcome(b""), "empty input");
    row(
        "CMS",
        "TC26 A.1.2.1 cut to half its length",
        cms_outcome(&a121[..a121.len() / 2]),
        "runs past the end",
    );
    let bomb: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 100_000)
        .flatten()
        .collect();
    row(
        "CMS",
        "nesting bomb: 100 000 nested indefinite SEQUENCEs",
        cms_outcome(&bomb),
        "nesting deeper than 64 levels",
    );
    let mut huge = a121.clone();
    huge[1..4].copy_from_slice(&[0x84, 0x7f, 0xff]);
    huge.insert(4, 0xff);
    row(
        "CMS",
        "outer length of about 2 GiB on a 777-byte input",
        cms_outcome(&huge),
        "runs past the end",
    );
    let nine = [&[0x30u8, 0x89][..], &[0xff; 9], &a121[4..]].concat();
    row(
        "CMS",
        "length of 9 octets",
        cms_outcome(&nine),
        "length of 9 octets is not supported",
    );
    row(
        "CMS",
        "contentType id-data instead of id-signedData",
        cms_outcome(&replace_at(
            &a121,
            &hex("2a 86 48 86 f7 0d 01 07 02"),
            &hex("2a 86 48 86 f7 0d 01 07 01"),
            0,
        )),
        "is not SignedData",
    );
    row(
        "CMS",
        "DigestedData (TC26 A.3.2.1)",
        cms_outcome(&pem_body("vectors/cms/hashed_a321.pem")),
        "DigestedData",
    );
    row(
        "CMS",
        "SignerInfo digestAlgorithm 1.2.643.7.1.1.2.9 (unknown)",
        cms_outcome(&replace_at(
            &a121,
            &streebog256,
            &hex("06 08 2a 85 03 07 01 01 02 09"),
            usize::MAX,
        )),
        "digest algorithm 1.2.643.7.1.1.2.9",
    );
    row(
        "CMS",
        "SignerInfo digestAlgorithm Streebog-512 with a 256-bit key",
        cms_outcome(&replace_at(
            &a121,
            &streebog256,
            &hex("06 08 2a 85 03 07 01 01 02 03"),
            usize::MAX,
        )),
        "does not belong to a GOST R 34.10-2012 256-bit key",
    );
    row(
        "CMS",
        "SignerInfo signatureAlgorithm 1.2.643.7.1.1.1.9 (unknown)",
        cms_outcome(&replace_at(
            &a121,
            &gost256,
            &hex("06 08 2a 85 03 07 01 01 01 09"),
            usize::MAX,
        )),
        "signature algorithm 1.2.643.7.1.1.1.9",
    );
    row(
        "CMS",
        "signer certificate's curve OID 1.2.643.7.1.2.1.1.9 (unknown)",
        cms_outcome(&replace_at(
            &a121,
            &hex("2a 85 03 07 01 02 01 01 01"),
            &hex("2a 85 03 07 01 02 01 01 09"),
            0,
        )),
        "unknown curve",
    );
    let mut flipped_sig = a121.clone();
    let n = flipped_sig.len();
    flipped_sig[n - 1] ^= 1;
    row(
        "CMS",
        "last bit of the signature value flipped",
        cms_outcome(&flipped_sig),
        "signature mismatch",
    );
    let content_at = a111.windows(4).position(|w| w == b"Conc").unwrap_or(100);
    let mut other_content = a111.clone();
    other_content[content_at] ^= 0x20;
    row(
        "CMS",
        "one byte of the attached content changed (A.1.1.1)",
        cms_outcome(&other_content),
        "content digest mismatch",
    );
    row(
        "CMS",
        "detached signature verified without content",
        {
            let signer = CmsSigner::new(
                fixed_key(CurveId::CryptoProA),
                keys::self_signed(&fixed_key(CurveId::CryptoProA), "CN=t", 1, Some(&[1])).unwrap(),
            )
            .unwrap();
            let der = signer.sign(b"data", &SignOptions::default()).unwrap();
            cms_outcome(&der)
        },
        "no content",
    );
    row(
        "CMS",
        "5 bytes of garbage after the ContentInfo",
        cms_outcome(&[&a121[..], &[1, 2, 3, 4, 5]].concat()),
        "trailing data",
    );
    row(
        "CMS",
        "base64 with a stray character",
        cms_outcome(b"MIIBAg#=="),
        "not base64 or base64url",
    );
    row(
        "CMS",
        "text that decodes to something other than a SEQUENCE",
        cms_outcome(b"aGVsbG8gd29ybGQ"),
        "not a CMS structure",
    );
    row(
        "CMS",
        "65 SignerInfos",
        cms_outcome(&many_signers(&a121, 65)),
        "more than 64 SignerInfos",
    );
    row(
        "CMS",
        "65 embedded certificates",
        cms_outcome(&many_certificates(&a121, 65)),
        "more than 64 certificates",
    );

    // ------------------------------------------------------------- BER
    let ber = |s: &str| err_or_valid(encoding::ber::normalize(&hex(s)));
    row(
        "BER normaliser",
        "indefinite length on a primitive (04 80)",
        ber("04 80 00 00"),
        "indefinite length on a primitive element",
    );
    row(
        "BER normaliser",
        "end-of-contents where an element is expected",
        ber("00 00"),
        "end-of-contents marker",
    );
    row(
        "BER normaliser",
        "indefinite SEQUENCE never closed",
        ber("30 80 02 01 05"),
        "no end-of-contents marker",
    );
    row(
        "BER normaliser",
        "constructed OCTET STRING with an INTEGER chunk",
        ber("24 80 02 01 05 00 00"),
        "chunk of a constructed string",
    );
    row(
        "BER normaliser",
        "constructed BIT STRING",
        ber("23 80 03 02 00 ff 00 00"),
        "constructed BIT STRING is not supported",
    );
    row(
        "BER normaliser",
        "tag number over 2^32",
        ber("1f ff ff ff ff ff 7f 00"),
        "tag number too large",
    );

    // ------------------------------------------------------------- keys
    let pkcs8 = |d: &[u8]| err_or_valid(keys::decode_private_key(d));
    let form1 = fixed_key(CurveId::CryptoProA).to_pkcs8_der().to_vec();
    let cp_a_oid = hex("2a 85 03 02 02 23 01");
    row(
        "PKCS#8",
        "private key 0",
        pkcs8(&[&form1[..form1.len() - 32], &[0u8; 32]].concat()),
        "private key is out of range",
    );
    row(
        "PKCS#8",
        "key algorithm rsaEncryption",
        pkcs8(&tlv(
            0x30,
            &[
                &hex("02 01 00")[..],
                &tlv(0x30, &hex("06 09 2a 86 48 86 f7 0d 01 01 01 05 00")),
                &tlv(0x04, &[1u8; 32]),
            ]
            .concat(),
        )),
        "is not GOST R 34.10",
    );
    row(
        "PKCS#8",
        "curve OID 1.2.643.2.2.35.9 (unknown)",
        pkcs8(&replace_at(
            &form1,
            &cp_a_oid,
            &hex("2a 85 03 02 02 23 09"),
            0,
        )),
        "unknown curve",
    );
    row(
        "PKCS#8",
        "256-bit algorithm with a 512-bit curve",
        pkcs8(&replace_at(
            &fixed_key(CurveId::Tc26_512A).to_pkcs8_der(),
            &hex("06 08 2a 85 03 07 01 01 01 02"),
            &gost256,
            0,
        )),
        "is for 256-bit keys",
    );
    row(
        "PKCS#8",
        "privateKey of 40 bytes",
        pkcs8(&tlv(
            0x30,
            &[&form1[2..form1.len() - 34], &tlv(0x04, &[1u8; 40])].concat(),
        )),
        "fit none of the forms",
    );
    let other = SigningKey::generate(CurveId::CryptoProA).unwrap();
    let other_public = tlv(
        0x81,
        &[&[0u8][..], &tlv(0x04, &other.verifying_key().to_le_bytes())].concat(),
    );
    row(
        "PKCS#8",
        "publicKey field of another key",
        pkcs8(&tlv(0x30, &[&form1[2..], &other_public].concat())),
        "does not match the private key",
    );
    row(
        "PKCS#8",
        "PEM ENCRYPTED PRIVATE KEY",
        pkcs8(
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n",
        ),
        "encrypted PKCS#8",
    );
    row(
        "PKCS#8",
        "an X.509 certificate given as a key",
        pkcs8(&read("vectors/x509/tk26iok_256_cert.der")),
        "looks like an X.509 certificate",
    );
    row(
        "PKCS#8",
        "length with a leading zero octet (not DER)",
        pkcs8(&[&[0x30u8, 0x81][..], &form1[1..]].concat()),
        "not minimally encoded",
    );

    let spki = |d: &[u8]| err_or_valid(keys::decode_public_key(d));
    let good = fixed_key(CurveId::CryptoProA).verifying_key().to_le_bytes();
    let mut off_curve = good.clone();
    off_curve[40] ^= 1;
    row(
        "SPKI",
        "point off the curve (one bit of Y flipped)",
        spki(&spki_with_point(CurveId::CryptoProA, &off_curve)),
        "point is not on the curve",
    );
    let mut big_x = good.clone();
    big_x[..32].fill(0xff);
    row(
        "SPKI",
        "X = 2^256 - 1, not below p",
        spki(&spki_with_point(CurveId::CryptoProA, &big_x)),
        "not below the field prime p",
    );
    row(
        "SPKI",
        "(0, 0)",
        spki(&spki_with_point(CurveId::CryptoProA, &[0u8; 64])),
        "point is not on the curve",
    );
    for (curve, what, point) in small_order_points() {
        let label = format!("{curve}: point of {what}");
        row(
            "SPKI",
            &label,
            spki(&spki_with_point(curve, &point)),
            "not in the prime-order subgroup",
        );
    }
    let valid_spki = fixed_key(CurveId::CryptoProA).verifying_key().to_spki_der();
    row(
        "SPKI",
        "point of 63 bytes",
        spki(&tlv(
            0x30,
            &[
                &valid_spki[2..valid_spki.len() - 69],
                &tlv(0x03, &[&[0u8][..], &tlv(0x04, &good[..63])].concat()),
            ]
            .concat(),
        )),
        "expected 64 bytes, got 63",
    );
    row(
        "SPKI",
        "BIT STRING length 0x7fffffff",
        spki(&tlv(
            0x30,
            &replace_at(
                &valid_spki[2..],
                &hex("03 43 00"),
                &hex("03 84 7f ff ff ff 00"),
                0,
            ),
        )),
        "truncated",
    );
    row(
        "SPKI",
        "indefinite length",
        spki(&[&[0x30u8, 0x80][..], &valid_spki[2..], &[0, 0]].concat()),
        "indefinite length is not allowed in DER",
    );
    row(
        "SPKI",
        "PEM labelled CERTIFICATE",
        spki(encoding::pem::encode("CERTIFICATE", &valid_spki).as_bytes()),
        "expected PUBLIC KEY, found CERTIFICATE",
    );
    row(
        "SPKI",
        "PEM without its END line",
        spki(b"-----BEGIN PUBLIC KEY-----\nMAA=\n"),
        "missing \"-----END PUBLIC KEY-----\" line",
    );

    let cert = |d: &[u8]| err_or_valid(Certificate::from_pem_or_der(d));
    let cert_der = read("vectors/x509/tk26iok_256_cert.der");
    row(
        "Certificate",
        "TC26 certificate cut by one byte",
        cert(&cert_der[..cert_der.len() - 1]),
        "truncated",
    );
    row(
        "Certificate",
        "a private key given as a certificate",
        cert(&read("vectors/x509/tk26iok_256_key.der")),
        "looks like a PKCS#8 PrivateKeyInfo",
    );
    row(
        "Certificate",
        "bytes that are neither PEM, base64 nor DER",
        cert(b"\x01\x02\x03"),
        "neither PEM, base64 nor DER",
    );

    // ------------------------------------------------------------- text and raw
    row(
        "base64",
        "a character outside both alphabets",
        err_or_valid(encoding::decode_base64_lenient(b"MII*")),
        "not base64 or base64url",
    );
    row(
        "percent-encoding",
        "% followed by non-hex",
        err_or_valid(encoding::percent_decode(b"abc%2")),
        "bad escape at byte 3",
    );
    let key = fixed_key(CurveId::CryptoProA);
    let vk = *key.verifying_key();
    row(
        "raw signature",
        "63 bytes",
        err_or_valid(Signature::from_slice(&[1u8; 63])),
        "expected 64 bytes, got 63",
    );
    let verify =
        |sig: &[u8]| err_or_valid(vk.verify_message(b"m", &Signature::from_slice(sig).unwrap()));
    row(
        "raw signature",
        "r = 0",
        verify(&[&[1u8; 32][..], &[0u8; 32]].concat()),
        "r is not in (0, q)",
    );
    row(
        "raw signature",
        "s = 2^256 - 1 (not below q)",
        verify(&[&[0xffu8; 32][..], &[1u8; 32]].concat()),
        "s is not in (0, q)",
    );
    row(
        "raw signature",
        "valid range, wrong value",
        verify(&[1u8; 64]),
        "signature mismatch",
    );
    row(
        "raw signature",
        "128-byte signature for a 256-bit key",
        err_or_valid(vk.verify_message(b"m", &Signature::from_slice(&[1u8; 128]).unwrap())),
        "signature: expected 64 bytes, got 128",
    );
    row(
        "raw public key",
        "65 bytes for a 256-bit curve",
        err_or_valid(VerifyingKey::from_le_bytes(CurveId::CryptoProA, &[0u8; 65])),
        "public key: expected 64 bytes, got 65",
    );

    // ------------------------------------- PFX in public-key modes (TC26)
    let dh =
        std::fs::read(root().join("vectors/cryptopro/pygost-pfx2020/public_key_protected_dh.pfx"))
            .unwrap();
    let pfx = gostcms::import::Pfx::parse(&dh).unwrap();
    row(
        "PFX",
        "EnvelopedData contents, opened without a recipient key",
        err_or_valid(pfx.decrypt(b"")),
        "the recipient's private key",
    );
    row(
        "PFX",
        "EnvelopedData contents, someone else's key",
        err_or_valid(pfx.decrypt_with_key(&fixed_key(CurveId::Tc26_256A), b"")),
        "it is addressed to another key",
    );
    row(
        "PFX",
        "EnvelopedData contents, a key on another curve",
        err_or_valid(pfx.decrypt_with_key(&fixed_key(CurveId::Tc26_512A), b"")),
        "key mismatch",
    );
    let mut resigned = dh.clone();
    let last = resigned.len() - 1;
    resigned[last] ^= 1;
    row(
        "PFX",
        "SignedData authSafe with a flipped signature bit",
        err_or_valid(gostcms::import::Pfx::parse(&resigned)),
        "PFX signature check failed",
    );
    rows
}

/// The TLVs one after another in `data`: (tag, whole encoding, content).
fn tlvs(mut data: &[u8]) -> Vec<(u8, &[u8], &[u8])> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let (header, len) = match data[1] {
            l if l < 0x80 => (2, usize::from(l)),
            l => {
                let n = usize::from(l & 0x7f);
                let len = data[2..2 + n]
                    .iter()
                    .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
                (2 + n, len)
            }
        };
        out.push((data[0], &data[..header + len], &data[header..header + len]));
        data = &data[header + len..];
    }
    out
}

/// The SignedData's fields: version, digestAlgorithms, encapContentInfo,
/// [0] certificates, signerInfos (the TC26 examples have exactly these).
fn signed_data_fields(ci: &[u8]) -> Vec<(u8, &[u8], &[u8])> {
    let ci = tlvs(ci)[0].2;
    let explicit = tlvs(ci)[1].2;
    let sd = tlvs(explicit)[0].2;
    let fields = tlvs(sd);
    assert_eq!(fields.len(), 5);
    fields
}

/// `ci` with its signerInfos replaced by `count` copies of its SignerInfo.
fn many_signers(ci: &[u8], count: usize) -> Vec<u8> {
    let f = signed_data_fields(ci);
    let info = tlvs(f[4].2)[0].1;
    let set = tlv(0x31, &info.repeat(count));
    wrap_signed_data(&[f[0].1, f[1].1, f[2].1, f[3].1, &set].concat())
}

/// `ci` with `count` copies of its certificate.
fn many_certificates(ci: &[u8], count: usize) -> Vec<u8> {
    let f = signed_data_fields(ci);
    let cert = tlvs(f[3].2)[0].1;
    let field = tlv(0xa0, &cert.repeat(count));
    wrap_signed_data(&[f[0].1, f[1].1, f[2].1, &field, f[4].1].concat())
}

fn wrap_signed_data(content: &[u8]) -> Vec<u8> {
    let sd = tlv(0x30, content);
    tlv(
        0x30,
        &[
            &hex("06 09 2a 86 48 86 f7 0d 01 07 02")[..],
            &tlv(0xa0, &sd),
        ]
        .concat(),
    )
}

fn render(rows: &[Row]) -> String {
    let mut out = String::from("| area | bad input | result |\n|---|---|---|\n");
    for r in rows {
        let msg = r.message.replace('|', "\\|");
        out.push_str(&format!("| {} | {} | `` {} `` |\n", r.area, r.input, msg));
    }
    out
}

#[test]
fn every_bad_input_has_its_precise_error() {
    let rows = rows();
    for r in &rows {
        assert!(
            r.message.contains(r.expect),
            "{} / {}: got {:?}, expected it to contain {:?}",
            r.area,
            r.input,
            r.message,
            r.expect
        );
        assert_ne!(r.message, "valid", "{} / {} was accepted", r.area, r.input);
    }
    let doc_path = root().join("docs/errors.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
    let (begin, end) = ("<!-- BEGIN GENERATED -->\n", "<!-- END GENERATED -->");
    let table = render(&rows);
    let (Some(b), Some(e)) = (doc.find(begin), doc.find(end)) else {
        panic!("docs/errors.md lacks the GENERATED markers");
    };
    let current = &doc[b + begin.len()..e];
    if current != table {
        if std::env::var_os("GOSTCMS_BLESS").is_some() {
            let new = format!("{}{}{}{}", &doc[..b], begin, table, &doc[e..]);
            std::fs::write(&doc_path, new).unwrap();
        } else {
            panic!(
                "docs/errors.md is out of date: run GOSTCMS_BLESS=1 cargo test --profile test-release --all-features --test library malformed::"
            );
        }
    }
}

/// Every prefix of a valid CMS is an error; every single-bit flip parses or
/// fails without panicking, and a flip in the content or the signature value
/// never verifies.
#[test]
fn every_truncation_and_every_bit_flip() {
    let key = fixed_key(CurveId::Tc26_256A);
    let cert = keys::self_signed(&key, "CN=Flip,O=gostcms", 30, Some(&[7])).unwrap();
    let signer = CmsSigner::new(key, cert).unwrap();
    let content = b"client_secret payload";
    let options = SignOptions {
        attached: true,
        signing_time: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
        ..SignOptions::default()
    };
    let der = signer.sign(content, &options).unwrap();
    assert_eq!(cms_outcome(&der), "valid");
    for cut in 0..der.len() {
        assert_ne!(cms_outcome(&der[..cut]), "valid", "prefix of {cut} bytes");
    }
    let content_at = der
        .windows(content.len())
        .position(|w| w == content)
        .unwrap();
    let covered: Vec<usize> = (content_at..content_at + content.len())
        .chain(der.len() - 64..der.len())
        .collect();
    for i in 0..der.len() {
        for bit in 0..8 {
            let mut v = der.clone();
            v[i] ^= 1 << bit;
            let outcome = cms_outcome(&v);
            if covered.contains(&i) {
                assert_ne!(outcome, "valid", "flip of bit {bit} at byte {i} verified");
            }
        }
    }
}

/// Oversized lengths at every position of a valid SPKI, PKCS#8 and
/// certificate: never a panic, never a huge allocation, never accepted.
#[test]
fn oversized_lengths_everywhere() {
    let key = fixed_key(CurveId::Tc26_512C);
    let inputs = [
        key.verifying_key().to_spki_der(),
        key.to_pkcs8_der().to_vec(),
        read("vectors/x509/tk26iok_512_cert.der"),
    ];
    for der in &inputs {
        for i in 0..der.len() {
            for long in [
                &[0x84u8, 0xff, 0xff, 0xff, 0xff][..],
                &[0x88, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                &[0x80],
            ] {
                let v = [&der[..i], long, &der[(i + 1).min(der.len())..]].concat();
                let results = [
                    err_or_valid(keys::decode_public_key(&v)),
                    err_or_valid(keys::decode_private_key(&v)),
                    err_or_valid(Certificate::from_pem_or_der(&v)),
                ];
                // A lone 0x80 in place of a content byte can leave a valid
                // key or certificate (other key bits); a longer length never.
                if long.len() > 1 {
                    assert!(results.iter().all(|r| r != "valid"), "{i}: {results:?}");
                }
                let _ = cms::verify(&v, Content::Attached, &[]);
            }
        }
    }
}

/// The masked form k || m loads by length alone (the constant-time fix in
/// keys::pkcs8), also when k's first bytes look like a DER header.
#[test]
fn masked_raw_keys_are_not_parsed_as_der() {
    let key = fixed_key(CurveId::CryptoProA);
    let form1 = key.to_pkcs8_der().to_vec();
    let head = &form1[2..form1.len() - 34];
    for k_start in [[0x04u8, 0x3e], [0x30, 0x3e], [0x02, 0x21], [0x04, 0x20]] {
        let mut k = [0x11u8; 32];
        k[..2].copy_from_slice(&k_start);
        let m = [0x05u8; 32];
        let der = tlv(0x30, &[head, &tlv(0x04, &[&k[..], &m].concat())].concat());
        let loaded = keys::decode_private_key(&der).unwrap();
        let expected = SigningKey::from_masked_le(CurveId::CryptoProA, &[&k, &m]).unwrap();
        assert_eq!(loaded.verifying_key(), expected.verifying_key());
    }
}

/// Small-order and mixed-order points are refused by every door a public
/// key comes in through: raw bytes, SPKI, and a certificate's key in CMS.
#[test]
fn small_order_points_are_refused_everywhere() {
    let points = small_order_points();
    assert_eq!(points.len(), 6);
    for (curve, what, point) in points {
        let err = VerifyingKey::from_le_bytes(curve, &point).unwrap_err();
        assert!(
            err.to_string().contains("prime-order subgroup"),
            "{curve} {what}: {err}"
        );
    }
}

/// A certificate issued to `subject` by `issuer_name`, signed with
/// `issuer_key`, marked as a CA.
fn ca_cert(
    subject_key: &SigningKey,
    subject: &str,
    issuer_name: &str,
    issuer_key: &SigningKey,
) -> Certificate {
    use core::str::FromStr;
    use der::{Decode, Encode};
    use x509_cert::builder::profile::BuilderProfile;
    use x509_cert::builder::{Builder, CertificateBuilder};
    use x509_cert::ext::pkix::BasicConstraints;
    use x509_cert::ext::{Extension, ToExtension};
    use x509_cert::name::Name;

    struct Ca {
        subject: Name,
        issuer: Name,
    }
    impl BuilderProfile for Ca {
        fn get_issuer(&self, _subject: &Name) -> Name {
            self.issuer.clone()
        }
        fn get_subject(&self) -> Name {
            self.subject.clone()
        }
        fn build_extensions(
            &self,
            _spk: spki::SubjectPublicKeyInfoRef<'_>,
            _issuer_spk: spki::SubjectPublicKeyInfoRef<'_>,
            tbs: &x509_cert::TbsCertificate,
        ) -> x509_cert::builder::Result<Vec<Extension>> {
            let bc = BasicConstraints {
                ca: true,
                path_len_constraint: None,
            };
            Ok(vec![bc.to_extension(tbs.subject(), &[])?])
        }
    }
    let profile = Ca {
        subject: Name::from_str(subject).unwrap(),
        issuer: Name::from_str(issuer_name).unwrap(),
    };
    let spki_der = subject_key.verifying_key().to_spki_der();
    let spki = x509_cert::spki::SubjectPublicKeyInfo::from_der(&spki_der).unwrap();
    let validity = x509_cert::time::Validity::from_now(Duration::from_secs(86_400)).unwrap();
    let serial = x509_cert::serial_number::SerialNumber::new(&[1]).unwrap();
    let cert = CertificateBuilder::new(profile, serial, validity, spki)
        .unwrap()
        .build::<_, Signature>(issuer_key)
        .unwrap();
    Certificate::from_der(&cert.to_der().unwrap()).unwrap()
}

/// Two CAs that issued each other's certificates: the chain walk notices
/// the loop when it comes round instead of following it.
#[test]
fn chain_walk_is_bounded() {
    let a = fixed_key(CurveId::CryptoProA);
    let b = SigningKey::from_scalar_le(CurveId::CryptoProA, &[0x17; 32]).unwrap();
    let cert_a = ca_cert(&a, "CN=A", "CN=B", &b);
    let cert_b = ca_cert(&b, "CN=B", "CN=A", &a);
    cert_a.verify_signed_by(b.verifying_key()).unwrap();
    cert_b.verify_signed_by(a.verifying_key()).unwrap();
    let anchor =
        keys::self_signed(&fixed_key(CurveId::Tc26_256A), "CN=Root", 1, Some(&[9])).unwrap();
    let err = cms::check_chain(
        &cert_a,
        &[cert_a.clone(), cert_b.clone()],
        &[anchor],
        SystemTime::now(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        "certificate loop: \"CN=A\" appears twice in its own chain"
    );
}
