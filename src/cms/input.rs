//! Lenient decoding of CMS signatures: DER or BER bytes, PEM (any label),
//! or any text form [`crate::encoding`] accepts (PEM through the one
//! reader in [`crate::encoding::pem`]).

use crate::encoding::{decode_base64_lenient, pem};
use crate::error::{Error, Result};

/// Turns any of the accepted encodings into the binary BER/DER bytes.
pub fn decode_signature_input(input: &[u8]) -> Result<Vec<u8>> {
    let trimmed = input.trim_ascii();
    if trimmed.is_empty() {
        return Err(Error::encoding("signature", "empty input"));
    }
    if trimmed[0] == 0x30 {
        return Ok(input.to_vec());
    }
    if let Some((_label, body)) = pem::pem_body(trimmed)? {
        return decode_base64_lenient(&body);
    }
    let der = decode_base64_lenient(trimmed)?;
    if der.first() != Some(&0x30) {
        return Err(Error::encoding(
            "signature",
            "decoded data does not start with an ASN.1 SEQUENCE: not a CMS structure",
        ));
    }
    Ok(der)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    #[test]
    fn every_spelling_of_the_same_bytes() {
        let der = [0x30u8, 0x03, 0x02, 0x01, 0xfb];
        let std = base64::engine::general_purpose::STANDARD.encode(der);
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(der);
        let pct = std
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        let pem = format!("-----BEGIN CMS-----\n{std}\n-----END CMS-----\n");
        for input in [
            std.as_bytes(),
            url.as_bytes(),
            pct.as_bytes(),
            pem.as_bytes(),
            &der[..],
        ] {
            assert_eq!(
                decode_signature_input(input).unwrap(),
                der,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
        assert!(decode_signature_input(b"").is_err());
        assert!(decode_signature_input(b"%G1").is_err());
        assert!(decode_signature_input(b"aGVsbG8").is_err()); // "hello": not a SEQUENCE
    }
}
