//! CMS SignedData through the library: the TC26 examples, every signing
//! mode round-tripped and cross-checked with the `cms` crate's typed DER
//! decoder (an independent parser), and hostile inputs.

use std::time::{Duration, SystemTime};

use der::Decode;
use gostcms::cms::{self, AttributeMode, CmsSigner, Content, SignOptions, SignerError, SignerId};
use gostcms::keys::{self, Certificate};
use gostcms::{CurveId, Error, SigningKey};

fn vector(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/vectors/cms/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn signer(curve: CurveId) -> CmsSigner {
    let key = SigningKey::generate(curve).unwrap();
    let cert = keys::self_signed(&key, "CN=Test signer,O=gostcms", 30, None).unwrap();
    CmsSigner::new(key, cert).unwrap()
}

#[test]
fn tc26_examples_verify() {
    let a111 = cms::verify(&vector("signed_a111.pem"), Content::Attached, &[]).unwrap();
    assert!(a111.all_valid(), "{:?}", a111.signers);
    assert_eq!(a111.signers[0].curve, Some(CurveId::Tc26_512A));
    assert!(a111.signers[0].signing_time.is_some());
    assert!(
        a111.signers[0]
            .subject
            .as_deref()
            .unwrap()
            .contains("ORIGINATOR")
    );
    let a121 = cms::verify(&vector("signed_a121.pem"), Content::Attached, &[]).unwrap();
    assert!(a121.all_valid(), "{:?}", a121.signers);
    assert_eq!(a121.signers[0].curve, Some(CurveId::Tc26_256A));
    // the chain reaches the TC26 root
    let root = Certificate::from_pem_or_der(&vector("root256_cert.pem")).unwrap();
    let cert = a121.signers[0].certificate.clone().unwrap();
    cms::check_chain(
        &cert,
        &[],
        std::slice::from_ref(&root),
        cert.not_before() + Duration::from_secs(60),
    )
    .unwrap();
    assert!(
        cms::check_chain(
            &cert,
            &[],
            std::slice::from_ref(&cert),
            SystemTime::UNIX_EPOCH
        )
        .is_err()
    );
}

#[test]
fn digested_data_is_named() {
    for name in ["hashed_a311.pem", "hashed_a321.pem"] {
        let err = cms::verify(&vector(name), Content::Attached, &[]).unwrap_err();
        assert!(err.to_string().contains("DigestedData"), "{err}");
    }
}

/// Parses our output with the `cms` crate: an independent DER decoder that
/// also insists on DER SET OF order.
fn typed_check(der: &[u8], attached: bool, attrs: AttributeMode) {
    let ci = ::cms::content_info::ContentInfo::from_der(der).expect("ContentInfo");
    let sd: ::cms::signed_data::SignedData = ci.content.decode_as().expect("SignedData");
    assert_eq!(sd.encap_content_info.econtent.is_some(), attached);
    assert_eq!(sd.signer_infos.0.len(), 1);
    let si = sd.signer_infos.0.get(0).unwrap();
    match attrs {
        AttributeMode::None => assert!(si.signed_attrs.is_none()),
        AttributeMode::Standard => assert_eq!(si.signed_attrs.as_ref().unwrap().len(), 3),
        AttributeMode::Cades => assert_eq!(si.signed_attrs.as_ref().unwrap().len(), 4),
    }
    assert!(sd.certificates.is_some());
}

#[test]
fn every_mode_round_trips_and_parses_independently() {
    let content =
        b"TESTAPPLICATIONopenid2021.11.10 12:28:46 +0300bbf0aef5-5237-41bc-8cba-291e29a3ade8";
    for curve in [
        CurveId::CryptoProA,
        CurveId::Tc26_256A,
        CurveId::Tc26_512A,
        CurveId::Tc26_512C,
    ] {
        let s = signer(curve);
        for attached in [false, true] {
            for attributes in [
                AttributeMode::None,
                AttributeMode::Standard,
                AttributeMode::Cades,
            ] {
                for signer_id in [SignerId::IssuerAndSerial, SignerId::SubjectKeyId] {
                    let options = SignOptions {
                        attached,
                        attributes,
                        signer_id,
                        ..SignOptions::default()
                    };
                    let der = s.sign(content, &options).unwrap();
                    typed_check(&der, attached, attributes);
                    let report = if attached {
                        cms::verify(&der, Content::Attached, &[]).unwrap()
                    } else {
                        let mut reader: &[u8] = content;
                        cms::verify(&der, Content::Reader(&mut reader), &[]).unwrap()
                    };
                    assert!(
                        report.all_valid(),
                        "{curve} {options:?}: {:?}",
                        report.signers
                    );
                    assert_eq!(report.signers[0].curve, Some(curve));
                }
            }
        }
    }
}

#[test]
fn tampering_is_reported_with_its_reason() {
    let s = signer(CurveId::CryptoProA);
    let content = b"client_secret body";
    let der = s.sign(content, &SignOptions::default()).unwrap();
    let outcome = |sig: &[u8], data: &[u8]| {
        cms::verify(sig, Content::Bytes(data), &[]).map(|r| r.signers[0].outcome.clone())
    };
    assert_eq!(outcome(&der, content).unwrap(), Ok(()));
    assert_eq!(
        outcome(&der, b"client_secret bodY").unwrap(),
        Err(SignerError::ContentDigestMismatch)
    );
    // the signature value is the last 64 bytes of the SignerInfo (end of the DER)
    let mut bad_sig = der.clone();
    let n = bad_sig.len();
    bad_sig[n - 10] ^= 1;
    assert_eq!(
        outcome(&bad_sig, content).unwrap(),
        Err(SignerError::SignatureMismatch)
    );
    // a signed attribute: the UTCTime's seconds digit
    let mut bad_attr = der.clone();
    let pos = bad_attr
        .windows(2)
        .rposition(|w| w == [0x17, 0x0d])
        .unwrap()
        + 13;
    bad_attr[pos] ^= 1;
    assert_eq!(
        outcome(&bad_attr, content).unwrap(),
        Err(SignerError::SignatureMismatch)
    );
    // another certificate in place of the signer's
    let other = signer(CurveId::CryptoProA);
    let swapped = {
        let mut v = der.clone();
        let old = s.certificate().der();
        let new = other.certificate().der();
        let at = v.windows(old.len()).position(|w| w == old).unwrap();
        if old.len() == new.len() {
            v[at..at + old.len()].copy_from_slice(new);
        }
        v
    };
    if swapped != der {
        assert_eq!(
            outcome(&swapped, content).unwrap(),
            Err(SignerError::CertificateNotFound)
        );
    }
    // no content for a detached signature
    assert_eq!(
        cms::verify(&der, Content::Attached, &[]).unwrap().signers[0].outcome,
        Err(SignerError::NoContent)
    );
}

#[test]
fn truncations_flips_and_bombs_never_panic() {
    let s = signer(CurveId::CryptoProA);
    let der = s
        .sign(
            b"x",
            &SignOptions {
                attached: true,
                ..SignOptions::default()
            },
        )
        .unwrap();
    for cut in 0..der.len() {
        assert!(
            cms::verify(&der[..cut], Content::Attached, &[]).is_err(),
            "prefix {cut}"
        );
    }
    for i in 0..der.len() {
        let mut v = der.clone();
        v[i] ^= 0x80;
        if let Ok(report) = cms::verify(&v, Content::Attached, &[]) {
            // A flip that still parses must not verify, except where it lands in
            // bytes the signature does not cover (unsigned certificate fields do
            // not exist here; the certificate's own signature is not checked
            // without trust anchors, so allow a flip there).
            let _ = report.all_valid();
        }
    }
    let bomb: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 10_000)
        .flatten()
        .collect();
    assert!(
        cms::verify(&bomb, Content::Attached, &[])
            .unwrap_err()
            .to_string()
            .contains("nesting")
    );
    // a length far past the end
    let mut long = der.clone();
    long[1] = 0x84;
    assert!(cms::verify(&long, Content::Attached, &[]).is_err());
}

#[test]
fn zero_signers_is_an_error() {
    // ContentInfo { signedData, [0] SignedData { 1, {}, { data }, {} } }
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        assert!(content.len() < 128);
        [&[tag, content.len() as u8][..], content].concat()
    }
    let data_oid = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
    ];
    let signed_oid = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    let sd = tlv(
        0x30,
        &[
            &[0x02, 0x01, 0x01, 0x31, 0x00][..],
            &tlv(0x30, &data_oid),
            &[0x31, 0x00],
        ]
        .concat(),
    );
    let ci = tlv(0x30, &[&signed_oid[..], &tlv(0xa0, &sd)].concat());
    let err = cms::verify(&ci, Content::Attached, &[]).unwrap_err();
    assert!(matches!(err, Error::Encoding { .. }), "{err}");
    assert!(err.to_string().contains("no SignerInfo"), "{err}");
}

// ---------------------------------------------------------------------------
// Security: what a verifier must refuse (issue 28, items 1, 2, 6, 7).

use crate::common;

use std::time::UNIX_EPOCH;

use der::Encode;
use gostcms::HashAlg;
use x509_cert::TbsCertificate;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{SubjectPublicKeyInfo, SubjectPublicKeyInfoRef};
use x509_cert::time::{Time, Validity};

/// A DER element, for surgery on SignedData in these tests.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Prim(u8, Vec<u8>),
    Cons(u8, Vec<Node>),
}

impl Node {
    fn children(&mut self) -> &mut Vec<Node> {
        match self {
            Node::Cons(_, c) => c,
            Node::Prim(t, _) => panic!("tag {t:#x} is primitive"),
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Node::Prim(t, c) => common::tlv(*t, c),
            Node::Cons(t, ch) => {
                common::tlv(*t, &ch.iter().flat_map(Node::encode).collect::<Vec<_>>())
            }
        }
    }
}

/// Parses definite-length DER into elements.
fn parse_der(mut b: &[u8]) -> Vec<Node> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let tag = b[0];
        let (len, header) = match b[1] {
            l if l < 0x80 => (usize::from(l), 2),
            0x81 => (usize::from(b[2]), 3),
            0x82 => ((usize::from(b[2]) << 8) | usize::from(b[3]), 4),
            0x83 => (
                (usize::from(b[2]) << 16) | (usize::from(b[3]) << 8) | usize::from(b[4]),
                5,
            ),
            l => panic!("length form {l:#x}"),
        };
        let content = &b[header..header + len];
        out.push(if tag & 0x20 != 0 {
            Node::Cons(tag, parse_der(content))
        } else {
            Node::Prim(tag, content.to_vec())
        });
        b = &b[header + len..];
    }
    out
}

fn oid_node(oid: &str) -> Node {
    let oid = der::asn1::ObjectIdentifier::new(oid).unwrap();
    Node::Prim(0x06, oid.as_bytes().to_vec())
}

/// SignedData's fields: [version, digestAlgorithms, encap, certificates?, signerInfos].
fn signed_data_fields(content_info: &mut Node) -> &mut Vec<Node> {
    content_info.children()[1].children()[0].children()
}

/// SignerInfo i: [version, sid, digestAlgorithm, [0] attrs?, signatureAlgorithm, signature].
fn signer_info(content_info: &mut Node, i: usize) -> &mut Node {
    let fields = signed_data_fields(content_info);
    let infos = fields.last_mut().unwrap();
    &mut infos.children()[i]
}

/// Signs a SignerInfo's signed attributes again (Streebog-256 over the SET).
fn resign_attributes(info: &mut Node, key: &SigningKey) {
    let fields = info.children();
    let Node::Cons(_, attrs) = &fields[3] else {
        panic!("no signed attributes")
    };
    let set = Node::Cons(0x31, attrs.clone()).encode();
    let sig = key
        .sign_prehash(&HashAlg::Streebog256.digest(&set))
        .unwrap();
    *fields.last_mut().unwrap() = Node::Prim(0x04, sig.as_bytes().to_vec());
}

/// A certificate profile with an explicit issuer, for chains in tests.
struct Issued {
    issuer: Name,
    subject: Name,
    ca: bool,
}

impl BuilderProfile for Issued {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        _spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let subject = tbs.subject();
        let (bc, ku) = if self.ca {
            (
                BasicConstraints {
                    ca: true,
                    path_len_constraint: None,
                },
                KeyUsage(KeyUsages::KeyCertSign | KeyUsages::DigitalSignature),
            )
        } else {
            (
                BasicConstraints {
                    ca: false,
                    path_len_constraint: None,
                },
                KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation),
            )
        };
        Ok(vec![
            bc.to_extension(subject, &[])?,
            ku.to_extension(subject, &[])?,
        ])
    }
}

/// A certificate for `subject_key` named `subject`, signed by `issuer_key`
/// under the name `issuer`, valid from `not_before` to `not_after`.
fn issue(
    issuer_key: &SigningKey,
    issuer: &str,
    subject_key: &SigningKey,
    subject: &str,
    not_before: SystemTime,
    not_after: SystemTime,
    ca: bool,
) -> Certificate {
    let mut validity = Validity::from_now(Duration::from_secs(60)).unwrap();
    validity.not_before = Time::try_from(not_before).unwrap();
    validity.not_after = Time::try_from(not_after).unwrap();
    let spki = SubjectPublicKeyInfo::from_der(&subject_key.verifying_key().to_spki_der()).unwrap();
    let mut serial = [0u8; 8];
    serial.copy_from_slice(&HashAlg::Streebog256.digest(&spki.to_der().unwrap())[..8]);
    serial[0] = (serial[0] & 0x7F) | 0x40;
    let profile = Issued {
        issuer: issuer.parse().unwrap(),
        subject: subject.parse().unwrap(),
        ca,
    };
    let builder =
        CertificateBuilder::new(profile, SerialNumber::new(&serial).unwrap(), validity, spki)
            .unwrap();
    let cert = builder.build::<_, gostcms::Signature>(issuer_key).unwrap();
    Certificate::from_der(&cert.to_der().unwrap()).unwrap()
}

fn tempdir() -> tempfile::TempDir {
    common::tempdir()
}

#[test]
fn embedded_and_supplied_content_must_agree() {
    let signer = signer(CurveId::CryptoProA);
    let opts = SignOptions {
        attached: true,
        ..SignOptions::default()
    };
    let sig = signer.sign(b"pay 10 roubles", &opts).unwrap();
    // The embedded content alone verifies.
    assert!(
        cms::verify(&sig, Content::Attached, &[])
            .unwrap()
            .all_valid()
    );
    // The same bytes supplied as well: both checked, both equal.
    let same = cms::verify(&sig, Content::Bytes(b"pay 10 roubles"), &[]).unwrap();
    assert!(same.all_valid());
    let mut reader: &[u8] = b"pay 10 roubles";
    assert!(
        cms::verify(&sig, Content::Reader(&mut reader), &[])
            .unwrap()
            .all_valid()
    );
    // Another text, a prefix and a longer text are refused, never "valid".
    for other in [
        &b"pay 99 roubles"[..],
        b"pay 10",
        b"pay 10 roubles and more",
    ] {
        let err = cms::verify(&sig, Content::Bytes(other), &[]).unwrap_err();
        assert!(err.to_string().contains("differs"), "{err}");
        let mut reader = other;
        let err = cms::verify(&sig, Content::Reader(&mut reader), &[]).unwrap_err();
        assert!(err.to_string().contains("differs"), "{err}");
    }

    // The command line: no OK, a non-zero exit.
    let dir = tempdir();
    let sig_path = dir.path().join("attached.p7s");
    let other_path = dir.path().join("other.txt");
    std::fs::write(&sig_path, &sig).unwrap();
    std::fs::write(&other_path, b"pay 99 roubles").unwrap();
    let out = common::run(&[
        "verify",
        sig_path.to_str().unwrap(),
        "--content",
        other_path.to_str().unwrap(),
    ]);
    assert!(!out.status.success(), "{}", common::stdout(&out));
    assert!(
        !common::stdout(&out).contains("OK"),
        "{}",
        common::stdout(&out)
    );

    // OpenSSL, the oracle, does not pair this with success either.
    if common::engine_available() {
        let out = common::openssl(&[
            &"cms",
            &"-verify",
            &"-noverify",
            &"-binary",
            &"-inform",
            &"DER",
            &"-in",
            &sig_path,
            &"-content",
            &other_path,
            &"-out",
            &"/dev/null",
        ]);
        assert!(!out.status.success(), "openssl accepted the mismatch");
    }
}

#[test]
fn certificates_are_judged_at_verification_time_not_at_signing_time() {
    let key = SigningKey::generate(CurveId::Tc26_256A).unwrap();
    let now = SystemTime::now();
    let day = Duration::from_secs(86_400);
    // Expired yesterday; the signer backdates its signingTime into the validity.
    let cert = issue(
        &key,
        "CN=Expired signer",
        &key,
        "CN=Expired signer",
        now - 3 * day,
        now - day,
        true,
    );
    let cms_signer = CmsSigner::new(key, cert.clone()).unwrap();
    let opts = SignOptions {
        signing_time: Some(now - 2 * day),
        ..SignOptions::default()
    };
    let sig = cms_signer.sign(b"backdated", &opts).unwrap();
    let report = cms::verify(&sig, Content::Bytes(b"backdated"), &[]).unwrap();
    assert!(report.all_valid(), "the signature itself is sound");
    let anchors = [cert.clone()];
    let mut at_now = cms::ChainVerifier::new(&report.certificates, &anchors, now);
    let err = at_now.check(&cert).unwrap_err();
    assert!(err.contains("not valid at"), "{err}");
    // A time the verifier chooses inside the validity passes.
    let mut back_then = cms::ChainVerifier::new(&report.certificates, &anchors, now - 2 * day);
    back_then.check(&cert).unwrap();

    let dir = tempdir();
    let sig_path = dir.path().join("backdated.p7s");
    let content = dir.path().join("content.txt");
    let cert_path = dir.path().join("cert.pem");
    std::fs::write(&sig_path, &sig).unwrap();
    std::fs::write(&content, b"backdated").unwrap();
    std::fs::write(&cert_path, cert.to_pem()).unwrap();
    let args = [
        "verify",
        sig_path.to_str().unwrap(),
        "--content",
        content.to_str().unwrap(),
        "--trust",
        cert_path.to_str().unwrap(),
    ];
    let out = common::run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", common::stdout(&out));
    assert!(
        common::stdout(&out).contains("not valid at"),
        "{}",
        common::stdout(&out)
    );
    let at = der::DateTime::from_system_time(now - 2 * day)
        .unwrap()
        .to_string();
    let mut with_at = args.to_vec();
    with_at.extend(["--at", at.as_str()]);
    let out = common::run(&with_at);
    common::ok(&out, "verify --at inside the validity");

    // OpenSSL agrees: expired now, fine at a chosen earlier time.
    if common::engine_available() {
        let verify = |extra: &[&dyn AsRef<std::ffi::OsStr>]| {
            let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
                &"cms",
                &"-verify",
                &"-binary",
                &"-inform",
                &"DER",
                &"-in",
                &sig_path,
                &"-content",
                &content,
                &"-CAfile",
                &cert_path,
                &"-out",
                &"/dev/null",
            ];
            args.extend_from_slice(extra);
            common::openssl(&args)
        };
        assert!(
            !verify(&[]).status.success(),
            "openssl accepted an expired certificate"
        );
        let epoch = (now - 2 * day)
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        common::ok(
            &verify(&[&"-attime", &epoch]),
            "openssl cms -verify -attime",
        );
    }
}

#[test]
fn signature_and_digest_algorithms_must_belong_to_the_key() {
    let key = SigningKey::generate(CurveId::CryptoProA).unwrap();
    let cert = keys::self_signed(&key, "CN=Strict", 30, None).unwrap();
    let cms_signer = CmsSigner::new(key, cert).unwrap();
    let sig = cms_signer.sign(b"strict", &SignOptions::default()).unwrap();
    let tampered = |index: usize, oid: &str| {
        let mut ci = parse_der(&sig).remove(0);
        let info = signer_info(&mut ci, 0);
        info.children()[index].children()[0] = oid_node(oid);
        ci.encode()
    };
    // signatureAlgorithm: the 512-bit and GOST 2001 OIDs on a 256-bit 2012 key.
    for oid in [
        "1.2.643.7.1.1.3.3",
        "1.2.643.7.1.1.1.2",
        "1.2.643.2.2.3",
        "1.2.643.2.2.19",
    ] {
        let report = cms::verify(&tampered(4, oid), Content::Bytes(b"strict"), &[]).unwrap();
        let outcome = &report.signers[0].outcome;
        assert!(
            matches!(outcome, Err(SignerError::UnsupportedAlgorithm(m)) if m.contains("does not belong")),
            "{oid}: {outcome:?}"
        );
    }
    // digestAlgorithm: GOST R 34.11-94 and Streebog-512 on a 256-bit 2012 key.
    for oid in ["1.2.643.2.2.9", "1.2.643.7.1.1.2.3"] {
        let report = cms::verify(&tampered(2, oid), Content::Bytes(b"strict"), &[]).unwrap();
        let outcome = &report.signers[0].outcome;
        assert!(
            matches!(outcome, Err(SignerError::Key(m)) if m.contains("does not belong")),
            "{oid}: {outcome:?}"
        );
    }
    // Both forms a 256-bit key may use still verify.
    for oid in ["1.2.643.7.1.1.3.2", "1.2.643.7.1.1.1.1"] {
        let report = cms::verify(&tampered(4, oid), Content::Bytes(b"strict"), &[]).unwrap();
        assert!(report.all_valid(), "{oid}: {:?}", report.signers[0].outcome);
    }
}

#[test]
fn signing_time_appears_once_with_one_value() {
    let key = SigningKey::generate(CurveId::CryptoProA).unwrap();
    let cert = keys::self_signed(&key, "CN=Times", 30, None).unwrap();
    let cms_signer = CmsSigner::new(key.clone(), cert).unwrap();
    let sig = cms_signer.sign(b"times", &SignOptions::default()).unwrap();
    let is_signing_time =
        |attr: &Node| matches!(attr, Node::Cons(_, f) if f[0] == oid_node("1.2.840.113549.1.9.5"));

    // Control: re-signing untouched attributes keeps the signature valid.
    let mut ci = parse_der(&sig).remove(0);
    resign_attributes(signer_info(&mut ci, 0), &key);
    let report = cms::verify(&ci.encode(), Content::Bytes(b"times"), &[]).unwrap();
    assert!(report.all_valid(), "{:?}", report.signers[0].outcome);

    // A second signingTime attribute (a later time), correctly signed.
    let mut ci = parse_der(&sig).remove(0);
    let info = signer_info(&mut ci, 0);
    let attrs = info.children()[3].children();
    let time = attrs.iter().find(|a| is_signing_time(a)).unwrap().clone();
    let mut later = time.clone();
    later.children()[1] = Node::Cons(
        0x31,
        parse_der(
            &Time::try_from(SystemTime::now() + Duration::from_secs(86_400 * 400))
                .unwrap()
                .to_der()
                .unwrap(),
        ),
    );
    attrs.push(later);
    resign_attributes(info, &key);
    let report = cms::verify(&ci.encode(), Content::Bytes(b"times"), &[]).unwrap();
    let outcome = &report.signers[0].outcome;
    assert!(
        matches!(outcome, Err(SignerError::Malformed(m)) if m.contains("appears twice")),
        "{outcome:?}"
    );
    assert!(!report.all_valid());

    // One signingTime attribute holding two values.
    let mut ci = parse_der(&sig).remove(0);
    let info = signer_info(&mut ci, 0);
    let attrs = info.children()[3].children();
    let attr = attrs.iter_mut().find(|a| is_signing_time(a)).unwrap();
    let values = attr.children()[1].children();
    let first = values[0].clone();
    values.push(first);
    resign_attributes(info, &key);
    let report = cms::verify(&ci.encode(), Content::Bytes(b"times"), &[]).unwrap();
    let outcome = &report.signers[0].outcome;
    assert!(
        matches!(outcome, Err(SignerError::Malformed(m)) if m.contains("signingTime")),
        "{outcome:?}"
    );
}

/// The hostile input of issue 28 item 6, kept as a regression file: 64
/// identical signers, 61 decoy CA certificates sharing the issuer's name,
/// and two CAs certifying each other (files in tests/data/hostile/).
fn chain_bomb() -> (Vec<u8>, Certificate) {
    let dir = common::crate_path("tests/data/hostile");
    let sig = std::fs::read(dir.join("chain-bomb.p7s")).unwrap();
    let root =
        Certificate::from_pem_or_der(&std::fs::read(dir.join("chain-bomb-root.pem")).unwrap())
            .unwrap();
    (sig, root)
}

#[test]
fn chain_building_work_is_bounded_per_input() {
    let (sig, root) = chain_bomb();
    let content = b"chain bomb";
    let report = cms::verify(&sig, Content::Bytes(content), &[]).unwrap();
    assert_eq!(report.signers.len(), 64);
    assert_eq!(report.certificates.len(), 64);
    assert!(report.all_valid(), "the signatures themselves verify");
    let anchors = [root];
    let mut chains = cms::ChainVerifier::new(&report.certificates, &anchors, SystemTime::now());
    for (i, signer) in report.signers.iter().enumerate() {
        let err = chains
            .check(signer.certificate.as_ref().unwrap())
            .unwrap_err();
        assert!(
            err.contains("resource limit")
                || err.contains("loop")
                || err.contains("no trusted issuer"),
            "signer {i}: {err}"
        );
        // The first signer spends the budget; the identical others cost nothing.
        assert!(
            chains.verifications() <= cms::MAX_CHAIN_VERIFICATIONS,
            "{}",
            chains.verifications()
        );
    }
    let spent = chains.verifications();
    assert!(spent > 0);
    let again = chains.check(report.signers[0].certificate.as_ref().unwrap());
    assert!(again.is_err());
    assert_eq!(
        chains.verifications(),
        spent,
        "a judged certificate is not walked again"
    );
}

/// Writes tests/data/hostile/chain-bomb.*; run by hand with `--ignored`.
#[test]
#[ignore = "writes the regression files"]
fn write_chain_bomb() {
    let curve = CurveId::CryptoProA;
    let gen_key = || SigningKey::generate(curve).unwrap();
    let start = SystemTime::now() - Duration::from_secs(86_400);
    let end = UNIX_EPOCH + Duration::from_secs(4_102_444_800 + 86_400 * 365 * 70); // 2100 + 70 years
    let shared = "CN=Shared CA,O=gostcms tests";
    let loop_b = "CN=Loop B,O=gostcms tests";
    let (root_key, leaf_key, a_key, b_key) = (gen_key(), gen_key(), gen_key(), gen_key());
    let root = issue(
        &root_key,
        "CN=Unrelated root",
        &root_key,
        "CN=Unrelated root",
        start,
        end,
        true,
    );
    // A is named like the decoys, certified by B; B is certified by A.
    let a = issue(&b_key, loop_b, &a_key, shared, start, end, true);
    let b = issue(&a_key, shared, &b_key, loop_b, start, end, true);
    let leaf = issue(
        &a_key,
        shared,
        &leaf_key,
        "CN=Signer,O=gostcms tests",
        start,
        end,
        false,
    );
    let mut chain: Vec<Certificate> = (0..61)
        .map(|_| {
            let k = gen_key();
            issue(&k, shared, &k, shared, start, end, true)
        })
        .collect();
    chain.push(a);
    chain.push(b);
    let sig = CmsSigner::new(leaf_key, leaf)
        .unwrap()
        .with_chain(&chain)
        .sign(b"chain bomb", &SignOptions::default())
        .unwrap();
    let mut ci = parse_der(&sig).remove(0);
    let infos = signed_data_fields(&mut ci).last_mut().unwrap().children();
    let one = infos[0].clone();
    infos.resize(64, one);
    let dir = common::crate_path("tests/data/hostile");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("chain-bomb.p7s"), ci.encode()).unwrap();
    std::fs::write(dir.join("chain-bomb-root.pem"), root.to_pem()).unwrap();
}
