//! Arithmetic mod q for key formats that store the private key masked:
//! CryptoPro containers keep k = d * m mod q and the mask m, so reading
//! one needs d = k * m^-1 mod q, in constant time.

#![cfg(feature = "import")]

use zeroize::{Zeroize, Zeroizing};

use crate::curve::{AnyCurve, Curve, CurveId};
use crate::error::{Error, Result};
use crate::field::limbs;
use crate::sign::SigningKey;

/// d = k * m^-1 mod q from little-endian k and m, each as wide as q.
pub(crate) fn masked_quotient(curve: CurveId, k_le: &[u8], m_le: &[u8]) -> Result<SigningKey> {
    let inverse = match curve.curve() {
        AnyCurve::W4(c) => inverse_le(c, m_le)?,
        AnyCurve::W8(c) => inverse_le(c, m_le)?,
    };
    SigningKey::from_masked_le(curve, &[k_le, &inverse])
}

/// m^-1 mod q (zero for m = 0 mod q), little-endian; constant-time in m.
fn inverse_le<const N: usize>(c: &Curve<N>, m_le: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    if m_le.len() != 8 * N {
        return Err(Error::Length {
            what: "key mask",
            expected: 8 * N,
            got: m_le.len(),
        });
    }
    let mut m = limbs::from_le_bytes::<N>(m_le).ok_or(Error::PrivateKeyRange)?;
    let mut fe = c.fq.to_mont(&m);
    let mut inv = c.fq.invert(&fe);
    let mut int = c.fq.to_int(&inv);
    let mut out = Zeroizing::new(vec![0u8; 8 * N]);
    limbs::write_le_bytes(&int, &mut out);
    m.zeroize();
    fe.zeroize();
    inv.zeroize();
    int.zeroize();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_quotient_inverts_the_mask() {
        let d_le: Vec<u8> = (7u8..39).collect();
        let m_le = [0xEEu8; 32];
        for curve in [CurveId::CryptoProA, CurveId::Tc26_256A] {
            let k = SigningKey::from_masked_le(curve, &[&d_le, &m_le]).unwrap();
            let back = masked_quotient(curve, &k.to_scalar_le(), &m_le).unwrap();
            let d = SigningKey::from_masked_le(curve, &[&d_le]).unwrap();
            assert_eq!(back.to_scalar_le().as_slice(), d.to_scalar_le().as_slice());
        }
        // A zero mask has no inverse: an error, not a zero key.
        assert!(masked_quotient(CurveId::CryptoProA, &d_le, &[0; 32]).is_err());
        assert!(masked_quotient(CurveId::CryptoProA, &d_le, &[0; 31]).is_err());
    }
}
