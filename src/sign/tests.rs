//! Known-answer and negative tests for signing, against the standard's
//! examples (GOST R 34.10-2012 Appendix A), RFC 8133 scalar multiples and
//! signatures made by CryptoPro CSP.

use serde_json::Value;

use super::*;
use crate::curve::point::ProjectivePoint;
use crate::curve::{AnyCurve, CurveId};
use ::signature::{Signer, Verifier};

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("vector JSON")
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).expect("hex")
}

fn be_limbs<const N: usize>(s: &str) -> [u64; N] {
    limbs::from_be_bytes(&unhex(s)).expect("fits")
}

fn curve_by_name(name: &str) -> CurveId {
    name.parse().expect("known curve")
}

#[test]
fn appendix_a_examples_reproduce_exactly() {
    let v = json(include_str!("../../vectors/gost3410/signatures.json"));
    for vector in v["vectors"].as_array().unwrap() {
        let curve = curve_by_name(vector["curve_oid"].as_str().unwrap());
        let enc = &vector["encodings"];
        let key = SigningKey::from_scalar_be(curve, &unhex(vector["d"].as_str().unwrap())).unwrap();
        assert_eq!(
            hex::encode(key.to_scalar_le()),
            enc["private_key_le_hex"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(key.verifying_key().to_le_bytes()),
            enc["public_key_spki_octets_hex"].as_str().unwrap(),
            "Q = d*G for {curve}"
        );
        let digest = unhex(enc["digest_bytes_hex"].as_str().unwrap());
        let k = unhex(vector["k"].as_str().unwrap());
        let sig = hazmat::sign_prehash_with_nonce(&key, &digest, &k).unwrap();
        assert_eq!(
            hex::encode(sig.as_bytes()),
            enc["signature_s_r_be_hex"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(sig.to_reversed()),
            enc["signature_cryptoapi_reversed_hex"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(sig.r_be()),
            vector["r"].as_str().unwrap().to_lowercase()
        );
        let vk = VerifyingKey::from_le_bytes(
            curve,
            &unhex(enc["public_key_spki_octets_hex"].as_str().unwrap()),
        )
        .unwrap();
        vk.verify_prehash(&digest, &sig).unwrap();
        // alpha + 1 (the digest's first byte is the least significant) must fail
        let mut other = digest.clone();
        other[0] = other[0].wrapping_add(1);
        assert_eq!(
            vk.verify_prehash(&other, &sig),
            Err(Error::SignatureMismatch)
        );
        // hedged signing gives a different, valid signature
        let hedged = key.sign_prehash(&digest).unwrap();
        assert_ne!(hedged, sig);
        vk.verify_prehash(&digest, &hedged).unwrap();
    }
}

fn check_scalar_mult<const N: usize>(c: &Curve<N>, vector: &Value) {
    let k: [u64; N] = be_limbs(vector["k"].as_str().unwrap());
    let base = if vector["base"] == "G" {
        c.to_projective(&c.g)
    } else {
        let x = be_limbs(vector["Px"].as_str().unwrap());
        let y = be_limbs(vector["Py"].as_str().unwrap());
        ProjectivePoint {
            x: c.fp.to_mont(&x),
            y: c.fp.to_mont(&y),
            z: c.fp.one(),
        }
    };
    let mut results = vec![c.mul_vartime(&base, &k)];
    if vector["base"] == "G" {
        results.push(c.mul_base(&k));
        results.push(c.mul_base_vartime(&k));
    }
    for r in results {
        let a = c.to_affine(&r).unwrap();
        assert_eq!(
            c.fp.to_int(&a.x),
            be_limbs::<N>(vector["Rx"].as_str().unwrap())
        );
        assert_eq!(
            c.fp.to_int(&a.y),
            be_limbs::<N>(vector["Ry"].as_str().unwrap())
        );
    }
}

#[test]
fn rfc8133_scalar_multiples() {
    let v = json(include_str!("../../vectors/gost3410/scalar_mult.json"));
    let vectors = v["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 20);
    for vector in vectors {
        match curve_by_name(vector["curve"].as_str().unwrap()).curve() {
            AnyCurve::W4(c) => check_scalar_mult(c, vector),
            AnyCurve::W8(c) => check_scalar_mult(c, vector),
        }
    }
}

#[test]
fn cryptopro_csp_signatures_verify_after_reversal() {
    let v = json(include_str!("../../vectors/gost3410/interop.json"));
    for vector in v["vectors"].as_array().unwrap() {
        let curve = curve_by_name(vector["curve_oid"].as_str().unwrap());
        let data = unhex(vector["data_hex"].as_str().unwrap());
        let hash = unhex(vector["hash_hex"].as_str().unwrap());
        let vk =
            VerifyingKey::from_le_bytes(curve, &unhex(vector["pubkey_raw_hex"].as_str().unwrap()))
                .unwrap();
        assert_eq!(vk.hash_alg().digest(&data), hash);
        let sig = Signature::from_reversed(&unhex(vector["signature_raw_hex"].as_str().unwrap()))
            .unwrap();
        vk.verify_message(&data, &sig).unwrap();
        // without the reversal it must not verify
        let raw =
            Signature::from_slice(&unhex(vector["signature_raw_hex"].as_str().unwrap())).unwrap();
        assert!(
            vk.verify_message(&data, &raw).is_err(),
            "{}",
            vector["label"]
        );
    }
}

#[test]
fn every_curve_signs_and_verifies() {
    for curve in CurveId::ALL {
        let key = SigningKey::generate(curve).unwrap();
        let vk = key.verifying_key();
        for i in 0..4u8 {
            let msg = [i; 37];
            let sig = key.sign(&msg);
            vk.verify(&msg, &sig).unwrap();
            assert!(vk.verify(&[i ^ 1; 37], &sig).is_err());
            let mut bad = sig.as_bytes().to_vec();
            bad[3] ^= 0x40;
            assert!(
                vk.verify(&msg, &Signature::from_slice(&bad).unwrap())
                    .is_err()
            );
        }
        // round trips of the encodings
        let again = SigningKey::from_scalar_le(curve, &key.to_scalar_le()).unwrap();
        assert_eq!(again.verifying_key(), vk);
        assert_eq!(
            VerifyingKey::from_le_bytes(curve, &vk.to_le_bytes()).unwrap(),
            *vk
        );
    }
}

fn q_be(curve: CurveId) -> Vec<u8> {
    let n = curve.key_size().coordinate_len();
    let mut out = vec![0u8; n];
    match curve.curve() {
        AnyCurve::W4(c) => limbs::write_be_bytes(c.q(), &mut out),
        AnyCurve::W8(c) => limbs::write_be_bytes(c.q(), &mut out),
    }
    out
}

#[test]
fn out_of_range_r_and_s_are_rejected() {
    for curve in [CurveId::CryptoProA, CurveId::Tc26_512B] {
        let key = SigningKey::generate(curve).unwrap();
        let vk = key.verifying_key();
        let n = curve.key_size().coordinate_len();
        let digest = vec![7u8; n];
        let good = key.sign_prehash(&digest).unwrap();
        let (s, r) = good.as_bytes().split_at(n);
        let q = q_be(curve);
        let zero = vec![0u8; n];
        let mut q_plus = q.clone();
        *q_plus.last_mut().unwrap() += 1;
        let cases: [(&[u8], &[u8], &str); 5] = [
            (s, &zero, "r is not in (0, q)"),
            (&zero, r, "s is not in (0, q)"),
            (s, &q, "r is not in (0, q)"),
            (&q, r, "s is not in (0, q)"),
            (&q_plus, r, "s is not in (0, q)"),
        ];
        for (s_bytes, r_bytes, reason) in cases {
            let sig = Signature::from_slice(&[s_bytes, r_bytes].concat()).unwrap();
            assert_eq!(
                vk.verify_prehash(&digest, &sig),
                Err(Error::SignatureRange(reason))
            );
        }
        // r + q and s + q are the same residues but must still be rejected
        assert!(Signature::from_slice(&[0u8; 65]).is_err());
        assert!(matches!(
            vk.verify_prehash(&digest[..n - 1], &good),
            Err(Error::DigestLength { .. })
        ));
    }
}

#[test]
fn private_key_range() {
    let curve = CurveId::CryptoProA;
    assert_eq!(
        SigningKey::from_scalar_le(curve, &[0u8; 32]).unwrap_err(),
        Error::PrivateKeyRange
    );
    assert_eq!(
        SigningKey::from_scalar_be(curve, &q_be(curve)).unwrap_err(),
        Error::PrivateKeyRange
    );
    assert!(matches!(
        SigningKey::from_scalar_le(curve, &[1u8; 33]),
        Err(Error::Length { .. })
    ));
    let mut q_minus_1 = q_be(curve);
    *q_minus_1.last_mut().unwrap() -= 1;
    SigningKey::from_scalar_be(curve, &q_minus_1).unwrap();
}

#[test]
fn masked_keys_multiply_out() {
    let curve = CurveId::CryptoProA;
    let key = SigningKey::generate(curve).unwrap();
    // d = k * m with m = 1 gives d back
    let mut one = [0u8; 32];
    one[0] = 1;
    let d = key.to_scalar_le();
    let unmasked = SigningKey::from_masked_le(curve, &[&d, &one]).unwrap();
    assert_eq!(unmasked.verifying_key(), key.verifying_key());
    // k = d * m^-1 ... checked against the PFX example in the keys tests
    let mut two = [0u8; 32];
    two[0] = 2;
    let doubled = SigningKey::from_masked_le(curve, &[&one, &two]).unwrap();
    assert_eq!(doubled.to_scalar_le()[0], 2);
}

/// A point on the curve that is not in the q-subgroup: G plus a point of
/// small order, found as (q * random point).
fn small_order_offset<const N: usize>(c: &Curve<N>) -> Vec<AffinePoint<N>> {
    let mut found = Vec::new();
    let mut p_plus_1_over_4 = *c.fp.modulus();
    // (p + 1) / 4 for p = 3 mod 4
    let (sum, _) = limbs::add(&p_plus_1_over_4, &{
        let mut one = [0u64; N];
        one[0] = 1;
        one
    });
    p_plus_1_over_4 = sum;
    for _ in 0..2 {
        for i in 0..N - 1 {
            p_plus_1_over_4[i] = (p_plus_1_over_4[i] >> 1) | (p_plus_1_over_4[i + 1] << 63);
        }
        p_plus_1_over_4[N - 1] >>= 1;
    }
    for seed in 1..200u64 {
        let mut xv = [0u64; N];
        xv[0] = seed;
        let x = c.fp.to_mont(&xv);
        let rhs = c.fp.add(
            &c.fp
                .add(&c.fp.mul(&c.fp.square(&x), &x), &c.fp.mul(&c.a, &x)),
            &c.b,
        );
        let y = c.fp.pow_public(&rhs, &p_plus_1_over_4);
        if c.fp.square(&y) != rhs {
            continue;
        }
        let p = ProjectivePoint {
            x,
            y,
            z: c.fp.one(),
        };
        let t = c.mul_vartime(&p, c.q());
        if bool::from(c.is_identity(&t)) {
            continue;
        }
        // t has order 2 or 4; t itself and G + t are outside the subgroup
        found.push(c.to_affine(&t).unwrap());
        found.push(c.to_affine(&c.add(&c.to_projective(&c.g), &t)).unwrap());
        if found.len() >= 4 {
            break;
        }
    }
    found
}

fn le_bytes_of<const N: usize>(c: &Curve<N>, p: &AffinePoint<N>) -> Vec<u8> {
    let mut out = vec![0u8; 16 * N];
    limbs::write_le_bytes(&c.fp.to_int(&p.x), &mut out[..8 * N]);
    limbs::write_le_bytes(&c.fp.to_int(&p.y), &mut out[8 * N..]);
    out
}

#[test]
fn invalid_public_keys_are_rejected() {
    for curve in [CurveId::Tc26_256A, CurveId::Tc26_512C] {
        let bad_points = match curve.curve() {
            AnyCurve::W4(c) => small_order_offset(c)
                .iter()
                .map(|p| le_bytes_of(c, p))
                .collect::<Vec<_>>(),
            AnyCurve::W8(c) => small_order_offset(c)
                .iter()
                .map(|p| le_bytes_of(c, p))
                .collect(),
        };
        assert!(
            !bad_points.is_empty(),
            "found small-order points on {curve}"
        );
        for bytes in bad_points {
            assert_eq!(
                VerifyingKey::from_le_bytes(curve, &bytes),
                Err(Error::PublicKey(
                    "point is not in the prime-order subgroup (small-order component)"
                ))
            );
        }
    }
    for curve in CurveId::ALL {
        let key = SigningKey::generate(curve).unwrap();
        let mut bytes = key.verifying_key().to_le_bytes();
        bytes[5] ^= 1;
        assert_eq!(
            VerifyingKey::from_le_bytes(curve, &bytes),
            Err(Error::PublicKey("point is not on the curve"))
        );
        let n = bytes.len();
        assert_eq!(
            VerifyingKey::from_le_bytes(curve, &vec![0xff; n]),
            Err(Error::PublicKey("coordinate not below the field prime p"))
        );
        assert!(matches!(
            VerifyingKey::from_le_bytes(curve, &bytes[1..]),
            Err(Error::Length { .. })
        ));
    }
}

#[test]
fn debug_never_prints_the_secret() {
    let key = SigningKey::from_scalar_le(CurveId::CryptoProA, &[0x42; 32]).unwrap();
    let shown = format!("{key:?}");
    assert!(!shown.contains("4242"), "{shown}");
}

/// A small deterministic generator for test inputs.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 ^ (self.0 >> 29)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// The reference for verification: u1*G + u2*Q with the complete
/// projective formulas and plain 4-bit windows (the code this crate used
/// before the fast paths), then x mod q = r.
fn reference_verify<const N: usize>(
    c: &Curve<N>,
    q: &AffinePoint<N>,
    e: &[u64; N],
    r: &[u64; N],
    s: &[u64; N],
) -> bool {
    let fq = &c.fq;
    let v = fq.invert(&fq.to_mont(e));
    let z1 = fq.to_int(&fq.mul(&fq.to_mont(s), &v));
    let z2 = fq.to_int(&fq.neg(&fq.mul(&fq.to_mont(r), &v)));
    let g = c.to_projective(&c.g);
    let sum = c.add(
        &c.mul_vartime(&g, &z1),
        &c.mul_vartime(&c.to_projective(q), &z2),
    );
    match c.to_affine(&sum) {
        None => false,
        Some(a) => fq.reduce(&c.fp.to_int(&a.x)) == *r,
    }
}

fn fast_paths_agree_with_reference<const N: usize>(curve: CurveId, c: &Curve<N>, rng: &mut Lcg) {
    let key = SigningKey::generate(curve).unwrap();
    let vk = *key.verifying_key();
    let prepared = vk.prepare().unwrap();
    let q: AffinePoint<N> = {
        let bytes = vk.to_le_bytes();
        let x = limbs::from_le_bytes::<N>(&bytes[..8 * N]).unwrap();
        let y = limbs::from_le_bytes::<N>(&bytes[8 * N..]).unwrap();
        AffinePoint {
            x: c.fp.to_mont(&x),
            y: c.fp.to_mont(&y),
        }
    };
    for round in 0..12 {
        let digest = rng.bytes(8 * N);
        let sig = if round % 3 == 2 {
            // a random (almost surely invalid) signature with r, s in range
            let mut raw = rng.bytes(16 * N);
            raw[0] &= 0x3f;
            raw[8 * N] &= 0x3f;
            raw[8 * N - 1] |= 1;
            raw[16 * N - 1] |= 1;
            Signature::from_slice(&raw).unwrap()
        } else {
            key.sign_prehash(&digest).unwrap()
        };
        let e = dsa::digest_to_e(c, &digest).unwrap();
        let (s_be, r_be) = sig.as_bytes().split_at(8 * N);
        let r = limbs::from_be_bytes::<N>(r_be).unwrap();
        let s = limbs::from_be_bytes::<N>(s_be).unwrap();
        let want = reference_verify(c, &q, &e, &r, &s);
        assert_eq!(want, round % 3 != 2, "{curve}: reference verdict");
        assert_eq!(
            vk.verify_prehash(&digest, &sig).is_ok(),
            want,
            "{curve}: uncached"
        );
        assert_eq!(
            prepared.verify_prehash(&digest, &sig).is_ok(),
            want,
            "{curve}: prepared"
        );
        assert_eq!(
            vk.verify_prehash_cached(&digest, &sig).is_ok(),
            want,
            "{curve}: cached"
        );
        // the signature over another digest fails on every path
        let mut other = digest.clone();
        other[1] ^= 0x80;
        assert!(vk.verify_prehash(&other, &sig).is_err());
        assert!(prepared.verify_prehash(&other, &sig).is_err());
    }
}

#[test]
fn fast_verification_agrees_with_the_reference() {
    let mut rng = Lcg(0x5eed);
    for curve in CurveId::ALL {
        match curve.curve() {
            AnyCurve::W4(c) => fast_paths_agree_with_reference(curve, c, &mut rng),
            AnyCurve::W8(c) => fast_paths_agree_with_reference(curve, c, &mut rng),
        }
    }
}

#[test]
fn prepared_keys_verify_the_standard_examples() {
    let v = json(include_str!("../../vectors/gost3410/signatures.json"));
    for vector in v["vectors"].as_array().unwrap() {
        let curve = curve_by_name(vector["curve_oid"].as_str().unwrap());
        let enc = &vector["encodings"];
        let vk = VerifyingKey::from_le_bytes(
            curve,
            &unhex(enc["public_key_spki_octets_hex"].as_str().unwrap()),
        )
        .unwrap();
        let digest = unhex(enc["digest_bytes_hex"].as_str().unwrap());
        let sig =
            Signature::from_slice(&unhex(enc["signature_s_r_be_hex"].as_str().unwrap())).unwrap();
        vk.prepare().unwrap().verify_prehash(&digest, &sig).unwrap();
        vk.verify_prehash_cached(&digest, &sig).unwrap();
    }
    let v = json(include_str!("../../vectors/gost3410/interop.json"));
    for vector in v["vectors"].as_array().unwrap() {
        let curve = curve_by_name(vector["curve_oid"].as_str().unwrap());
        let vk =
            VerifyingKey::from_le_bytes(curve, &unhex(vector["pubkey_raw_hex"].as_str().unwrap()))
                .unwrap();
        let data = unhex(vector["data_hex"].as_str().unwrap());
        let sig = Signature::from_reversed(&unhex(vector["signature_raw_hex"].as_str().unwrap()))
            .unwrap();
        // CryptoPro CSP's signatures, on every production curve
        vk.prepare().unwrap().verify_message(&data, &sig).unwrap();
        vk.verify_prehash_cached(&vk.hash_alg().digest(&data), &sig)
            .unwrap();
    }
}

#[test]
fn cache_is_bounded_and_serves_repeated_keys() {
    let keys: Vec<SigningKey> = (0..PREPARED_KEY_CACHE_CAPACITY + 3)
        .map(|_| SigningKey::generate(CurveId::CryptoProA).unwrap())
        .collect();
    let digest = [7u8; 32];
    for key in &keys {
        let sig = key.sign_prehash(&digest).unwrap();
        key.verifying_key()
            .verify_prehash_cached(&digest, &sig)
            .unwrap();
        let again = key.verifying_key().prepared_cached().unwrap();
        assert_eq!(again.verifying_key(), key.verifying_key());
        assert!(again.table_bytes() > 0 && again.table_bytes() < 64 * 1024);
    }
    assert!(prepared::CACHE.lock().unwrap().len() <= PREPARED_KEY_CACHE_CAPACITY);
}

#[test]
fn batch_signatures_verify_and_use_distinct_nonces() {
    for curve in CurveId::ALL {
        let key = SigningKey::generate(curve).unwrap();
        let n = curve.key_size().coordinate_len();
        // 70 digests: a full chunk of 64 and a partial one; two are equal.
        let mut digests: Vec<Vec<u8>> = (0..70u8).map(|i| vec![i ^ 0x5a; n]).collect();
        digests[69] = digests[3].clone();
        let refs: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
        let sigs = key.sign_prehash_batch(&refs).unwrap();
        let par = key.par_sign_prehash_batch(&refs).unwrap();
        assert_eq!(sigs.len(), 70);
        assert_eq!(par.len(), 70);
        for ((d, s), p) in refs.iter().zip(&sigs).zip(&par) {
            key.verifying_key().verify_prehash(d, s).unwrap();
            key.verifying_key().verify_prehash(d, p).unwrap();
        }
        // equal digests at different positions still get different nonces (r)
        assert_ne!(sigs[3].r_be(), sigs[69].r_be(), "{curve}");
        assert_ne!(sigs[3], par[3]);
        // every length of a short last group of eight (the eight-lane k*G
        // takes groups of four or more, the scalar one the rest)
        for len in 1..=9 {
            let part = &refs[..len];
            for s in [
                key.sign_prehash_batch(part),
                key.par_sign_prehash_batch(part),
            ] {
                let s = s.unwrap();
                assert_eq!(s.len(), len);
                for (d, s) in part.iter().zip(&s) {
                    key.verifying_key().verify_prehash(d, s).unwrap();
                }
            }
        }
        // messages
        let msgs: Vec<&[u8]> = vec![b"a", b"", b"client_secret"];
        for (m, s) in msgs.iter().zip(key.sign_batch(&msgs).unwrap()) {
            key.verifying_key().verify(m, &s).unwrap();
        }
        for (m, s) in msgs.iter().zip(key.par_sign_batch(&msgs).unwrap()) {
            key.verifying_key().verify(m, &s).unwrap();
        }
        // a wrong digest length anywhere fails the batch with a typed error
        let mut bad = refs.clone();
        let short = vec![1u8; n - 1];
        bad[10] = &short;
        assert!(matches!(
            key.sign_prehash_batch(&bad),
            Err(Error::DigestLength { .. })
        ));
        assert!(key.par_sign_prehash_batch(&bad).is_err());
        assert!(key.sign_prehash_batch(&[]).unwrap().is_empty());
    }
}

/// The memory of subgroup-checked keys admits only keys that passed: after
/// good keys fill it (and keep being re-read), points with a small-order
/// component are still refused, every time.
#[test]
fn subgroup_check_memory_admits_only_checked_keys() {
    for curve in [CurveId::Tc26_256A, CurveId::Tc26_512C] {
        let good: Vec<Vec<u8>> = (0..20)
            .map(|_| {
                SigningKey::generate(curve)
                    .unwrap()
                    .verifying_key()
                    .to_le_bytes()
            })
            .collect();
        let bad_points = match curve.curve() {
            AnyCurve::W4(c) => small_order_offset(c)
                .iter()
                .map(|p| le_bytes_of(c, p))
                .collect::<Vec<_>>(),
            AnyCurve::W8(c) => small_order_offset(c)
                .iter()
                .map(|p| le_bytes_of(c, p))
                .collect(),
        };
        for round in 0..3 {
            for bytes in &good {
                let key = VerifyingKey::from_le_bytes(curve, bytes).unwrap();
                assert_eq!(&key.to_le_bytes(), bytes, "round {round}");
            }
            for bytes in &bad_points {
                assert_eq!(
                    VerifyingKey::from_le_bytes(curve, bytes),
                    Err(Error::PublicKey(
                        "point is not in the prime-order subgroup (small-order component)"
                    )),
                    "round {round}"
                );
            }
        }
    }
}
