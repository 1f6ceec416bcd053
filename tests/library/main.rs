//! The library through its public API: CMS, ESIA and its doctor, key
//! encodings and key import, resource limits, the malformed-input table, the
//! fuzz corpus, the RustCrypto traits and the README's snippet. One binary
//! per group of tests, because each integration-test binary links the whole
//! library again.

#[path = "../common/mod.rs"]
mod common;

mod cms;
mod esia;
mod esia_doctor;
mod fuzz_corpus;
mod key_limits;
mod keys;
mod keys_import;
#[cfg(feature = "test-vectors")]
mod keys_kat;
mod malformed;
mod readme;
mod traits;
