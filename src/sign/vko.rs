//! Key agreement: VKO GOST R 34.10-2012 (RFC 7836 section 4.3).
//!
//! The shared point is K = (m/q * UKM * d mod q) * Q for our private d,
//! the peer's public Q and a user keying material UKM read as a
//! little-endian integer; m/q is the cofactor (4 on the two Edwards
//! curves, 1 elsewhere). The key is Streebog of LE(K.x) || LE(K.y):
//! VKO_GOSTR3410_2012_256 with the 256-bit hash, _512 with the 512-bit
//! one. The multiplication by d and the hash of K run in constant time
//! (`Curve::mul_ct`, `hash::StreebogSecret`).

use zeroize::{Zeroize, Zeroizing};

use super::{PublicPoint, Secret, SigningKey, VerifyingKey};
use crate::curve::{AnyCurve, Curve};
use crate::error::{Error, Result};
use crate::field::limbs;
use crate::hash::StreebogSecret;

/// Which Streebog finishes the agreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VkoHash {
    /// VKO_GOSTR3410_2012_256: a 32-byte key.
    Streebog256,
    /// VKO_GOSTR3410_2012_512: a 64-byte key.
    Streebog512,
}

impl SigningKey {
    /// VKO_GOSTR3410_2012_256 / _512 with `peer` (RFC 7836 section 4.3.1).
    /// `ukm` is read as a little-endian number; it must not be zero modulo
    /// q (RFC 7836 uses 8 bytes, KEG 16). The peer key must be on this
    /// key's curve.
    pub fn vko(
        &self,
        peer: &VerifyingKey,
        ukm: &[u8],
        hash: VkoHash,
    ) -> Result<Zeroizing<Vec<u8>>> {
        if peer.curve != self.curve {
            return Err(Error::KeyMismatch(format!(
                "key agreement between keys on different curves ({} and {})",
                self.curve, peer.curve
            )));
        }
        let n = self.curve.key_size().coordinate_len();
        if ukm.len() > n {
            return Err(Error::Length {
                what: "VKO UKM",
                expected: n,
                got: ukm.len(),
            });
        }
        let mut point = Zeroizing::new(vec![0u8; 2 * n]);
        match (&self.secret, &peer.point, self.curve.curve()) {
            (Secret::W4(d), PublicPoint::W4(q), AnyCurve::W4(c)) => {
                shared_point(c, d, q, ukm, &mut point)?
            }
            (Secret::W8(d), PublicPoint::W8(q), AnyCurve::W8(c)) => {
                shared_point(c, d, q, ukm, &mut point)?
            }
            _ => {
                return Err(Error::KeyMismatch(
                    "key width does not match its curve".into(),
                ));
            }
        }
        // The point is secret: hashed without data-dependent lookups.
        let mut h = StreebogSecret::new(hash == VkoHash::Streebog256);
        h.update(&point);
        Ok(h.finalize())
    }
}

/// Writes LE(K.x) || LE(K.y) of K = (cofactor * ukm * d mod q) * Q.
fn shared_point<const N: usize>(
    c: &Curve<N>,
    d: &[u64; N],
    q: &crate::curve::point::AffinePoint<N>,
    ukm: &[u8],
    out: &mut [u8],
) -> Result<()> {
    let fq = &c.fq;
    // ukm and the cofactor are public; d is not.
    let ukm = limbs::from_le_bytes::<N>(ukm).ok_or(Error::Length {
        what: "VKO UKM",
        expected: 8 * N,
        got: ukm.len(),
    })?;
    let mut cofactor = [0u64; N];
    cofactor[0] = c.cofactor;
    let factor = fq.mul_plain(&fq.reduce(&ukm), &fq.reduce(&cofactor));
    if limbs::is_zero_mask(&factor) != 0 {
        return Err(Error::encoding("VKO UKM", "zero modulo the group order"));
    }
    let mut scalar = fq.mul_plain(d, &factor);
    let k = c.mul_ct(q, &scalar);
    scalar.zeroize();
    // d * factor is nonzero mod q and Q has order q: K is never the identity.
    let affine = c.to_affine_ct(&k);
    let (xo, yo) = out.split_at_mut(8 * N);
    let mut x = c.fp.to_int(&affine.x);
    let mut y = c.fp.to_int(&affine.y);
    limbs::write_le_bytes(&x, xo);
    limbs::write_le_bytes(&y, yo);
    x.zeroize();
    y.zeroize();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::CurveId;

    /// RFC 7836 appendix A.1 / A.2 (tc26-512-a), keys as big-endian
    /// numbers (the RFC prints them little-endian); PUB_A is x_A's public
    /// key, PUB_B x_B's. Both directions give the same key.
    const X_A: &str = "67b63ca4ac8d2bb32618d89296c7476dbeb9f9048496f202b1902cf2ce41dbc2f847712d960483458d4b380867f426c7ca0ff5782702dbc44ee8fc72d9ec90c9";
    const PUB_B_X: &str = "51a6d54ee932d176e87591121cce5f395cb2f2f147114d95f463c8a7ed74a9fc5ecd2325a35fb6387831ea66bc3d2aa42ede35872cc75372073a71b983e12f19";
    const PUB_B_Y: &str = "793bde5bf72840ad22b02a363ae4772d4a52fc08ba1a20f7458a222a13bf98b53be002d1973f1e398ce46c17da6d00d9b6d0076f8284dcc42e599b4c413b8804";
    const X_B: &str = "dbd09213a592da5bbfd8ed068cccccbbfbeda4feac96b9b4908591440b0714803b9eb763ef932266d4c0181a9b73eacf9013efc65ec07c888515f1b6f759c848";
    const PUB_A_X: &str = "a7c0adb12743c10c3c1beb97c8f631242f7937a1deb6bce5e664e49261baccd3f5dc56ec53b2abb90ca1eb703078ba546655a8b99f79188d2021ffaba4edb0aa";
    const PUB_A_Y: &str = "5adb1c63a4e4465e0bbefd897fb9016475934cfa0f8c95f992ea402d47921f46382d00481b720314b19d8c878e75d81b9763358dd304b2ed3a364e07a3134691";
    const UKM: &str = "1d80603c8544c727";
    const KEK_256: &str = "c9a9a77320e2cc559ed72dce6f47e2192ccea95fa648670582c054c0ef36c221";
    const KEK_512: &str = "79f002a96940ce7bde3259a52e015297adaad84597a0d205b50e3e1719f97bfa7ee1d2661fa9979a5aa235b558a7e6d9f88f982dd63fc35a8ec0dd5e242d3bdf";

    fn public(x: &str, y: &str) -> VerifyingKey {
        let mut le = hex::decode(x).unwrap();
        le.reverse();
        let mut y = hex::decode(y).unwrap();
        y.reverse();
        le.extend_from_slice(&y);
        VerifyingKey::from_le_bytes(CurveId::Tc26_512A, &le).unwrap()
    }

    #[test]
    fn rfc7836_vko_known_answers() {
        let a = SigningKey::from_scalar_be(CurveId::Tc26_512A, &hex::decode(X_A).unwrap()).unwrap();
        let b = SigningKey::from_scalar_be(CurveId::Tc26_512A, &hex::decode(X_B).unwrap()).unwrap();
        assert_eq!(*a.verifying_key(), public(PUB_A_X, PUB_A_Y));
        assert_eq!(*b.verifying_key(), public(PUB_B_X, PUB_B_Y));
        let ukm = hex::decode(UKM).unwrap();
        for (me, peer) in [(&a, &b), (&b, &a)] {
            let k256 = me
                .vko(peer.verifying_key(), &ukm, VkoHash::Streebog256)
                .unwrap();
            assert_eq!(hex::encode(&k256[..]), KEK_256);
            let k512 = me
                .vko(peer.verifying_key(), &ukm, VkoHash::Streebog512)
                .unwrap();
            assert_eq!(hex::encode(&k512[..]), KEK_512);
        }
    }

    #[test]
    fn agreement_is_symmetric_on_every_curve() {
        for id in CurveId::ALL {
            let a = SigningKey::generate(id).unwrap();
            let b = SigningKey::generate(id).unwrap();
            let ukm = [0x5a; 16];
            let ab = a
                .vko(b.verifying_key(), &ukm, VkoHash::Streebog256)
                .unwrap();
            let ba = b
                .vko(a.verifying_key(), &ukm, VkoHash::Streebog256)
                .unwrap();
            assert_eq!(ab, ba, "{id}");
        }
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let a = SigningKey::generate(CurveId::Tc26_256A).unwrap();
        let b = SigningKey::generate(CurveId::CryptoProA).unwrap();
        assert!(matches!(
            a.vko(b.verifying_key(), &[1], VkoHash::Streebog256),
            Err(Error::KeyMismatch(_))
        ));
        let peer = SigningKey::generate(CurveId::Tc26_256A).unwrap();
        assert!(
            a.vko(peer.verifying_key(), &[0; 8], VkoHash::Streebog256)
                .is_err()
        );
        assert!(matches!(
            a.vko(peer.verifying_key(), &[1; 33], VkoHash::Streebog256),
            Err(Error::Length { .. })
        ));
    }
}
