//! `gostcms._gostcms`: the Rust half of the `gostcms` Python package.
//!
//! Thin glue over the `gostcms` crate (renamed `gostcms_core` here): every
//! signature, hash, CMS structure and key format is the crate's. What lives
//! here is what the CLI also keeps outside the library: telling a key
//! source apart (bytes, file, CryptoPro container folder), turning errors
//! into the package's exceptions (defined in `gostcms/_errors.py`), and
//! Python types (bytes, `datetime`, dict).
//!
//! Every class is frozen (immutable after construction) and holds only
//! `Send + Sync` data, so one object may be shared between threads; the
//! calls that do real work release the GIL (`Python::detach`).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gostcms_core as core_;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyMemoryView, PyString, PyTuple, PyType};
use zeroize::Zeroizing;

use core_::cms::{self, AttributeMode, CmsSigner, Content, SignOptions};
use core_::import;
use core_::keys::Certificate as CoreCertificate;
use core_::{CurveId, HashAlg, Signature};

mod esia;

/// Largest key or certificate file read (the crate's own limit for key files).
const MAX_FILE_LEN: u64 = 16 << 20;

// ------------------------------------------------------------------ errors

/// Which exception of `gostcms._errors` to raise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Base,
    InvalidSignature,
    WrongPassword,
    Format,
    Jwt,
}

impl Kind {
    fn class_name(self) -> &'static str {
        match self {
            Kind::Base => "Error",
            Kind::InvalidSignature => "InvalidSignature",
            Kind::WrongPassword => "WrongPassword",
            Kind::Format => "FormatError",
            Kind::Jwt => "JwtError",
        }
    }
}

/// An error made without the GIL; raised as a `gostcms` exception.
#[derive(Debug)]
pub(crate) struct Fail {
    kind: Kind,
    message: String,
}

impl Fail {
    pub(crate) fn new(kind: Kind, message: impl Into<String>) -> Self {
        Fail {
            kind,
            message: message.into(),
        }
    }

    /// A crate error in the context of `what` (the field or object at fault).
    pub(crate) fn from_core(what: &str, e: core_::Error) -> Self {
        use core_::Error as E;
        let kind = match &e {
            E::WrongSecret(_) => Kind::WrongPassword,
            E::SignatureMismatch | E::SignatureRange(_) => Kind::InvalidSignature,
            E::Rng(_) => Kind::Base,
            _ => Kind::Format,
        };
        Fail::new(kind, format!("{what}: {e}"))
    }
}

fn exception_class(py: Python<'_>, kind: Kind) -> PyResult<Bound<'_, PyType>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let module = MODULE.get_or_try_init(py, || {
        PyModule::import(py, "gostcms._errors").map(Bound::unbind)
    })?;
    Ok(module
        .bind(py)
        .getattr(kind.class_name())?
        .cast_into::<PyType>()?)
}

impl From<Fail> for PyErr {
    fn from(f: Fail) -> PyErr {
        Python::attach(|py| match exception_class(py, f.kind) {
            Ok(class) => PyErr::from_type(class, (f.message,)),
            Err(e) => e,
        })
    }
}

type Res<T> = Result<T, Fail>;

// ----------------------------------------------------------------- helpers

/// Names of the curves accepted by `SigningKey.generate`, for messages.
fn curve_from_name(name: &str) -> Res<CurveId> {
    name.parse::<CurveId>().map_err(|_| {
        let names: Vec<&str> = CurveId::ALL.iter().map(|c| c.name()).collect();
        Fail::new(
            Kind::Format,
            format!(
                "curve: unknown name {name:?} (expected one of {})",
                names.join(", ")
            ),
        )
    })
}

/// Where a key or certificate comes from.
pub(crate) enum Source {
    Bytes(Zeroizing<Vec<u8>>),
    Path(PathBuf),
}

/// bytes / bytearray / memoryview: the data; str or os.PathLike: a path
/// (a str that is PEM text is taken as the data itself).
pub(crate) fn source_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Source> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Source::Bytes(Zeroizing::new(b.as_bytes().to_vec())));
    }
    if obj.is_instance_of::<PyByteArray>() || obj.is_instance_of::<PyMemoryView>() {
        let copy = obj
            .py()
            .import("builtins")?
            .getattr("bytes")?
            .call1((obj,))?;
        let b = copy.cast::<PyBytes>()?;
        return Ok(Source::Bytes(Zeroizing::new(b.as_bytes().to_vec())));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        if text.trim_start().starts_with("-----BEGIN ") {
            return Ok(Source::Bytes(Zeroizing::new(text.as_bytes().to_vec())));
        }
        return Ok(Source::Path(PathBuf::from(text.into_owned())));
    }
    if obj.hasattr("__fspath__")? {
        let os = obj.py().import("os")?;
        let path = os
            .getattr("fsdecode")?
            .call1((os.getattr("fspath")?.call1((obj,))?,))?;
        return Ok(Source::Path(PathBuf::from(path.extract::<String>()?)));
    }
    Err(PyTypeError::new_err(format!(
        "{what}: expected bytes (the data) or str / os.PathLike (a path), got {}",
        obj.get_type().name()?
    )))
}

/// Reads at most `MAX_FILE_LEN` bytes of a file into a wiped buffer.
fn read_file(path: &Path, what: &str) -> Res<Zeroizing<Vec<u8>>> {
    use std::io::Read;
    let cannot = |e: std::io::Error| {
        Fail::new(
            Kind::Format,
            format!("{what}: cannot read {}: {e}", path.display()),
        )
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut buf = Zeroizing::new(Vec::new());
    file.take(MAX_FILE_LEN + 1)
        .read_to_end(&mut buf)
        .map_err(cannot)?;
    if buf.len() as u64 > MAX_FILE_LEN {
        return Err(Fail::new(
            Kind::Format,
            format!(
                "{what}: {} is larger than {MAX_FILE_LEN} bytes",
                path.display()
            ),
        ));
    }
    Ok(buf)
}

/// Bytes of `str` (UTF-8) or bytes-like, for PINs and passwords.
fn secret_of(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Zeroizing<Vec<u8>>>> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(Zeroizing::new(s.to_cow()?.as_bytes().to_vec())));
    }
    match source_of(obj, "password")? {
        Source::Bytes(b) if !obj.is_instance_of::<PyString>() => Ok(Some(b)),
        _ => Err(PyTypeError::new_err("password: expected str or bytes")),
    }
}

/// An aware UTC `datetime` for a `SystemTime` (any year `datetime` holds).
pub(crate) fn utc_datetime(py: Python<'_>, t: SystemTime) -> PyResult<Bound<'_, PyAny>> {
    let dt = py.import("datetime")?;
    let utc = dt.getattr("timezone")?.getattr("utc")?;
    let epoch = dt
        .getattr("datetime")?
        .call1((1970, 1, 1, 0, 0, 0, 0, utc))?;
    let (sign, d) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (1i64, d),
        Err(e) => (-1i64, e.duration()),
    };
    let delta = dt.getattr("timedelta")?.call1((
        0,
        sign * d.as_secs() as i64,
        sign * i64::from(d.subsec_micros()),
    ))?;
    epoch.call_method1("__add__", (delta,))
}

/// Unix seconds from an int, a float or an aware `datetime`.
pub(crate) fn unix_seconds(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<i64> {
    if let Ok(i) = obj.extract::<i64>() {
        return Ok(i);
    }
    if obj.hasattr("timestamp")? && obj.hasattr("tzinfo")? {
        if obj.getattr("tzinfo")?.is_none() {
            return Err(Fail::new(
                Kind::Format,
                format!("{what}: a naive datetime is ambiguous; give one with tzinfo (e.g. datetime.timezone.utc)"),
            )
            .into());
        }
        let f: f64 = obj.call_method0("timestamp")?.extract()?;
        return Ok(f.floor() as i64);
    }
    if let Ok(f) = obj.extract::<f64>()
        && f.is_finite()
    {
        return Ok(f.floor() as i64);
    }
    Err(PyTypeError::new_err(format!(
        "{what}: expected Unix seconds (int) or an aware datetime"
    )))
}

/// `SystemTime` from an int, float or aware `datetime`.
fn system_time(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<SystemTime> {
    let s = unix_seconds(obj, what)?;
    Ok(if s >= 0 {
        UNIX_EPOCH + Duration::from_secs(s as u64)
    } else {
        UNIX_EPOCH - Duration::from_secs(s.unsigned_abs())
    })
}

/// First 8 bytes of Streebog-256 over the public key, hex: identifies a
/// key in `repr` without showing anything secret.
fn fingerprint(key: &core_::VerifyingKey) -> String {
    hex::encode(&HashAlg::Streebog256.digest(&key.to_le_bytes())[..8])
}

// ------------------------------------------------------------- key loading

/// What a key source held: the key and, for containers and PFX, its certificate.
struct Loaded {
    key: core_::SigningKey,
    certificate: Option<CoreCertificate>,
}

/// Loads through `gostcms::import::load` / `load_path`, as the CLI and
/// `gostcms serve` do, with the secret given by the caller.
fn load_key_source(source: &Source, secret: &[u8]) -> Res<Loaded> {
    let opts = import::LoadOptions::with_secret(secret);
    let (loaded, what) = match source {
        Source::Path(path) if path.is_dir() => (
            import::load_path(path, &opts),
            format!("key container {}", path.display()),
        ),
        Source::Path(path) => {
            let bytes = read_file(path, "key")?;
            (
                import::load(&bytes, &opts),
                format!("key {}", path.display()),
            )
        }
        Source::Bytes(bytes) => (import::load(bytes, &opts), "key".to_string()),
    };
    loaded
        .map(|k| Loaded {
            key: k.key,
            certificate: k.certificate,
        })
        .map_err(|e| Fail::from_core(&what, e))
}

/// Reads a private key.
///
/// `source` is the key itself as bytes (PKCS#8 PEM or DER, encrypted
/// PKCS#8, PFX / PKCS#12) or a path (`str` or `os.PathLike`) to such a
/// file or to a CryptoPro container folder (`xxxxxxxx.000`). A `str`
/// that starts with `-----BEGIN` is taken as PEM text, not as a path.
/// `password` (str or bytes) is the PFX / PKCS#8 password or the
/// container PIN. Raises `WrongPassword` when it is wrong or missing,
/// `FormatError` when the data cannot be read as a key.
#[pyfunction]
#[pyo3(signature = (source, password=None))]
fn load_key(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    password: Option<&Bound<'_, PyAny>>,
) -> PyResult<SigningKey> {
    let src = source_of(source, "source")?;
    let given = secret_of(password)?;
    let secret = given.clone().unwrap_or_default();
    let loaded =
        py.detach(|| load_key_source(&src, &secret))
            .map_err(|f| match (f.kind, &given) {
                (Kind::WrongPassword, None) => Fail::new(
                    Kind::WrongPassword,
                    format!(
                        "no password or PIN given, and this key needs one ({})",
                        f.message
                    ),
                ),
                _ => f,
            })?;
    Ok(SigningKey::new(loaded.key, loaded.certificate))
}

/// Reads an X.509 certificate: bytes (PEM or DER) or a path to such a file.
#[pyfunction]
fn load_certificate(source: &Bound<'_, PyAny>) -> PyResult<Certificate> {
    let bytes = match source_of(source, "source")? {
        Source::Bytes(b) => b,
        Source::Path(p) => read_file(&p, "certificate")?,
    };
    let inner =
        CoreCertificate::from_pem_or_der(&bytes).map_err(|e| Fail::from_core("certificate", e))?;
    Ok(Certificate { inner })
}

// -------------------------------------------------------------------- keys

/// A GOST R 34.10-2012 private key. Immutable and safe to share between
/// threads; `repr` shows the curve and a public-key fingerprint only.
#[pyclass(frozen, module = "gostcms")]
pub(crate) struct SigningKey {
    pub(crate) key: core_::SigningKey,
    certificate: Option<CoreCertificate>,
    /// The CMS signer of the certificate last used with this key: making
    /// one checks the certificate's public key (a point validation), which
    /// a repeated `cms_sign` or ESIA call with the same pair skips.
    signer_cache: Mutex<Option<(Vec<u8>, Arc<CmsSigner>)>>,
}

impl SigningKey {
    fn new(key: core_::SigningKey, certificate: Option<CoreCertificate>) -> Self {
        SigningKey {
            key,
            certificate,
            signer_cache: Mutex::new(None),
        }
    }
}

#[pymethods]
impl SigningKey {
    /// A new key from the operating system's random number generator.
    /// `curve` is a CLI name (`cryptopro-a`, `tc26-256-a`, `tc26-512-a`,
    /// ...), an ASN.1 parameter-set name or a dotted OID.
    #[staticmethod]
    fn generate(py: Python<'_>, curve: &str) -> PyResult<Self> {
        let id = curve_from_name(curve)?;
        let key = py
            .detach(|| core_::SigningKey::generate(id))
            .map_err(|e| Fail::from_core("generate", e))?;
        Ok(SigningKey::new(key, None))
    }

    /// The curve's CLI name, e.g. `cryptopro-a`.
    #[getter]
    fn curve(&self) -> &'static str {
        self.key.curve().name()
    }

    /// 256 or 512.
    #[getter]
    fn bits(&self) -> usize {
        8 * self.key.curve().key_size().coordinate_len()
    }

    /// The certificate that came with the key (CryptoPro container or PFX), or None.
    #[getter]
    fn certificate(&self) -> Option<Certificate> {
        self.certificate.clone().map(|inner| Certificate { inner })
    }

    /// Streebog (of the key's size) over `message`, then GOST R 34.10-2012:
    /// the signature s || r, big-endian, 64 or 128 bytes.
    fn sign<'py>(&self, py: Python<'py>, message: Cow<'_, [u8]>) -> PyResult<Bound<'py, PyBytes>> {
        let sig = py
            .detach(|| self.key.sign_prehash(&self.key.hash_alg().digest(&message)))
            .map_err(|e| Fail::from_core("sign", e))?;
        Ok(PyBytes::new(py, sig.as_bytes()))
    }

    /// Signs a Streebog digest computed elsewhere (32 or 64 bytes).
    fn sign_digest<'py>(
        &self,
        py: Python<'py>,
        digest: Cow<'_, [u8]>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let sig = py
            .detach(|| self.key.sign_prehash(&digest))
            .map_err(|e| Fail::from_core("digest", e))?;
        Ok(PyBytes::new(py, sig.as_bytes()))
    }

    /// Signs many messages at once (faster per signature than `sign`: the
    /// field inversions are shared), each with its own fresh nonce; returns
    /// the signatures in order. `parallel=True` spreads the work over all
    /// CPU cores.
    #[pyo3(signature = (messages, *, parallel=false))]
    fn sign_batch<'py>(
        &self,
        py: Python<'py>,
        messages: &Bound<'py, PyAny>,
        parallel: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let items = messages
            .try_iter()?
            .collect::<PyResult<Vec<Bound<'py, PyAny>>>>()?;
        let messages = items
            .iter()
            .map(|m| m.extract::<Cow<'_, [u8]>>())
            .collect::<PyResult<Vec<_>>>()?;
        let sigs = py
            .detach(|| {
                let refs: Vec<&[u8]> = messages.iter().map(|m| m.as_ref()).collect();
                if parallel {
                    self.key.par_sign_batch(&refs)
                } else {
                    self.key.sign_batch(&refs)
                }
            })
            .map_err(|e| Fail::from_core("sign_batch", e))?;
        PyList::new(py, sigs.iter().map(|s| PyBytes::new(py, s.as_bytes())))
    }

    /// The public key.
    fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey {
            key: *self.key.verifying_key(),
        }
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    /// The returned str holds the secret: Python cannot wipe it; write it
    /// to a file with mode 0600 and drop it.
    fn to_pem(&self) -> String {
        let pem = self.key.to_pkcs8_pem();
        String::from(pem.as_str())
    }

    fn __repr__(&self) -> String {
        format!(
            "<gostcms.SigningKey curve={} public={}>",
            self.key.curve().name(),
            fingerprint(self.key.verifying_key())
        )
    }
}

/// A GOST R 34.10-2012 public key.
#[pyclass(frozen, module = "gostcms")]
pub(crate) struct VerifyingKey {
    key: core_::VerifyingKey,
}

#[pymethods]
impl VerifyingKey {
    /// A public key from X || Y, each little-endian (the contents of a
    /// certificate's public-key OCTET STRING), validated.
    #[staticmethod]
    fn from_bytes(curve: &str, data: Cow<'_, [u8]>) -> PyResult<Self> {
        let id = curve_from_name(curve)?;
        let key = core_::VerifyingKey::from_le_bytes(id, &data)
            .map_err(|e| Fail::from_core("public key", e))?;
        Ok(VerifyingKey { key })
    }

    /// Checks a signature (s || r, big-endian) over `message`; returns None
    /// or raises `InvalidSignature`.
    fn verify(
        &self,
        py: Python<'_>,
        message: Cow<'_, [u8]>,
        signature: Cow<'_, [u8]>,
    ) -> PyResult<()> {
        let want = self.key.curve().key_size().signature_len();
        if signature.len() != want {
            return Err(Fail::new(
                Kind::InvalidSignature,
                format!(
                    "signature: {} bytes, a {}-bit key's signature is {want}",
                    signature.len(),
                    4 * want
                ),
            )
            .into());
        }
        py.detach(|| {
            let sig = Signature::from_slice(&signature)?;
            self.key.verify_message(&message, &sig)
        })
        .map_err(|e| Fail::new(Kind::InvalidSignature, format!("signature: {e}")).into())
    }

    /// The curve's CLI name.
    #[getter]
    fn curve(&self) -> &'static str {
        self.key.curve().name()
    }

    /// X || Y, each little-endian (the certificate's form).
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.key.to_le_bytes())
    }

    /// First 8 bytes of Streebog-256 over `to_bytes()`, hex.
    #[getter]
    fn fingerprint(&self) -> String {
        fingerprint(&self.key)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<VerifyingKey>()
            .is_ok_and(|o| o.get().key == self.key)
    }

    fn __hash__(&self) -> u64 {
        let d = HashAlg::Streebog256.digest(&self.key.to_le_bytes());
        u64::from_le_bytes(d[..8].try_into().unwrap_or([0; 8]))
    }

    fn __repr__(&self) -> String {
        format!(
            "<gostcms.VerifyingKey curve={} fingerprint={}>",
            self.key.curve().name(),
            fingerprint(&self.key)
        )
    }
}

// ------------------------------------------------------------ certificates

/// An X.509 certificate.
#[pyclass(frozen, module = "gostcms")]
#[derive(Clone)]
pub(crate) struct Certificate {
    pub(crate) inner: CoreCertificate,
}

#[pymethods]
impl Certificate {
    /// A self-signed certificate for `key` (tests, development; ESIA needs
    /// one issued by an accredited CA). `subject` is RFC 4514, e.g.
    /// `"CN=Test,O=Example"`.
    #[staticmethod]
    #[pyo3(signature = (key, subject, *, days=365))]
    fn self_signed(key: &SigningKey, subject: &str, days: u32) -> PyResult<Self> {
        let inner = core_::keys::self_signed(&key.key, subject, days, None)
            .map_err(|e| Fail::from_core("self_signed", e))?;
        Ok(Certificate { inner })
    }

    /// The DER encoding.
    #[getter]
    fn der<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.der())
    }

    /// PEM text.
    fn to_pem(&self) -> String {
        self.inner.to_pem()
    }

    /// The subject name, RFC 4514 style.
    #[getter]
    fn subject(&self) -> String {
        self.inner.subject()
    }

    /// The issuer name, RFC 4514 style.
    #[getter]
    fn issuer(&self) -> String {
        self.inner.issuer()
    }

    /// The serial number, hex.
    #[getter]
    fn serial(&self) -> String {
        self.inner.serial_hex()
    }

    /// Start of validity, an aware UTC datetime.
    #[getter]
    fn not_before<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        utc_datetime(py, self.inner.not_before())
    }

    /// End of validity, an aware UTC datetime.
    #[getter]
    fn not_after<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        utc_datetime(py, self.inner.not_after())
    }

    /// The certificate's GOST public key (FormatError for other algorithms).
    fn verifying_key(&self) -> PyResult<VerifyingKey> {
        let key = self
            .inner
            .verifying_key()
            .map_err(|e| Fail::from_core("certificate public key", e))?;
        Ok(VerifyingKey { key })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Certificate>()
            .is_ok_and(|o| o.get().inner.der() == self.inner.der())
    }

    fn __hash__(&self) -> u64 {
        let d = HashAlg::Streebog256.digest(self.inner.der());
        u64::from_le_bytes(d[..8].try_into().unwrap_or([0; 8]))
    }

    fn __repr__(&self) -> String {
        format!("<gostcms.Certificate subject={:?}>", self.inner.subject())
    }
}

// --------------------------------------------------------------------- CMS

/// The CMS signer of a key and certificate (which must hold the key's
/// public key): the key's cached one when the certificate is the same.
pub(crate) fn cms_signer(key: &SigningKey, cert: &Certificate) -> Res<Arc<CmsSigner>> {
    let der = cert.inner.der();
    // A poisoned lock (a panic elsewhere while it was held) only skips the cache.
    if let Ok(cache) = key.signer_cache.lock()
        && let Some((cached_der, signer)) = cache.as_ref()
        && cached_der.as_slice() == der
    {
        return Ok(Arc::clone(signer));
    }
    let signer = Arc::new(
        CmsSigner::new(key.key.clone(), cert.inner.clone())
            .map_err(|e| Fail::from_core("cms", e))?,
    );
    if let Ok(mut cache) = key.signer_cache.lock() {
        *cache = Some((der.to_vec(), Arc::clone(&signer)));
    }
    Ok(signer)
}

/// A CMS SignedData (DER) over `content` with `key`, naming `cert`:
/// detached unless `attached`; with signed attributes (contentType,
/// signingTime, messageDigest) unless `signed_attributes=False`; `cades`
/// adds signingCertificateV2 (CAdES-BES).
#[pyfunction]
#[pyo3(signature = (key, cert, content, *, attached=false, signed_attributes=true, cades=false))]
fn cms_sign<'py>(
    py: Python<'py>,
    key: &SigningKey,
    cert: &Certificate,
    content: Cow<'_, [u8]>,
    attached: bool,
    signed_attributes: bool,
    cades: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    if cades && !signed_attributes {
        return Err(Fail::new(
            Kind::Format,
            "cades: CAdES needs signed attributes (signed_attributes=False excludes it)",
        )
        .into());
    }
    let options = SignOptions {
        attached,
        attributes: if !signed_attributes {
            AttributeMode::None
        } else if cades {
            AttributeMode::Cades
        } else {
            AttributeMode::Standard
        },
        ..SignOptions::default()
    };
    let der = py.detach(|| {
        cms_signer(key, cert)?
            .sign(&content, &options)
            .map_err(|e| Fail::from_core("cms_sign", e))
    })?;
    Ok(PyBytes::new(py, &der))
}

/// One signer of a SignedData, as `cms_verify` found it.
#[pyclass(frozen, module = "gostcms")]
pub(crate) struct Signer {
    /// True when this signer's signature verified (and, with `trust`, its
    /// certificate chained to a trusted one).
    #[pyo3(get)]
    valid: bool,
    /// The signer certificate's subject, or None when it was not found.
    #[pyo3(get)]
    subject: Option<String>,
    /// The signer certificate's serial number (hex), or None.
    #[pyo3(get)]
    serial: Option<String>,
    /// The key's curve (CLI name), or None.
    #[pyo3(get)]
    curve: Option<&'static str>,
    /// Why it did not verify, or None.
    #[pyo3(get)]
    reason: Option<String>,
    signing_time: Option<SystemTime>,
    certificate: Option<CoreCertificate>,
}

#[pymethods]
impl Signer {
    /// The signingTime attribute (aware UTC datetime), or None.
    #[getter]
    fn signing_time<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.signing_time.map(|t| utc_datetime(py, t)).transpose()
    }

    /// The signer's certificate, or None.
    #[getter]
    fn certificate(&self) -> Option<Certificate> {
        self.certificate.clone().map(|inner| Certificate { inner })
    }

    fn __repr__(&self) -> String {
        format!(
            "<gostcms.Signer valid={} subject={:?} reason={:?}>",
            if self.valid { "True" } else { "False" },
            self.subject.as_deref().unwrap_or("-"),
            self.reason.as_deref().unwrap_or("-")
        )
    }
}

/// What `cms_verify` found. `valid` is True only when there is at least
/// one signer and every signer verified; `bool(report)` is `report.valid`.
#[pyclass(frozen, module = "gostcms")]
pub(crate) struct VerifyReport {
    /// True when the SignedData has signers and all of them verified.
    #[pyo3(get)]
    valid: bool,
    /// Why the signature could not be checked at all (unreadable input,
    /// no signers), or None.
    #[pyo3(get)]
    error: Option<String>,
    signers: Vec<Py<Signer>>,
    content: Option<Vec<u8>>,
    certificates: Vec<CoreCertificate>,
}

#[pymethods]
impl VerifyReport {
    /// One `Signer` per SignerInfo, in order.
    #[getter]
    fn signers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.signers.iter().map(|s| s.clone_ref(py)))
    }

    /// The content of an attached signature (bytes), or None.
    #[getter]
    fn content<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.content.as_ref().map(|c| PyBytes::new(py, c))
    }

    /// Every certificate embedded in the SignedData.
    #[getter]
    fn certificates(&self) -> Vec<Certificate> {
        self.certificates
            .iter()
            .cloned()
            .map(|inner| Certificate { inner })
            .collect()
    }

    fn __bool__(&self) -> bool {
        self.valid
    }

    fn __repr__(&self) -> String {
        format!(
            "<gostcms.VerifyReport valid={} signers={}{}>",
            if self.valid { "True" } else { "False" },
            self.signers.len(),
            self.error
                .as_ref()
                .map(|e| format!(" error={e:?}"))
                .unwrap_or_default()
        )
    }
}

/// Plain data of one signer, made without the GIL.
struct SignerOut {
    valid: bool,
    subject: Option<String>,
    serial: Option<String>,
    curve: Option<&'static str>,
    reason: Option<String>,
    signing_time: Option<SystemTime>,
    certificate: Option<CoreCertificate>,
}

/// What `verify_cms` found: the signers, the attached content, the
/// embedded certificates.
type Verified = (Vec<SignerOut>, Option<Vec<u8>>, Vec<CoreCertificate>);

/// `gostcms verify` without the printing: each signer's outcome, then,
/// with trust anchors, its chain at its signingTime (or `at`, or now).
fn verify_cms(
    signature: &[u8],
    content: Option<&[u8]>,
    trust: &[CoreCertificate],
    at: Option<SystemTime>,
) -> Result<Verified, String> {
    let report = match content {
        None => cms::verify(signature, Content::Attached, &[]),
        Some(c) => cms::verify(signature, Content::Bytes(c), &[]),
    }
    .map_err(|e| e.to_string())?;
    let pool = &report.certificates;
    let signers = report
        .signers
        .iter()
        .map(|s| {
            let mut outcome = s.outcome.clone().map_err(|e| e.to_string());
            if outcome.is_ok() && !trust.is_empty() {
                outcome = match &s.certificate {
                    Some(cert) => {
                        let when = at.or(s.signing_time).unwrap_or_else(SystemTime::now);
                        cms::check_chain(cert, pool, trust, when)
                    }
                    None => Err("no signer certificate to check against the trust anchors".into()),
                };
            }
            SignerOut {
                valid: outcome.is_ok(),
                subject: s.subject.clone(),
                serial: s.serial.clone(),
                curve: s.curve.map(CurveId::name),
                reason: outcome.err(),
                signing_time: s.signing_time,
                certificate: s.certificate.clone(),
            }
        })
        .collect();
    Ok((signers, report.attached_content, report.certificates))
}

/// The bytes of a signature given as bytes or text.
fn bytes_or_text(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u8>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    match source_of(obj, what) {
        Ok(Source::Bytes(b)) => Ok(b.to_vec()),
        _ => Err(PyTypeError::new_err(format!(
            "{what}: expected bytes or str"
        ))),
    }
}

/// Certificates from a list (or one) of Certificate objects, bytes or paths.
pub(crate) fn certificates_of(
    obj: Option<&Bound<'_, PyAny>>,
    what: &str,
) -> PyResult<Vec<CoreCertificate>> {
    let Some(obj) = obj else {
        return Ok(Vec::new());
    };
    if obj.is_none() {
        return Ok(Vec::new());
    }
    let one = |item: &Bound<'_, PyAny>| -> PyResult<CoreCertificate> {
        if let Ok(c) = item.cast::<Certificate>() {
            return Ok(c.get().inner.clone());
        }
        load_certificate(item).map(|c| c.inner).map_err(|e| {
            Python::attach(|py| {
                let msg = e.value(py).to_string();
                Fail::new(Kind::Format, format!("{what}: {msg}")).into()
            })
        })
    };
    if obj.is_instance_of::<Certificate>()
        || obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyString>()
    {
        return Ok(vec![one(obj)?]);
    }
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        out.push(one(&item?)?);
    }
    Ok(out)
}

/// Verifies a CMS SignedData. `signature` may be DER, BER, PEM, base64 or
/// base64url (bytes or str); `content` is the signed data of a detached
/// signature (None for an attached one). Never raises for an invalid or
/// unreadable signature: returns a `VerifyReport` whose `valid` is False
/// and whose signers' `reason` (or `error`) says why.
///
/// Without `trust` only the signatures are checked, with the certificate
/// embedded in the SignedData taken as is. With `trust` (Certificates,
/// bytes or paths) each signer's certificate must also chain to one of
/// them, valid at its signingTime (or at `at`: Unix seconds or an aware
/// datetime). Revocation is not checked.
#[pyfunction]
#[pyo3(signature = (signature, content=None, *, trust=None, at=None))]
fn cms_verify(
    py: Python<'_>,
    signature: &Bound<'_, PyAny>,
    content: Option<Cow<'_, [u8]>>,
    trust: Option<&Bound<'_, PyAny>>,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<VerifyReport> {
    let sig = bytes_or_text(signature, "signature")?;
    let trusted = certificates_of(trust, "trust")?;
    let at = at.map(|t| system_time(t, "at")).transpose()?;
    let result = py.detach(|| verify_cms(&sig, content.as_deref(), &trusted, at));
    Ok(match result {
        Ok((signers, attached, certificates)) => {
            let valid = !signers.is_empty() && signers.iter().all(|s| s.valid);
            let error = signers
                .is_empty()
                .then(|| "the SignedData has no signers".to_string());
            let signers = signers
                .into_iter()
                .map(|s| {
                    Py::new(
                        py,
                        Signer {
                            valid: s.valid,
                            subject: s.subject,
                            serial: s.serial,
                            curve: s.curve,
                            reason: s.reason,
                            signing_time: s.signing_time,
                            certificate: s.certificate,
                        },
                    )
                })
                .collect::<PyResult<Vec<_>>>()?;
            VerifyReport {
                valid,
                error,
                signers,
                content: attached,
                certificates,
            }
        }
        Err(e) => VerifyReport {
            valid: false,
            error: Some(format!("signature: {e}")),
            signers: Vec::new(),
            content: None,
            certificates: Vec::new(),
        },
    })
}

// ------------------------------------------------------------------ hashes

/// GOST R 34.11-2012 (Streebog) 256-bit digest.
#[pyfunction]
fn streebog256<'py>(py: Python<'py>, data: Cow<'_, [u8]>) -> Bound<'py, PyBytes> {
    let d = py.detach(|| HashAlg::Streebog256.digest(&data));
    PyBytes::new(py, &d)
}

/// GOST R 34.11-2012 (Streebog) 512-bit digest.
#[pyfunction]
fn streebog512<'py>(py: Python<'py>, data: Cow<'_, [u8]>) -> Bound<'py, PyBytes> {
    let d = py.detach(|| HashAlg::Streebog512.digest(&data));
    PyBytes::new(py, &d)
}

/// The curves' CLI names, in a stable order.
fn curve_names() -> Vec<&'static str> {
    CurveId::ALL.iter().map(|c| c.name()).collect()
}

// ------------------------------------------------------------------ module

#[pymodule]
fn _gostcms(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("CURVES", PyTuple::new(py, curve_names())?)?;
    m.add_class::<SigningKey>()?;
    m.add_class::<VerifyingKey>()?;
    m.add_class::<Certificate>()?;
    m.add_class::<Signer>()?;
    m.add_class::<VerifyReport>()?;
    m.add_function(wrap_pyfunction!(load_key, m)?)?;
    m.add_function(wrap_pyfunction!(load_certificate, m)?)?;
    m.add_function(wrap_pyfunction!(cms_sign, m)?)?;
    m.add_function(wrap_pyfunction!(cms_verify, m)?)?;
    m.add_function(wrap_pyfunction!(streebog256, m)?)?;
    m.add_function(wrap_pyfunction!(streebog512, m)?)?;
    let sub = PyModule::new(py, "esia")?;
    esia::register(&sub)?;
    m.add_submodule(&sub)?;
    Ok(())
}
