//! The x86-64 Streebog: the compression function in AVX-512 VBMI and GFNI.
//!
//! Why apart: it compiles only for x86-64 and runs only with a
//! [`crate::cpu::Gfni`] token; `streebog_fast` is the portable code.

pub(crate) mod gfni;
