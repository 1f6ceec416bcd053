//! The symmetric ciphers and key derivation of EnvelopedData, here below
//! `import` because the key-import formats (containers, PFX, encrypted
//! PKCS#8) use the same ones: GOST 28147-89 with its MAC, Kuznyechik /
//! Magma CTR-ACPKM with OMAC, the GOST KDFs and the keyed content schemes.

pub(crate) mod acpkm;
mod content;
pub(crate) mod gost28147;
pub(crate) mod gost_kdf;

pub(crate) use content::{Scheme, bad_padding, cbc_unpad, decrypt_content, split_algorithm};
