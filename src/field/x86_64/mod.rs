//! The x86-64 field arithmetic: BMI2/ADX products for one element, and
//! AVX-512 IFMA products for four (one point's coordinates, [`ifma_x4`])
//! or eight (eight batch lanes, [`ifma_x8`]) elements at once.
//!
//! Why apart: these are the only field paths tied to one instruction set;
//! each takes a proof token from [`crate::cpu`], and the portable code in
//! the parent module is what runs without them.

pub(crate) mod adx;
#[allow(unsafe_code)]
mod adx_kernels;
mod ifma_kernels;
pub(crate) mod ifma_x4;
pub(crate) mod ifma_x8;

/// One AVX-512 register of eight 64-bit lanes, the unit of the IFMA code.
pub(crate) type V = core::arch::x86_64::__m512i;
