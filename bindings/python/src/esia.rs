//! `gostcms._gostcms.esia`: what an ESIA integration calls, over
//! `gostcms::esia` (the same calls `gostcms esia ...` makes).

use std::borrow::Cow;

use gostcms_core::esia::{
    self, ByteOrder, ClientSecretBuilder, Field, Flow, JwtVerifier, Pkce, PkceMethod, Timestamp,
    UuidSignatureEncoding, UuidSignatureOptions,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use crate::{Certificate, Fail, Kind, SigningKey, certificates_of, cms_signer, unix_seconds};

/// The contract's flow names (the CLI's `--endpoint` names).
const FLOWS: [(&str, Flow); 6] = [
    ("v2/ac", Flow::Authorize),
    ("v3/te", Flow::Token),
    ("refresh", Flow::Refresh),
    ("ac", Flow::LegacyAuthorize),
    ("te", Flow::LegacyToken),
    ("client-credentials", Flow::LegacyClientCredentials),
];

fn flow_of(name: &str) -> Result<Flow, Fail> {
    FLOWS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .ok_or_else(|| {
            let names: Vec<&str> = FLOWS.iter().map(|(n, _)| *n).collect();
            Fail::new(
                Kind::Format,
                format!(
                    "flow: unknown {name:?} (expected one of {})",
                    names.join(", ")
                ),
            )
        })
}

fn flow_name(flow: Flow) -> &'static str {
    FLOWS
        .iter()
        .find(|(_, f)| *f == flow)
        .map_or("?", |(n, _)| *n)
}

/// The text of a timestamp given as ESIA text or an aware datetime.
fn timestamp_of(obj: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Timestamp::parse(&s.to_cow()?).map_err(|e| Fail::from_core("timestamp", e))?);
    }
    if obj.hasattr("utcoffset")? {
        let offset = obj.call_method0("utcoffset")?;
        if offset.is_none() {
            return Err(Fail::new(
                Kind::Format,
                "timestamp: a naive datetime has no UTC offset to write; give one with tzinfo",
            )
            .into());
        }
        let seconds: f64 = offset.call_method0("total_seconds")?.extract()?;
        let unix = unix_seconds(obj, "timestamp")?;
        return Ok(
            Timestamp::at(unix, seconds as i32).map_err(|e| Fail::from_core("timestamp", e))?
        );
    }
    Err(PyTypeError::new_err(
        "timestamp: expected ESIA text (\"yyyy.MM.dd HH:mm:ss +hhmm\") or an aware datetime",
    ))
}

/// The values to send with an ESIA request.
#[pyclass(frozen, module = "gostcms.esia", get_all)]
pub(crate) struct ClientSecret {
    /// `client_secret`: base64url.
    client_secret: String,
    /// `state` (the one given, or a fresh UUID).
    state: String,
    /// `timestamp` exactly as signed.
    timestamp: String,
    /// `client_certificate_hash` (upper-case hex).
    client_certificate_hash: String,
    /// The string that was signed (for logs and `gostcms esia doctor`).
    signed_string: String,
    /// The flow's name (`v2/ac`, `v3/te`, ...).
    flow: &'static str,
}

#[pymethods]
impl ClientSecret {
    /// The five request values as a dict (the CLI's JSON).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("client_secret", &self.client_secret)?;
        d.set_item("state", &self.state)?;
        d.set_item("timestamp", &self.timestamp)?;
        d.set_item("client_certificate_hash", &self.client_certificate_hash)?;
        d.set_item("signed_string", &self.signed_string)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "<gostcms.esia.ClientSecret flow={} state={} timestamp={:?}>",
            self.flow, self.state, self.timestamp
        )
    }
}

/// The client_secret of an ESIA request (see gostcms.esia.client_secret).
#[pyfunction]
#[pyo3(signature = (key, cert, *, client_id, scope, redirect_uri=None, flow="v2/ac", code=None,
    refresh_token=None, scope_org=None, state=None, timestamp=None, reverse=false))]
#[allow(clippy::too_many_arguments)]
fn client_secret(
    py: Python<'_>,
    key: &SigningKey,
    cert: &Certificate,
    client_id: String,
    scope: String,
    redirect_uri: Option<String>,
    flow: &str,
    code: Option<String>,
    refresh_token: Option<String>,
    scope_org: Option<String>,
    state: Option<String>,
    timestamp: Option<&Bound<'_, PyAny>>,
    reverse: bool,
) -> PyResult<ClientSecret> {
    let f = flow_of(flow)?;
    for (field, given) in [
        (Field::Code, code.is_some()),
        (Field::RefreshToken, refresh_token.is_some()),
    ] {
        if given && !f.fields().contains(&field) {
            return Err(Fail::new(
                Kind::Format,
                format!(
                    "{}: flow {flow:?} ({}) does not sign it (code is for v3/te and te, refresh_token for refresh)",
                    field.name(),
                    f.endpoint()
                ),
            )
            .into());
        }
    }
    if reverse && f.is_legacy() {
        return Err(Fail::new(
            Kind::Format,
            "reverse: applies to raw (v2/v3) secrets, not to the CMS of legacy flows",
        )
        .into());
    }
    let mut b = ClientSecretBuilder::new(f)
        .client_id(client_id)
        .scope(scope)
        .byte_order(if reverse {
            ByteOrder::Reversed
        } else {
            ByteOrder::Standard
        });
    if let Some(v) = scope_org {
        b = b.scope_org(v);
    }
    if let Some(v) = redirect_uri {
        b = b.redirect_uri(v);
    }
    if let Some(v) = code {
        b = b.code(v);
    }
    if let Some(v) = refresh_token {
        b = b.refresh_token(v);
    }
    if let Some(v) = state {
        b = b.state(v);
    }
    if let Some(t) = timestamp.filter(|t| !t.is_none()) {
        b = b.timestamp(&timestamp_of(t)?);
    }
    let secret = py.detach(|| {
        let signer = cms_signer(key, cert)?;
        b.build(&signer)
            .map_err(|e| Fail::from_core(&format!("client_secret for {}", f.endpoint()), e))
    })?;
    Ok(ClientSecret {
        client_secret: secret.client_secret,
        state: secret.state,
        timestamp: secret.timestamp,
        client_certificate_hash: secret.client_certificate_hash,
        signed_string: secret.signed_string,
        flow: flow_name(f),
    })
}

/// The bytes of `str` (UTF-8) or bytes-like data.
fn data_of(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    let c: Cow<'_, [u8]> = obj.extract()?;
    Ok(c.into_owned())
}

/// The Request-Data-Sign header: base64url of a detached CMS over `data`.
#[pyfunction]
fn request_data_sign(
    py: Python<'_>,
    key: &SigningKey,
    cert: &Certificate,
    data: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let data = data_of(data)?;
    let h = py.detach(|| {
        let signer = cms_signer(key, cert)?;
        esia::request_data_sign(&signer, &data).map_err(|e| Fail::from_core("request_data_sign", e))
    })?;
    Ok(h.request_data_sign)
}

/// The Request-Data header: base64url (unpadded) of `data`.
#[pyfunction]
fn request_data(data: &Bound<'_, PyAny>) -> PyResult<String> {
    use base64::Engine as _;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data_of(data)?))
}

/// The identification-key signature: a CMS over the UUID's text, base64url
/// (or percent-encoded standard base64, as in the guide's example).
#[pyfunction]
#[pyo3(signature = (key, cert, uuid, *, attached=false, percent_encoded=false))]
fn uuid_signature(
    py: Python<'_>,
    key: &SigningKey,
    cert: &Certificate,
    uuid: &str,
    attached: bool,
    percent_encoded: bool,
) -> PyResult<String> {
    let options = UuidSignatureOptions {
        attached,
        encoding: if percent_encoded {
            UuidSignatureEncoding::PercentEncodedBase64
        } else {
            UuidSignatureEncoding::Base64Url
        },
        signing_time: None,
    };
    Ok(py.detach(|| {
        let signer = cms_signer(key, cert)?;
        esia::sign_uuid(&signer, uuid, &options).map_err(|e| Fail::from_core("uuid", e))
    })?)
}

/// client_certificate_hash: upper-case hex Streebog-256 of the DER.
#[pyfunction]
fn cert_hash(cert: &Bound<'_, PyAny>) -> PyResult<String> {
    let certs = certificates_of(Some(cert), "cert")?;
    match certs.as_slice() {
        [one] => Ok(esia::client_certificate_hash(one)),
        _ => Err(PyTypeError::new_err("cert: expected one certificate")),
    }
}

/// A fresh PKCE pair (code_verifier, code_challenge); `method` is
/// `GOST3411` (Streebog-256), `GOST3411-512` or `S256`.
#[pyfunction]
#[pyo3(signature = (method="GOST3411"))]
fn pkce<'py>(py: Python<'py>, method: &str) -> PyResult<Bound<'py, PyTuple>> {
    let m = PkceMethod::parse(method).map_err(|e| Fail::from_core("method", e))?;
    let p = Pkce::generate(m).map_err(|e| Fail::from_core("pkce", e))?;
    PyTuple::new(py, [p.code_verifier.as_str(), p.code_challenge.as_str()])
}

/// The code_challenge of a given verifier.
#[pyfunction]
#[pyo3(signature = (code_verifier, method="GOST3411"))]
fn pkce_challenge(code_verifier: &str, method: &str) -> PyResult<String> {
    let m = PkceMethod::parse(method).map_err(|e| Fail::from_core("method", e))?;
    Ok(esia::pkce::challenge(code_verifier, m).map_err(|e| Fail::from_core("code_verifier", e))?)
}

/// Verifies an ESIA token; returns its claims (dict) or raises JwtError.
#[pyfunction]
#[pyo3(signature = (token, trust, *, client_id=None, issuers=None, now=None, leeway=60))]
fn verify_jwt<'py>(
    py: Python<'py>,
    token: &str,
    trust: &Bound<'_, PyAny>,
    client_id: Option<String>,
    issuers: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
    leeway: u64,
) -> PyResult<Bound<'py, PyAny>> {
    let trusted = certificates_of(Some(trust), "trust")?;
    if trusted.is_empty() {
        return Err(Fail::new(Kind::Format, "trust: give at least one ESIA certificate").into());
    }
    let mut v = JwtVerifier::new(&trusted)
        .map_err(|e| Fail::from_core("trust", e))?
        .leeway(leeway);
    if let Some(id) = client_id {
        v = v.client_id(id);
    }
    if let Some(iss) = issuers.filter(|i| !i.is_none()) {
        let list: Vec<String> = if let Ok(s) = iss.cast::<PyString>() {
            vec![s.to_cow()?.into_owned()]
        } else {
            iss.extract()?
        };
        v = v.issuers(list);
    }
    if let Some(t) = now.filter(|t| !t.is_none()) {
        v = v.now(unix_seconds(t, "now")?);
    }
    let token = token.to_string();
    let claims = py
        .detach(|| v.verify(&token).map(|t| t.claims_json.to_string()))
        .map_err(|e| Fail::new(Kind::Jwt, e.to_string()))?;
    py.import("json")?.getattr("loads")?.call1((claims,))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ClientSecret>()?;
    m.add_function(wrap_pyfunction!(client_secret, m)?)?;
    m.add_function(wrap_pyfunction!(request_data_sign, m)?)?;
    m.add_function(wrap_pyfunction!(request_data, m)?)?;
    m.add_function(wrap_pyfunction!(uuid_signature, m)?)?;
    m.add_function(wrap_pyfunction!(cert_hash, m)?)?;
    m.add_function(wrap_pyfunction!(pkce, m)?)?;
    m.add_function(wrap_pyfunction!(pkce_challenge, m)?)?;
    m.add_function(wrap_pyfunction!(verify_jwt, m)?)?;
    m.add(
        "FLOWS",
        PyTuple::new(m.py(), FLOWS.iter().map(|(n, _)| *n))?,
    )?;
    Ok(())
}
