//! Optional TLS with rustls (ring provider): `tls_cert` (PEM chain) and
//! `tls_key` (PEM private key) in the config. rustls has no GOST cipher
//! suites: the TLS certificate is an ordinary ECDSA / RSA / Ed25519 one,
//! unrelated to the GOST signing keys.

use std::sync::Arc;

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The acceptor for a certificate chain and key (both PEM files).
pub fn acceptor(cert_path: &str, key_path: &str) -> Result<TlsAcceptor, String> {
    let certs = CertificateDer::pem_file_iter(cert_path)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read tls_cert {cert_path}: {e}"))?;
    if certs.is_empty() {
        return Err(format!("tls_cert {cert_path}: no CERTIFICATE in it"));
    }
    let key = PrivateKeyDer::from_pem_file(key_path)
        .map_err(|e| format!("cannot read tls_key {key_path}: {e}"))?;
    // ring rather than aws-lc-rs (rustls' default, with post-quantum key
    // exchange): aws-lc-rs builds a large C library, and TLS here is
    // optional, usually ended at a proxy in front.
    #[allow(deprecated)]
    let provider = ring::default_provider();
    let mut config = ServerConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("TLS certificate and key: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
