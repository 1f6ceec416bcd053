//! The crate through the standard RustCrypto traits only, as a downstream
//! user would drive it.

use digest::{Digest, Update};
use gostcms::hash::{Gost94CryptoPro, Streebog256, Streebog512};
use gostcms::{CurveId, Signature, SigningKey, VerifyingKey};
use signature::hazmat::{PrehashSigner, PrehashVerifier};
use signature::{DigestSigner, DigestVerifier, Keypair, SignatureEncoding, Signer, Verifier};

#[test]
fn digest_signer_matches_message_signer() {
    let key = SigningKey::generate(CurveId::Tc26_256B).unwrap();
    let vk: VerifyingKey = Keypair::verifying_key(&key);
    let msg = b"client_id=TESTAPP&scope=openid";
    let sig: Signature = key.sign_digest(|d: &mut Streebog256| Update::update(d, msg));
    // The same signature verifies as a message signature and as a prehash.
    vk.verify(msg, &sig).unwrap();
    PrehashVerifier::verify_prehash(&vk, &Streebog256::digest(msg), &sig).unwrap();
    vk.verify_digest(
        |d: &mut Streebog256| {
            Update::update(d, msg);
            Ok(())
        },
        &sig,
    )
    .unwrap();
    // A 512-bit digest with a 256-bit key is refused, not truncated.
    let wrong: Result<Signature, _> = key.try_sign_digest(|d: &mut Streebog512| {
        Update::update(d, msg);
        Ok(())
    });
    assert!(wrong.is_err());
}

#[test]
fn legacy_gost94_digest_on_256_bit_keys() {
    let key = SigningKey::generate(CurveId::CryptoProA).unwrap();
    let sig: Signature = key.sign_digest(|d: &mut Gost94CryptoPro| Update::update(d, b"legacy"));
    key.verifying_key()
        .verify_digest(
            |d: &mut Gost94CryptoPro| {
                Update::update(d, b"legacy");
                Ok(())
            },
            &sig,
        )
        .unwrap();
}

#[test]
fn signature_encoding_round_trip() {
    let key = SigningKey::generate(CurveId::Tc26_512A).unwrap();
    let sig = key.sign(b"x");
    let bytes = sig.to_vec();
    assert_eq!(bytes.len(), 128);
    let again = Signature::try_from(bytes.as_slice()).unwrap();
    assert_eq!(again, sig);
    let pre = PrehashSigner::<Signature>::sign_prehash(&key, &Streebog512::digest(b"x")).unwrap();
    key.verifying_key().verify(b"x", &pre).unwrap();
    assert!(Signature::try_from(&bytes[..100]).is_err());
}

// ---------------------------------------------------------------------------
// Issue 28, "Rust users": each trait as RustCrypto's own examples use it.

use crate::common;

use std::fs;
use std::str::FromStr;
use std::time::Duration;

use common::{crate_path, engine_available, ok, openssl, openssl_genkey};
use der::{Encode, EncodePem};
use pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use signature::{KeypairRef, RandomizedSigner};
use spki::{DecodePublicKey, EncodePublicKey};

/// The OS RNG as a `rand_core` 0.10 `CryptoRng` (what `build_with_rng`
/// and `add_signer_info_with_rng` take).
struct OsRng;

impl signature::rand_core::TryRng for OsRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        getrandom::fill(dst).expect("OS RNG");
        Ok(())
    }
}

impl signature::rand_core::TryCryptoRng for OsRng {}

#[test]
fn pkcs8_and_spki_traits_read_and_write_what_openssl_does() {
    if !engine_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (alg, ps) in [("gost2012_256", "A"), ("gost2012_512", "C")] {
        let (key_path, pub_path) = openssl_genkey(dir.path(), alg, ps);
        let key = SigningKey::from_pkcs8_pem(&fs::read_to_string(&key_path).unwrap()).unwrap();
        let vk =
            VerifyingKey::from_public_key_pem(&fs::read_to_string(&pub_path).unwrap()).unwrap();
        assert_eq!(key.verifying_key(), &vk, "{alg} {ps}");
        // DER forms too.
        let der = EncodePrivateKey::to_pkcs8_der(&key).unwrap();
        let again = SigningKey::from_pkcs8_der(der.as_bytes()).unwrap();
        assert!(again == key);
        let spki = vk.to_public_key_der().unwrap();
        assert_eq!(
            VerifyingKey::from_public_key_der(spki.as_bytes()).unwrap(),
            vk
        );

        // What the traits write, OpenSSL reads: the same public key comes out.
        let ours = dir.path().join("ours.pem");
        let pem = EncodePrivateKey::to_pkcs8_pem(&key, LineEnding::LF).unwrap();
        fs::write(&ours, pem.as_bytes()).unwrap();
        let out = openssl(&[&"pkey", &"-in", &ours, &"-pubout"]);
        ok(&out, "openssl pkey reads EncodePrivateKey output");
        let theirs =
            VerifyingKey::from_public_key_pem(&String::from_utf8(out.stdout).unwrap()).unwrap();
        assert_eq!(theirs, vk);
    }
    // Garbage is an error, not a panic.
    assert!(SigningKey::from_pkcs8_der(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
    assert!(VerifyingKey::from_public_key_der(&[0x30, 0x00]).is_err());
}

#[test]
fn keypair_ref_debug_and_constant_time_eq() {
    fn takes_keypair_ref<K: KeypairRef<VerifyingKey = VerifyingKey>>(k: &K) -> VerifyingKey {
        *k.as_ref()
    }
    let key = SigningKey::generate(CurveId::Tc26_256A).unwrap();
    assert_eq!(&takes_keypair_ref(&key), key.verifying_key());
    assert_eq!(&Keypair::verifying_key(&key), key.verifying_key());
    let as_ref: &VerifyingKey = key.as_ref();
    assert_eq!(as_ref, key.verifying_key());

    // Debug shows the curve and public key, never the scalar (either order).
    let shown = format!("{key:?} {key:#?}");
    let d = key.to_scalar_le();
    let mut be = d.to_vec();
    be.reverse();
    assert!(!shown.contains(&hex::encode(d.as_slice())));
    assert!(!shown.contains(&hex::encode(&be)));
    assert!(!shown.to_lowercase().contains(&hex::encode(&d[..8])));
    assert!(
        shown.contains("Tc26_256A") || shown.contains("tc26"),
        "{shown}"
    );

    let same = SigningKey::from_scalar_le(CurveId::Tc26_256A, &d).unwrap();
    let other = SigningKey::generate(CurveId::Tc26_256A).unwrap();
    let other_curve = SigningKey::from_scalar_le(CurveId::CryptoProA, &d).unwrap();
    assert!(key == same);
    assert!(key != other);
    assert!(key != other_curve);
}

/// `x509-cert`'s builder with `build_with_rng`, as its documentation shows
/// (a `cabf::Root` profile): OpenSSL verifies the self-signed certificate.
#[test]
fn x509_builder_build_with_rng_makes_a_certificate_openssl_verifies() {
    use x509_cert::builder::{Builder, CertificateBuilder, profile};
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::SubjectPublicKeyInfoOwned;
    use x509_cert::time::Validity;

    if !engine_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for curve in [CurveId::CryptoProA, CurveId::Tc26_256A, CurveId::Tc26_512A] {
        let key = SigningKey::generate(curve).unwrap();
        let subject = Name::from_str("CN=gostcms traits test,O=gostcms,C=RU").unwrap();
        let profile = profile::cabf::Root::new(false, subject).unwrap();
        let spki = SubjectPublicKeyInfoOwned::from_key(key.verifying_key()).unwrap();
        let builder = CertificateBuilder::new(
            profile,
            SerialNumber::from(42u32),
            Validity::from_now(Duration::from_secs(3600)).unwrap(),
            spki,
        )
        .unwrap();
        let cert = builder
            .build_with_rng::<_, Signature, _>(&key, &mut OsRng)
            .unwrap();
        let pem = cert.to_pem(der::pem::LineEnding::LF).unwrap();
        let path = dir.path().join("root.pem");
        fs::write(&path, &pem).unwrap();
        let out = openssl(&[&"verify", &"-CAfile", &path, &path]);
        ok(&out, &format!("openssl verify ({curve:?})"));
        assert!(String::from_utf8_lossy(&out.stdout).contains("OK"));
        // And ours.
        let ours = gostcms::keys::Certificate::from_der(&cert.to_der().unwrap()).unwrap();
        ours.verify_signed_by(key.verifying_key()).unwrap();
    }
}

/// The `cms` crate's `SignedDataBuilder` with `add_signer_info_with_rng`
/// (the content digest given as an external Streebog digest: the builder's
/// own hasher knows only SHA): our verifier and OpenSSL accept it, and
/// both reject other content.
#[test]
fn cms_builder_add_signer_info_with_rng_is_accepted_by_us_and_openssl() {
    use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
    use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
    use cms::content_info::ContentInfo;
    use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
    use spki::AlgorithmIdentifierOwned;

    if !engine_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let msg = b"client_id=TESTAPP&scope=openid&state=0b8c1f0a";
    for curve in [CurveId::CryptoProA, CurveId::Tc26_512B] {
        let key = SigningKey::generate(curve).unwrap();
        let cert = gostcms::keys::self_signed(&key, "CN=CMS builder test", 30, None).unwrap();
        let x509 = cert.inner().clone();
        let digest: Vec<u8> = match curve.key_size() {
            gostcms::KeySize::Bits256 => Streebog256::digest(msg).to_vec(),
            gostcms::KeySize::Bits512 => Streebog512::digest(msg).to_vec(),
        };
        let digest_oid = match curve.key_size() {
            gostcms::KeySize::Bits256 => "1.2.643.7.1.1.2.2",
            gostcms::KeySize::Bits512 => "1.2.643.7.1.1.2.3",
        };
        let digest_alg = AlgorithmIdentifierOwned {
            oid: der::oid::ObjectIdentifier::new_unwrap(digest_oid),
            parameters: None,
        };
        let content = EncapsulatedContentInfo {
            econtent_type: der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1"),
            econtent: None,
        };
        let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: x509.tbs_certificate().issuer().clone(),
            serial_number: x509.tbs_certificate().serial_number().clone(),
        });
        let signer_info =
            SignerInfoBuilder::new(sid, digest_alg.clone(), &content, Some(&digest)).unwrap();
        let mut builder = SignedDataBuilder::new(&content);
        let signed: ContentInfo = builder
            .add_digest_algorithm(digest_alg)
            .unwrap()
            .add_certificate(CertificateChoices::Certificate(x509))
            .unwrap()
            .add_signer_info_with_rng::<_, Signature, _>(signer_info, &key, &mut OsRng)
            .unwrap()
            .build()
            .unwrap();
        let der = signed.to_der().unwrap();

        let report = gostcms::cms::verify(&der, gostcms::cms::Content::Bytes(msg), &[]).unwrap();
        assert!(report.all_valid(), "{curve:?}: {:?}", report.signers);
        let report =
            gostcms::cms::verify(&der, gostcms::cms::Content::Bytes(b"other"), &[]).unwrap();
        assert!(!report.all_valid());

        let sig = dir.path().join("sig.der");
        let content_path = dir.path().join("content");
        let other = dir.path().join("other");
        fs::write(&sig, &der).unwrap();
        fs::write(&content_path, msg).unwrap();
        fs::write(&other, b"other").unwrap();
        let run = |c: &std::path::Path| {
            openssl(&[
                &"cms",
                &"-verify",
                &"-binary",
                &"-noverify",
                &"-inform",
                &"DER",
                &"-in",
                &sig,
                &"-content",
                &c,
                &"-out",
                &"/dev/null",
            ])
        };
        ok(
            &run(&content_path),
            &format!("openssl cms -verify ({curve:?})"),
        );
        assert!(!run(&other).status.success());
    }
}

/// The fast Streebog behind the `digest` traits: identical to the
/// RustCrypto `streebog` crate (one shot, in pieces, after reset), under
/// `hmac::Hmac` (RFC 7836 vectors) and PBKDF2 (R 50.1.111-2016 vectors).
#[test]
fn fast_streebog_digest_traits_hmac_and_pbkdf2() {
    use digest::{FixedOutputReset, KeyInit, Mac};

    let mut rng = common::TestRng::new(0x5eed);
    for len in [0usize, 1, 31, 32, 63, 64, 65, 127, 128, 129, 1000, 4096 + 7] {
        let data = rng.bytes(len);
        assert_eq!(
            Streebog256::digest(&data).as_slice(),
            streebog::Streebog256::digest(&data).as_slice(),
            "{len}"
        );
        assert_eq!(
            Streebog512::digest(&data).as_slice(),
            streebog::Streebog512::digest(&data).as_slice(),
            "{len}"
        );
        let mut h = Streebog512::default();
        for piece in data.chunks(17) {
            Update::update(&mut h, piece);
        }
        let first = h.finalize_fixed_reset();
        assert_eq!(
            first.as_slice(),
            streebog::Streebog512::digest(&data).as_slice()
        );
        Update::update(&mut h, &data);
        assert_eq!(h.finalize_fixed_reset(), first, "reset");

        let key = rng.bytes(len % 100 + 1);
        let mut ours = <hmac::Hmac<Streebog256> as KeyInit>::new_from_slice(&key).unwrap();
        let mut theirs =
            <hmac::Hmac<streebog::Streebog256> as KeyInit>::new_from_slice(&key).unwrap();
        Mac::update(&mut ours, &data);
        Mac::update(&mut theirs, &data);
        assert_eq!(
            ours.finalize().into_bytes().as_slice(),
            theirs.finalize().into_bytes().as_slice()
        );
        let mut a = [0u8; 96];
        let mut b = [0u8; 96];
        pbkdf2::pbkdf2_hmac::<Streebog512>(&key, &data, 3, &mut a);
        pbkdf2::pbkdf2_hmac::<streebog::Streebog512>(&key, &data, 3, &mut b);
        assert_eq!(a, b);
    }

    let v: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(crate_path("vectors/streebog/streebog.json")).unwrap(),
    )
    .unwrap();
    for vector in v["hmac"]["vectors"].as_array().unwrap() {
        let key = hex::decode(vector["key_hex"].as_str().unwrap()).unwrap();
        let msg = hex::decode(vector["message_hex"].as_str().unwrap()).unwrap();
        let mut mac = <hmac::Hmac<Streebog256> as KeyInit>::new_from_slice(&key).unwrap();
        Mac::update(&mut mac, &msg);
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            vector["hmac_streebog256"].as_str().unwrap()
        );
        let mut mac = <hmac::Hmac<Streebog512> as KeyInit>::new_from_slice(&key).unwrap();
        Mac::update(&mut mac, &msg);
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            vector["hmac_streebog512"].as_str().unwrap()
        );
    }
    let mut checked = 0;
    for vector in v["pbkdf2_hmac_streebog512"]["vectors"].as_array().unwrap() {
        let iterations = vector["iterations"].as_u64().unwrap() as u32;
        if iterations > 5000 {
            continue; // the 16 777 216-iteration vector: seconds, not needed here
        }
        let pw = hex::decode(vector["password_hex"].as_str().unwrap()).unwrap();
        let salt = hex::decode(vector["salt_hex"].as_str().unwrap()).unwrap();
        let mut out = vec![0u8; vector["dklen"].as_u64().unwrap() as usize];
        pbkdf2::pbkdf2_hmac::<Streebog512>(&pw, &salt, iterations, &mut out);
        assert_eq!(hex::encode(&out), vector["dk_hex"].as_str().unwrap());
        checked += 1;
    }
    assert!(checked >= 4, "{checked}");

    // DigestSigner over the fast type: OpenSSL-free check against the prehash path.
    let key = SigningKey::generate(CurveId::Tc26_512C).unwrap();
    let sig: Signature = key.sign_digest(|d: &mut Streebog512| Update::update(d, b"abc"));
    key.verifying_key().verify(b"abc", &sig).unwrap();
    // RandomizedSigner straight.
    let sig: Signature = key.sign_with_rng(&mut OsRng, b"abc");
    key.verifying_key().verify(b"abc", &sig).unwrap();
}
