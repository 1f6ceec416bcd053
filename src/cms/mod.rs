//! CMS (PKCS#7) SignedData. So far: the BER -> DER normaliser that lets
//! the typed DER model read CryptoPro, Java and `openssl cms -stream` output.

pub mod ber;
