//! Reading keys, certificates and signatures; writing signatures.
//!
//! Key and certificate loading goes through `load_key` and `load_public`,
//! on top of `gostcms::keys`. A key is given as
//! * a PKCS#8 file (PEM or DER), encrypted or not;
//! * a PFX / PKCS#12 file, detected, or forced with `pfx:FILE`;
//! * a CryptoPro container folder, detected, or forced with `container:DIR`.
//!
//! The PIN or password comes from `--pin` / `--password` (visible to other
//! users in the process list), `--pin-file` / `--password-file` (first line),
//! or the environment: `GOSTCMS_PIN` (containers first) and
//! `GOSTCMS_PASSWORD` (PFX and encrypted PKCS#8 first), each falling back to
//! the other.

use std::path::Path;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use gostcms::encoding::pem;
use gostcms::import::{self, ImportedKey, Pfx, SourceKind};
use gostcms::{Signature, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use super::CliError;
use super::input::{read_input, write_output};
use gostcms::keys;

pub use keys::{Certificate, self_signed};

/// The PIN / password options, accepted by the commands that read a key.
#[derive(clap::Args, Debug, Default)]
pub struct SecretArgs {
    /// PIN of a CryptoPro container (or GOSTCMS_PIN; prefer --pin-file: the
    /// command line is visible to other users).
    #[arg(long, value_name = "PIN")]
    pin: Option<String>,
    /// File whose first line is the container PIN.
    #[arg(long, value_name = "FILE")]
    pin_file: Option<String>,
    /// Password of a PFX or encrypted PKCS#8 key (or GOSTCMS_PASSWORD).
    #[arg(long, value_name = "PW")]
    password: Option<String>,
    /// File whose first line is the password.
    #[arg(long, value_name = "FILE")]
    password_file: Option<String>,
    /// Private key that opens a PFX encrypted to a public key (TC26
    /// public-key privacy mode): a PKCS#8 file, PFX or container:DIR.
    #[arg(long, value_name = "KEY")]
    recipient_key: Option<String>,
    /// Largest PBKDF2 / PFX MAC iteration count a PFX or encrypted PKCS#8
    /// may ask for (default 1000000; real exports use 2000 to 600000).
    #[arg(long, value_name = "N")]
    max_iterations: Option<u32>,
}

/// The secret given on the command line, if any.
static GIVEN_SECRET: OnceLock<Option<Zeroizing<Vec<u8>>>> = OnceLock::new();
/// The --recipient-key spec, if any.
static RECIPIENT_KEY: OnceLock<Option<String>> = OnceLock::new();
/// The limits for key files (--max-iterations).
static IMPORT_OPTIONS: OnceLock<import::ImportOptions> = OnceLock::new();

fn import_options() -> import::ImportOptions {
    IMPORT_OPTIONS.get().copied().unwrap_or_default()
}

/// A key file (`-`: stdin) read into a wiped buffer that leaves no unwiped
/// copy behind as it grows.
fn read_key_input(path: &str) -> Result<Zeroizing<Vec<u8>>, CliError> {
    import::read_secret(super::input::open_input(path, "key")?, 0)
        .map_err(|e| CliError::input(format!("cannot read key {path}: {e}")))
}

/// Records the secret options for every later key load.
pub fn set_secrets(mut args: SecretArgs) -> Result<(), CliError> {
    let given = [
        args.pin.is_some(),
        args.pin_file.is_some(),
        args.password.is_some(),
        args.password_file.is_some(),
    ];
    if given.iter().filter(|&&g| g).count() > 1 {
        return Err(CliError::usage(
            "give only one of --pin, --pin-file, --password, --password-file",
        ));
    }
    let secret = if let Some(s) = args.pin.take().or(args.password.take()) {
        Some(Zeroizing::new(s.into_bytes()))
    } else if let Some(file) = args.pin_file.as_deref().or(args.password_file.as_deref()) {
        Some(first_line(read_key_input(file)?))
    } else {
        None
    };
    let _ = GIVEN_SECRET.set(secret);
    let _ = RECIPIENT_KEY.set(args.recipient_key.take());
    if let Some(n) = args.max_iterations {
        let _ = IMPORT_OPTIONS.set(import::ImportOptions::default().with_max_iterations(n));
    }
    Ok(())
}

/// The first line of a secret file, without its line ending.
fn first_line(mut bytes: Zeroizing<Vec<u8>>) -> Zeroizing<Vec<u8>> {
    if let Some(end) = bytes.iter().position(|&b| b == b'\n') {
        bytes.truncate(end);
    }
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    bytes
}

/// The PIN or password for a source of this kind.
fn secret_for(kind: SourceKind) -> Zeroizing<Vec<u8>> {
    if let Some(Some(given)) = GIVEN_SECRET.get() {
        return given.clone();
    }
    let order = if kind.wants_pin() {
        ["GOSTCMS_PIN", "GOSTCMS_PASSWORD"]
    } else {
        ["GOSTCMS_PASSWORD", "GOSTCMS_PIN"]
    };
    order
        .iter()
        .find_map(std::env::var_os)
        .map(|v| Zeroizing::new(v.into_encoded_bytes()))
        .unwrap_or_default()
}

fn cannot_read(spec: &str, e: impl core::fmt::Display) -> CliError {
    CliError::input(format!("cannot read key {spec}: {e}"))
}

/// True when no PIN or password came from the options or the environment.
fn no_secret_given() -> bool {
    !matches!(GIVEN_SECRET.get(), Some(Some(_)))
        && std::env::var_os("GOSTCMS_PIN").is_none()
        && std::env::var_os("GOSTCMS_PASSWORD").is_none()
}

/// A key error; a wrong-secret failure when none was given says that one
/// is needed and how to give it (an empty password was tried first).
fn key_error(spec: &str, kind: SourceKind, e: gostcms::Error) -> CliError {
    if matches!(e, gostcms::Error::WrongSecret(_)) && no_secret_given() {
        let how = if kind.wants_pin() {
            "a PIN is needed: give it with --pin-file FILE, GOSTCMS_PIN or --pin PIN"
        } else {
            "a password is needed: give it with --password-file FILE, GOSTCMS_PASSWORD or --password PW"
        };
        let what = match kind {
            SourceKind::Container => "a protected container",
            SourceKind::Pfx => "a password-protected PFX",
            _ => "an encrypted key",
        };
        return CliError::input(format!("cannot read key {spec}: {what}, {how}"));
    }
    cannot_read(spec, e)
}

/// The secrets and limits for a source of this kind (the PIN and the
/// password are looked up in the kind's order).
fn load_options(kind: SourceKind) -> import::LoadOptions {
    import::LoadOptions::default()
        .pin(&secret_for(SourceKind::Container))
        .password(&secret_for(kind))
        .limits(import_options())
}

fn open_container(spec: &str, dir: &str) -> Result<ImportedKey, CliError> {
    import::load_path(Path::new(dir), &load_options(SourceKind::Container))
        .map_err(|e| key_error(spec, SourceKind::Container, e))
}

/// A PFX encrypted to a public key: opened with --recipient-key.
fn open_pfx_for_recipient(
    spec: &str,
    bytes: &[u8],
    recipient: &str,
) -> Result<ImportedKey, CliError> {
    let secret = secret_for(SourceKind::Pfx);
    let pfx = Pfx::parse(bytes).map_err(|e| cannot_read(spec, e))?;
    let key = load_key(recipient)?;
    pfx.decrypt_with_key(&key, &secret)
        .map_err(|e| key_error(spec, SourceKind::Pfx, e))?
        .into_key()
        .map_err(|e| cannot_read(spec, e))
}

/// The first CERTIFICATE block of a PEM file that holds other blocks
/// before it (a key-and-certificate PEM); `None` otherwise.
pub fn certificate_in_bundle(bytes: &[u8]) -> Option<&[u8]> {
    let blocks = pem::blocks(bytes);
    if blocks.len() < 2 {
        return None;
    }
    blocks
        .iter()
        .find(|b| b.label == pem::LABEL_CERTIFICATE)
        .map(|b| b.text)
}

/// The key behind `spec` with what came with it (certificates, name).
pub fn load_imported(spec: &str) -> Result<ImportedKey, CliError> {
    if let Some(dir) = spec.strip_prefix("container:") {
        return open_container(spec, dir);
    }
    if let Some(file) = spec.strip_prefix("pfx:") {
        let bytes = read_key_input(file)?;
        return open_pfx_bytes(spec, &bytes);
    }
    if spec != "-" && Path::new(spec).is_dir() {
        return open_container(spec, spec);
    }
    let bytes = read_key_input(spec)?;
    key_from_bytes(spec, &bytes)
}

/// A PFX (`pfx:FILE`, or detected as one): with --recipient-key when it
/// is encrypted to a public key.
fn open_pfx_bytes(spec: &str, bytes: &[u8]) -> Result<ImportedKey, CliError> {
    // (a recipient key that is this very file would recurse)
    if let Some(recipient) = RECIPIENT_KEY.get().and_then(Option::as_deref)
        && recipient != spec
    {
        return open_pfx_for_recipient(spec, bytes, recipient);
    }
    let opts = load_options(SourceKind::Pfx);
    let pfx = Pfx::parse(bytes).map_err(|e| cannot_read(spec, e))?;
    pfx.decrypt_with(&opts.password, &opts.limits)
        .map_err(|e| match e {
            gostcms::Error::MissingParameter(m) => {
                cannot_read(spec, format!("{m} (give it with --recipient-key KEY)"))
            }
            other => key_error(spec, SourceKind::Pfx, other),
        })?
        .into_key()
        .map_err(|e| cannot_read(spec, e))
}

/// A key from the bytes of a PFX, PKCS#8 file (PEM or DER) or PEM bundle.
fn key_from_bytes(spec: &str, bytes: &[u8]) -> Result<ImportedKey, CliError> {
    let kind = import::detect_bytes(bytes);
    if kind == SourceKind::Pfx && RECIPIENT_KEY.get().and_then(Option::as_deref).is_some() {
        return open_pfx_bytes(spec, bytes);
    }
    import::load(bytes, &load_options(kind)).map_err(|e| match e {
        gostcms::Error::MissingParameter(m) if kind == SourceKind::Pfx => {
            cannot_read(spec, format!("{m} (give it with --recipient-key KEY)"))
        }
        other => key_error(spec, kind, other),
    })
}

/// The private key behind `spec` (see the module documentation).
pub fn load_key(spec: &str) -> Result<SigningKey, CliError> {
    load_imported(spec).map(|k| k.key)
}

/// `gostcms key import`: writes the key as PKCS#8 PEM and, with
/// `cert_out`, its certificate. `check` is a certificate the key must
/// match. Unless `quiet`, says on stderr what it wrote.
pub fn import_command(
    source: &str,
    out: &str,
    cert_out: Option<&str>,
    check: Option<&str>,
    force: bool,
    quiet: bool,
) -> Result<(), CliError> {
    let imported = load_imported(source)?;
    let given = check.map(crate::cms::load_cert).transpose()?;
    if let Some(cert) = &given {
        imported
            .check_certificate(cert)
            .map_err(|e| CliError::check(format!("{source}: {e}")))?;
    }
    let certificate = match (&imported.certificate, &given) {
        (Some(c), _) | (None, Some(c)) => Some(c.clone()),
        (None, None) => None,
    };
    if cert_out.is_some() && certificate.is_none() {
        return Err(CliError::input(format!(
            "{source} holds no certificate that matches the key (give one with --cert)"
        )));
    }
    write_output(out, imported.to_pkcs8_pem().as_bytes(), "key", true, force)?;
    if let (Some(path), Some(c)) = (cert_out, &certificate) {
        write_output(path, c.to_pem().as_bytes(), "certificate", false, false)?;
    }
    if !quiet {
        let key = &imported.key;
        // The fingerprint names the public key: Streebog-256 of its
        // SubjectPublicKeyInfo, as `openssl pkey -pubout -outform DER | gostcms hash` prints.
        let spki = key.verifying_key().to_spki_der();
        let fingerprint = gostcms::HashAlg::Streebog256.digest(&spki);
        let algorithm = if imported.algorithm.is_2001() {
            "GOST R 34.10-2001"
        } else {
            "GOST R 34.10-2012"
        };
        let mut text = format!(
            "wrote {} key to {}: {algorithm}, curve {}, public key fingerprint (Streebog-256 of SPKI) {}",
            if out == "-" { "the" } else { "a" },
            if out == "-" { "stdout" } else { out },
            key.curve(),
            hex::encode(fingerprint),
        );
        match &certificate {
            Some(c) => text.push_str(&format!(", certificate subject {}", c.subject())),
            None => text.push_str(", no certificate"),
        }
        if let Some(path) = cert_out {
            text.push_str(&format!(" (written to {path})"));
        }
        // With the key on stdout, the summary goes to stderr.
        if out == "-" {
            super::input::error_line(&text);
        } else {
            outln!("{text}")?;
        }
    }
    Ok(())
}

/// The public key in `path`: a certificate or a SubjectPublicKeyInfo, PEM or DER.
pub fn load_public(path: &str) -> Result<VerifyingKey, CliError> {
    let bytes = read_input(path, "certificate")?;
    let from_cert = Certificate::from_pem_or_der(&bytes).and_then(|c| c.verifying_key());
    match from_cert {
        Ok(k) => Ok(k),
        Err(cert_err) => keys::decode_public_key(&bytes).map_err(|key_err| {
            CliError::input(format!(
                "cannot read {path} as a certificate ({cert_err}) or a public key ({key_err})"
            ))
        }),
    }
}

/// PKCS#8 PEM of a key.
pub fn key_pem(key: &SigningKey) -> zeroize::Zeroizing<String> {
    key.to_pkcs8_pem()
}

/// Signature output formats of `raw-sign`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SigFormat {
    /// base64url without padding (ESIA's form).
    Base64url,
    /// standard base64 with padding.
    Base64,
    /// lower-case hex.
    Hex,
    /// raw bytes.
    Bin,
}

/// The signature bytes in `format`; text formats end with a newline.
pub fn encode_signature(bytes: &[u8], format: SigFormat) -> Vec<u8> {
    let text = match format {
        SigFormat::Bin => return bytes.to_vec(),
        SigFormat::Base64url => URL_SAFE_NO_PAD.encode(bytes),
        SigFormat::Base64 => STANDARD.encode(bytes),
        SigFormat::Hex => hex::encode(bytes),
    };
    format!("{text}\n").into_bytes()
}

fn is_sig_len(n: usize) -> bool {
    n == 64 || n == 128
}

/// Detects binary, hex, base64 or base64url (padded or not, percent-encoded
/// or not) and returns the raw 64 or 128 bytes.
pub fn decode_signature_bytes(data: &[u8]) -> Result<Vec<u8>, String> {
    let printable = data.iter().any(u8::is_ascii_graphic)
        && data
            .iter()
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if !printable {
        if is_sig_len(data.len()) {
            return Ok(data.to_vec());
        }
        return Err(format!(
            "{} bytes of binary data (a raw signature is 64 or 128 bytes)",
            data.len()
        ));
    }
    // Text: whitespace (line breaks of wrapped base64) carries no data.
    let text: String = data
        .iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|&b| char::from(b))
        .collect();
    let text = text.as_str();
    if let Ok(bytes) = hex::decode(text)
        && is_sig_len(bytes.len())
    {
        return Ok(bytes);
    }
    match gostcms::encoding::decode_base64_lenient(text.as_bytes()) {
        Ok(bytes) if is_sig_len(bytes.len()) => Ok(bytes),
        Ok(bytes) => Err(format!(
            "decodes to {} bytes (a raw signature is 64 or 128 bytes)",
            bytes.len()
        )),
        Err(e) => Err(format!("neither hex nor base64/base64url ({e})")),
    }
}

/// Parses detected signature bytes in s||r order, or CryptoAPI order with `reversed`.
pub fn decode_signature(data: &[u8], reversed: bool) -> Result<Signature, String> {
    let bytes = decode_signature_bytes(data)?;
    let sig = if reversed {
        Signature::from_reversed(&bytes)
    } else {
        Signature::from_slice(&bytes)
    };
    sig.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 37 + 5) as u8).collect()
    }

    #[test]
    fn detects_every_signature_encoding() {
        for n in [64, 128] {
            let sig = sample(n);
            let b64 = STANDARD.encode(&sig);
            let forms = [
                sig.clone(),
                hex::encode(&sig).into_bytes(),
                hex::encode_upper(&sig).into_bytes(),
                format!("{}\n", hex::encode(&sig)).into_bytes(),
                b64.clone().into_bytes(),
                b64.trim_end_matches('=').as_bytes().to_vec(),
                URL_SAFE_NO_PAD.encode(&sig).into_bytes(),
                format!("{}==\n", URL_SAFE_NO_PAD.encode(&sig)).into_bytes(),
                format!("{}\n{}\n", &b64[..40], &b64[40..]).into_bytes(),
                b64.replace('+', "%2B")
                    .replace('/', "%2F")
                    .replace('=', "%3D")
                    .into_bytes(),
            ];
            for (i, form) in forms.iter().enumerate() {
                assert_eq!(
                    decode_signature_bytes(form).as_ref(),
                    Ok(&sig),
                    "{n} bytes, form {i}"
                );
            }
        }
    }

    #[test]
    fn rejects_wrong_lengths_and_garbage() {
        assert!(decode_signature_bytes(&sample(63)).is_err());
        assert!(decode_signature_bytes(b"").is_err());
        assert!(decode_signature_bytes(hex::encode(sample(32)).as_bytes()).is_err());
        assert!(decode_signature_bytes(b"not a signature at all!").is_err());
    }

    #[test]
    fn reversed_signature_round_trip() {
        let sig = sample(64);
        let mut rev = sig.clone();
        rev.reverse();
        let parsed = decode_signature(&rev, true).unwrap();
        assert_eq!(parsed.as_bytes(), &sig[..]);
        let text = encode_signature(&sig, SigFormat::Base64url);
        assert_eq!(decode_signature(&text, false).unwrap().as_bytes(), &sig[..]);
        assert_eq!(encode_signature(&sig, SigFormat::Bin), sig);
    }
}
