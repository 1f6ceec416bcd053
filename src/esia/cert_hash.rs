//! `client_certificate_hash`: Streebog-256 over the certificate's DER bytes,
//! 64 upper-case hex characters, no byte reversal. The guide only says "the
//! hash computed by ESIA's utility" (L13339); this is the form ESIA accepts.

use crate::hash::HashAlg;
use crate::keys::Certificate;

/// The value of the `client_certificate_hash` request parameter.
pub fn client_certificate_hash(certificate: &Certificate) -> String {
    hex::encode_upper(HashAlg::Streebog256.digest(certificate.der()))
}
