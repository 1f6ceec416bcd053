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
