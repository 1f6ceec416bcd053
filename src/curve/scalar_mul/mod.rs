//! Scalar multiplication, one file per strategy.
//!
//! Why several: each use has its own inputs and secrecy. Signing's k*G
//! ([`fixed_base_comb`]) and key agreement's k*P
//! ([`variable_base`], `mul_ct`) take secret scalars and run in constant
//! time; verification ([`straus_vartime`], [`comb_vartime`] for prepared
//! keys) and public-key checks ([`subgroup`], `mul_vartime`) see public
//! data only and may branch on it. [`recoding`] writes the digits all of
//! them consume and [`vartime_forms`] holds what the variable-time ones
//! share. This file dispatches to the AVX-512 IFMA versions in
//! `curve::x86_64` where the CPU and the curve allow.

pub(crate) mod comb_vartime;
pub(crate) mod fixed_base_comb;
pub(crate) mod recoding;
pub(crate) mod straus_vartime;
pub(crate) mod subgroup;
pub(crate) mod variable_base;
pub(crate) mod vartime_forms;

use super::Curve;
use super::edwards::EdAffine;
use super::point::{AffinePoint, ProjectivePoint};
use super::scan::{self, CtEntry, Packed};
use crate::field::Fe;

impl<const N: usize> CtEntry<N, 2> for AffinePoint<N> {
    #[inline(always)]
    fn pack(&self) -> Packed<N, 2> {
        [self.x.0, self.y.0]
    }
    #[inline(always)]
    fn unpack(l: &Packed<N, 2>) -> Self {
        AffinePoint {
            x: Fe(l[0]),
            y: Fe(l[1]),
        }
    }
}

impl<const N: usize> CtEntry<N, 3> for EdAffine<N> {
    #[inline(always)]
    fn pack(&self) -> Packed<N, 3> {
        [self.u.0, self.v.0, self.duv.0]
    }
    #[inline(always)]
    fn unpack(l: &Packed<N, 3>) -> Self {
        EdAffine {
            u: Fe(l[0]),
            v: Fe(l[1]),
            duv: Fe(l[2]),
        }
    }
}

impl<const N: usize> CtEntry<N, 3> for ProjectivePoint<N> {
    #[inline(always)]
    fn pack(&self) -> Packed<N, 3> {
        [self.x.0, self.y.0, self.z.0]
    }
    #[inline(always)]
    fn unpack(l: &Packed<N, 3>) -> Self {
        ProjectivePoint {
            x: Fe(l[0]),
            y: Fe(l[1]),
            z: Fe(l[2]),
        }
    }
}

/// Entry `abs` (1-based) of a row of packed points, or `start` when
/// abs = 0, by a full constant-time scan ([`scan::scan`]).
#[inline(always)]
fn scan_row<E: CtEntry<N, K>, const N: usize, const K: usize, const L: usize>(
    row: &[Packed<N, K>; L],
    abs: u8,
    start: &E,
) -> E {
    E::unpack(&scan::scan(row, abs, &start.pack()))
}

impl<const N: usize> Curve<N> {
    /// Whether z1*G + z2*Q has x = r (mod q): uncached verification. On
    /// the Edwards curves, with AVX-512 IFMA, by the vector code.
    pub(crate) fn verify_combination(
        &self,
        z1: &[u64; N],
        z2: &[u64; N],
        q: &AffinePoint<N>,
        r: &[u64; N],
    ) -> bool {
        #[cfg(target_arch = "x86_64")]
        if let Some(ifma) = self.straus_x4 {
            return super::x86_64::straus_ifma_x4::verify_uncached(ifma, self, z1, z2, q, r);
        }
        self.verify_combination_scalar(z1, z2, q, r)
    }

    /// [`Self::mul_base_x_fraction`] of eight scalars at once, when this
    /// CPU and curve have the eight-lane code (`curve::comb_x8`: AVX-512
    /// IFMA); `None` otherwise. Constant-time.
    pub(crate) fn mul_base_x_fractions_x8(
        &self,
        ks: &[[u64; N]; 8],
    ) -> Option<[(Fe<N>, Fe<N>); 8]> {
        #[cfg(target_arch = "x86_64")]
        if let Some(ifma) = self.comb_x8 {
            if self.edwards.is_some() {
                let points = self.ed_mul_base_x8(ifma, ks);
                return Some(points.map(|p| self.ed_weierstrass_x_fraction(&p)));
            }
            return Some(self.mul_base_x8(ifma, ks).map(|p| (p.x, p.z)));
        }
        let _ = ks;
        None
    }
}
