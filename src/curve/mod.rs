//! GOST R 34.10 curves: parameters, point arithmetic and scalar
//! multiplication, generic over the limb count (4 for 256-bit curves,
//! 8 for 512-bit ones).

pub(crate) mod edwards;
pub mod id;
pub(crate) mod jacobian;
pub(crate) mod params;
pub(crate) mod point;
pub(crate) mod scalar_mul;
pub(crate) mod scan;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_64;

use std::sync::OnceLock;

use crate::field::{Fe, MontField, limbs};
use edwards::{EdAffine, EdwardsForm};
use id::CurveParams;
pub use id::{CurveId, KeySize};
use point::AffinePoint;
use scalar_mul::fixed_base_comb::BaseTable;
use scalar_mul::vartime_forms::GTables;

/// One curve's domain parameters in ready-to-use form.
pub(crate) struct Curve<const N: usize> {
    /// Arithmetic modulo the field prime p.
    pub fp: MontField<N>,
    /// Arithmetic modulo the subgroup order q.
    pub fq: MontField<N>,
    /// The coefficient a (Montgomery form).
    pub a: Fe<N>,
    /// Whether a = -3, which turns multiplications by a into additions.
    pub a_is_minus_3: bool,
    /// The coefficient b (Montgomery form).
    pub b: Fe<N>,
    /// 3b, used by the complete formulas.
    pub b3: Fe<N>,
    /// The base point G.
    pub g: AffinePoint<N>,
    /// #E / q: 1, or 4 for the two Edwards curves.
    pub cofactor: u64,
    /// The Edwards form of tc26-256-A and tc26-512-C; those curves do
    /// their scalar multiplications there.
    pub edwards: Option<EdwardsForm<N>>,
    /// Fixed-base tables for k*G (Weierstrass or Edwards), built on first use.
    base_table: OnceLock<BaseTable<N, 2>>,
    ed_base_table: OnceLock<BaseTable<N, 3>>,
    /// G's tables for verification, built on first use.
    g_tables_jac: OnceLock<GTables<AffinePoint<N>>>,
    g_tables_ed: OnceLock<GTables<EdAffine<N>>>,
    /// Whether uncached verification runs the 4-lane AVX-512 IFMA code
    /// (`x86_64::straus_ifma_x4`, see [`x86_64::straus_ifma_x4_eligible`]),
    /// and G's table in its form.
    #[cfg(target_arch = "x86_64")]
    straus_x4: Option<crate::cpu::Ifma>,
    #[cfg(target_arch = "x86_64")]
    g_table_x4: OnceLock<Vec<x86_64::straus_ifma_x4::EntryX4>>,
    /// Whether batch signing computes eight k*G at once with the 8-lane
    /// AVX-512 IFMA code (`x86_64::comb_ifma_x8`, see
    /// [`x86_64::comb_ifma_x8_eligible`]).
    #[cfg(target_arch = "x86_64")]
    comb_x8: Option<crate::cpu::Ifma>,
    /// The constants of `field::x86_64::ifma_x8::MontX8` and the fixed-base
    /// table in its form, for `comb_x8` on the curves without a special
    /// prime, built on first use.
    #[cfg(target_arch = "x86_64")]
    mont_x8: OnceLock<(
        crate::field::x86_64::ifma_x8::MontConstants<N>,
        BaseTable<N, 2>,
    )>,
}

impl<const N: usize> Curve<N> {
    fn from_raw(raw: &params::RawParams) -> Self {
        let fp = MontField::new(limbs::from_hex(raw.p));
        let fq = MontField::new(limbs::from_hex(raw.q));
        let a = fp.to_mont(&limbs::from_hex(raw.a));
        let b = fp.to_mont(&limbs::from_hex(raw.b));
        let b3 = fp.add(&fp.double(&b), &b);
        let minus_3 = fp.neg(&fp.add(&fp.double(&fp.one()), &fp.one()));
        let a_is_minus_3 = a == minus_3;
        let g = AffinePoint {
            x: fp.to_mont(&limbs::from_hex(raw.gx)),
            y: fp.to_mont(&limbs::from_hex(raw.gy)),
        };
        let edwards = raw.edwards.as_ref().map(|e| EdwardsForm::new(&fp, e));
        #[cfg(target_arch = "x86_64")]
        let straus_x4 = if x86_64::straus_ifma_x4_eligible(&fp, edwards.is_some()) {
            crate::cpu::Ifma::get()
        } else {
            None
        };
        #[cfg(target_arch = "x86_64")]
        let comb_x8 = if x86_64::comb_ifma_x8_eligible(&fp, edwards.is_some()) {
            crate::cpu::Ifma::get()
        } else {
            None
        };
        Curve {
            fp,
            fq,
            a,
            a_is_minus_3,
            b,
            b3,
            g,
            cofactor: raw.cofactor,
            edwards,
            base_table: OnceLock::new(),
            ed_base_table: OnceLock::new(),
            g_tables_jac: OnceLock::new(),
            g_tables_ed: OnceLock::new(),
            #[cfg(target_arch = "x86_64")]
            straus_x4,
            #[cfg(target_arch = "x86_64")]
            g_table_x4: OnceLock::new(),
            #[cfg(target_arch = "x86_64")]
            comb_x8,
            #[cfg(target_arch = "x86_64")]
            mont_x8: OnceLock::new(),
        }
    }

    /// The subgroup order q.
    pub(crate) fn q(&self) -> &[u64; N] {
        self.fq.modulus()
    }

    /// The fixed-base table of G, shared by all threads.
    pub(crate) fn base_table(&self) -> &BaseTable<N, 2> {
        self.base_table.get_or_init(|| BaseTable::new(self))
    }

    /// `field::x86_64::ifma_x8::MontX8`'s constants for p, and [`Self::base_table`]
    /// in its Montgomery form (x 2^(RL) mod p instead of x 2^(64N) mod p;
    /// the scalar field's product by 2^(RL) mod p converts), for the
    /// eight-lane comb on curves without a special prime.
    #[cfg(target_arch = "x86_64")]
    pub(crate) fn mont_x8(
        &self,
    ) -> &(
        crate::field::x86_64::ifma_x8::MontConstants<N>,
        BaseTable<N, 2>,
    ) {
        self.mont_x8.get_or_init(|| {
            let consts = crate::field::x86_64::ifma_x8::MontConstants::new(&self.fp);
            let factor = Fe(consts.one);
            let table = self
                .base_table()
                .map_coordinates(|x| self.fp.mul(&Fe(*x), &factor).0);
            (consts, table)
        })
    }

    /// The fixed-base table of G in Edwards form (Edwards curves only).
    pub(crate) fn ed_base_table(&self) -> &BaseTable<N, 3> {
        self.ed_base_table
            .get_or_init(|| BaseTable::new_edwards(self))
    }
}

/// Either width of curve, for code that dispatches on the key size.
pub(crate) enum AnyCurve {
    W4(&'static Curve<4>),
    W8(&'static Curve<8>),
}

static CURVES_256: [OnceLock<Curve<4>>; 5] = [const { OnceLock::new() }; 5];
static CURVES_512: [OnceLock<Curve<8>>; 4] = [const { OnceLock::new() }; 4];

impl CurveId {
    /// The curve's arithmetic, set up on first use.
    pub(crate) fn curve(self) -> AnyCurve {
        use params as P;
        let (slot256, raw256) = match self.params() {
            CurveParams::Test256 => (0, &P::TEST_256),
            CurveParams::CryptoProA => (1, &P::CRYPTOPRO_A),
            CurveParams::CryptoProB => (2, &P::CRYPTOPRO_B),
            CurveParams::CryptoProC => (3, &P::CRYPTOPRO_C),
            CurveParams::Tc26_256A => (4, &P::TC26_256_A),
            other => {
                let (slot, raw) = match other {
                    CurveParams::Tc26_512Test => (0, &P::TC26_512_TEST),
                    CurveParams::Tc26_512A => (1, &P::TC26_512_A),
                    CurveParams::Tc26_512B => (2, &P::TC26_512_B),
                    _ => (3, &P::TC26_512_C),
                };
                return AnyCurve::W8(CURVES_512[slot].get_or_init(|| Curve::from_raw(raw)));
            }
        };
        AnyCurve::W4(CURVES_256[slot256].get_or_init(|| Curve::from_raw(raw256)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_curve<const N: usize>(c: &Curve<N>) {
        assert!(c.is_on_curve(&c.g), "G on curve");
        let g = c.to_projective(&c.g);
        // q*G = O with the variable-time ladder, and (q-1)*G = -G.
        let q = *c.q();
        assert!(bool::from(c.is_identity(&c.mul_vartime(&g, &q))));
        let mut q1 = q;
        q1[0] -= 1;
        let minus_g = c.mul_vartime(&g, &q1);
        assert!(c.eq_projective(&minus_g, &c.negate(&g)));
        // doubling agrees with adding a point to itself
        let two_g = c.double(&g);
        assert!(c.eq_projective(&two_g, &c.add(&g, &g)));
        assert!(c.eq_projective(&two_g, &c.add_mixed(&g, &c.g)));
        // identity is neutral
        assert!(c.eq_projective(&c.add(&g, &c.identity()), &g));
        assert!(bool::from(c.is_identity(&c.double(&c.identity()))));
    }

    #[test]
    fn every_curve_has_g_of_order_q() {
        for id in CurveId::ALL {
            match id.curve() {
                AnyCurve::W4(c) => check_curve(c),
                AnyCurve::W8(c) => check_curve(c),
            }
        }
    }
}
