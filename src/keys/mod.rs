//! Key encodings: PKCS#8, SubjectPublicKeyInfo, PEM and X.509 certificates.

pub use crate::curve::id::oids;
