//! gostcms against independent implementations: OpenSSL's gost engine and
//! Bouncy Castle (tests/common/ossl.rs, tests/common/bc.rs), for CMS, raw
//! signatures and the legacy GOST R 34.10-2001 keys. One binary per group of
//! tests, because each integration-test binary links the whole library again.

#[path = "../common/mod.rs"]
mod common;

mod cms_interop;
mod cms_legacy;
mod keys_2001;
mod openssl_interop;
