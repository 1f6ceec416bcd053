//! The bottom layer: byte encodings every other layer reads, kept apart so
//! that key, CMS and import code share one reader of each.
//!
//! * [`ber`]: BER to DER normalisation (CryptoPro and Java write BER).
//! * [`pem`]: the one PEM reader and writer, with bare base64 and DER
//!   detection.
//! * [`decode_base64_lenient`] / [`percent_decode`]: base64 in any
//!   spelling people pass around (standard or url, padded or not,
//!   percent-escaped or not).
//! * `der` (crate-private): a strict DER reader and writer for the few
//!   structures handled by hand.

pub mod ber;
pub(crate) mod der;
mod lenient;
pub mod pem;

pub use lenient::{decode_base64_lenient, percent_decode};

/// DER of a BER or DER element (CryptoPro and Java write BER), in a buffer
/// wiped on drop: decrypted key material passes through here.
#[cfg(feature = "import")]
pub(crate) fn ber_to_der(bytes: &[u8]) -> crate::Result<zeroize::Zeroizing<Vec<u8>>> {
    ber::normalize_secret(bytes)
}
