//! The endpoints (docs/serve.md): routing, authorization, bodies, answers.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use gostcms::cms::{self, Content, SignOptions};
use gostcms::esia::{self, Fields, Flow, Timestamp};
use gostcms::{HashAlg, Signature};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{self, Client, Operation};
use super::{KeyHandle, Shared, State};

/// Bodies above this many bytes are hashed off the async threads.
const HASH_INLINE_MAX: usize = 64 * 1024;

/// A JSON error answer.
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// Close the connection after the answer (the body was not read).
    close: bool,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            close: false,
        }
    }

    fn bad(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    fn forbidden(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    fn internal(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    fn closing(mut self) -> Self {
        self.close = true;
        self
    }

    fn into_response(self) -> Response<Full<Bytes>> {
        let body = json!({"error": self.code, "message": self.message});
        let mut response = json_response(self.status, &body);
        if self.close {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The endpoints; `label` names them in the metrics.
#[derive(Clone, Copy)]
enum Route {
    Health,
    Metrics,
    Op(Operation),
    WrongMethod(&'static str),
    NotFound,
}

fn route(method: &Method, path: &str) -> (Route, &'static str) {
    let (want, route, label) = match path {
        "/healthz" => (Method::GET, Route::Health, "healthz"),
        "/metrics" => (Method::GET, Route::Metrics, "metrics"),
        "/v1/esia/client-secret" => (
            Method::POST,
            Route::Op(Operation::ClientSecret),
            "client-secret",
        ),
        "/v1/esia/request-data-sign" => (
            Method::POST,
            Route::Op(Operation::RequestDataSign),
            "request-data-sign",
        ),
        "/v1/sign" => (Method::POST, Route::Op(Operation::Sign), "sign"),
        "/v1/verify" => (Method::POST, Route::Op(Operation::Verify), "verify"),
        "/v1/jwt/verify" => (Method::POST, Route::Op(Operation::JwtVerify), "jwt-verify"),
        _ => return (Route::NotFound, "other"),
    };
    if method == want {
        (route, label)
    } else {
        let allow = if want == Method::GET { "GET" } else { "POST" };
        (Route::WrongMethod(allow), label)
    }
}

/// Answers one request, within the configured time.
pub async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let start = Instant::now();
    let state = shared.current();
    let (route, label) = route(req.method(), req.uri().path());
    let timeout = state.config.request_timeout;
    let answer = tokio::time::timeout(timeout, dispatch(&shared, &state, route, req)).await;
    let response = match answer {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => e.into_response(),
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            format!(
                "the request took longer than request_timeout_ms = {}",
                timeout.as_millis()
            ),
        )
        .closing()
        .into_response(),
    };
    shared
        .metrics
        .request(label, response.status().as_u16(), start.elapsed());
    Ok(response)
}

async fn dispatch(
    shared: &Shared,
    state: &State,
    route: Route,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, ApiError> {
    let op = match route {
        Route::Health => return Ok(json_response(StatusCode::OK, &json!({"status": "ok"}))),
        Route::Metrics => {
            let mut r = Response::new(Full::new(Bytes::from(shared.metrics.render())));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4"),
            );
            return Ok(r);
        }
        Route::NotFound => {
            let e = ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such endpoint (see docs/serve.md)",
            );
            return Err(refuse(req, state.config.max_body_bytes, e).await);
        }
        Route::WrongMethod(allow) => {
            let e = ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                format!("this endpoint takes {allow}"),
            );
            return Err(refuse(req, state.config.max_body_bytes, e).await);
        }
        Route::Op(op) => op,
    };
    let client = match authorize(state, &req, op) {
        Ok(c) => c,
        Err(e) => return Err(refuse(req, state.config.max_body_bytes, e).await),
    };
    let body = read_body(req, state.config.max_body_bytes).await?;
    let ctx = Ctx {
        shared,
        state,
        client,
        op,
    };
    let answer = match op {
        Operation::ClientSecret => client_secret(&ctx, parse(&body)?).await?,
        Operation::RequestDataSign => request_data_sign(&ctx, parse(&body)?).await?,
        Operation::Sign => sign(&ctx, parse(&body)?).await?,
        Operation::Verify => verify(&ctx, parse(&body)?).await?,
        Operation::JwtVerify => jwt_verify(&ctx, parse(&body)?).await?,
    };
    Ok(json_response(StatusCode::OK, &answer))
}

/// 401, 403 and 429, before the body is read.
fn authorize<'s>(
    state: &'s State,
    req: &Request<Incoming>,
    op: Operation,
) -> Result<&'s Client, ApiError> {
    let unauthorized = |m: &str| ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", m);
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| unauthorized("no Authorization: Bearer token"))?;
    let token = auth::bearer(header.as_bytes())
        .ok_or_else(|| unauthorized("the Authorization header is not \"Bearer TOKEN\""))?;
    let client = auth::find_client(&state.config.clients, token)
        .ok_or_else(|| unauthorized("unknown token"))?;
    if !client.may(op) {
        return Err(ApiError::forbidden(format!(
            "client {} may not use {}",
            client.name,
            op.name()
        )));
    }
    if let Some(limiter) = &client.limiter
        && !limiter.allow()
    {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("client {} is over its rate_per_second", client.name),
        ));
    }
    Ok(client)
}

/// An error answered before the body was read: the body is read and
/// dropped (at most `max` bytes, within the request's time) so that the
/// connection stays usable; the connection is closed when it cannot be.
async fn refuse(req: Request<Incoming>, max: usize, e: ApiError) -> ApiError {
    match read_body(req, max).await {
        Ok(_) => e,
        Err(_) => e.closing(),
    }
}

/// The whole body, at most `max` bytes (413 above).
async fn read_body(req: Request<Incoming>, max: usize) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body is over max_body_bytes = {max}"),
        )
        .closing()
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    match Limited::new(req.into_body(), max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(_) => Err(ApiError::bad("cannot read the request body").closing()),
    }
}

/// A JSON body; the error names a field or a position, never a value.
fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        let text = e.to_string();
        let safe = text.starts_with("missing field") || text.starts_with("unknown field");
        ApiError::bad(match (safe, e.classify()) {
            (true, _) => text,
            (false, serde_json::error::Category::Data) => format!(
                "a field has the wrong type or value (line {} column {})",
                e.line(),
                e.column()
            ),
            (false, _) => format!("malformed JSON (line {} column {})", e.line(), e.column()),
        })
    })
}

fn decode_b64(field: &str, text: &str) -> Result<Vec<u8>, ApiError> {
    STANDARD
        .decode(text.trim())
        .map_err(|_| ApiError::bad(format!("{field}: not standard padded base64")))
}

/// What a handler knows about its request.
struct Ctx<'a> {
    shared: &'a Shared,
    state: &'a State,
    client: &'a Client,
    op: Operation,
}

impl Ctx<'_> {
    /// The named key, if this client may use it (403 otherwise, whether or
    /// not it exists: clients learn nothing of other keys).
    fn key(&self, name: &str) -> Result<&KeyHandle, ApiError> {
        if !self.client.keys.contains(name) {
            return Err(ApiError::forbidden(format!(
                "client {} may not use key {name:?}",
                self.client.name
            )));
        }
        self.state
            .keys
            .get(name)
            .ok_or_else(|| ApiError::internal(format!("key {name} is not loaded")))
    }

    /// Audit line and counter for one signature over `signed`.
    fn signed(&self, key: &KeyHandle, signed: &[u8]) -> Result<(), ApiError> {
        self.state
            .audit
            .record(&self.client.name, &key.key.name, self.op.name(), signed)
            .map_err(|e| {
                eprintln!("gostcms serve: {e}");
                ApiError::internal("the audit log cannot be written: no signature handed out")
            })?;
        self.shared.metrics.signature(&key.key.name);
        Ok(())
    }
}

/// Streebog of the key's size over `data`, off the async threads when large.
async fn digest(alg: HashAlg, data: Arc<Vec<u8>>) -> Result<Vec<u8>, ApiError> {
    if data.len() <= HASH_INLINE_MAX {
        return Ok(alg.digest(&data));
    }
    tokio::task::spawn_blocking(move || alg.digest(&data))
        .await
        .map_err(|_| ApiError::internal("hashing failed"))
}

async fn batch_sign(
    incoming: super::batcher::Incoming<'_>,
    digest: Vec<u8>,
) -> Result<Signature, ApiError> {
    incoming.sign(digest).await.map_err(|e| {
        eprintln!("gostcms serve: signing failed: {e}");
        ApiError::internal("signing failed")
    })
}

/// A detached or attached CMS SignedData over `data` by `key`, made in a batch.
async fn cms_sign(
    key: &KeyHandle,
    incoming: super::batcher::Incoming<'_>,
    data: Arc<Vec<u8>>,
    attached: bool,
) -> Result<Vec<u8>, ApiError> {
    let signer = &key.key.signer;
    let content_digest = digest(signer.key().hash_alg(), data.clone()).await?;
    let options = SignOptions {
        attached,
        ..SignOptions::default()
    };
    let pending = signer
        .prepare_digest(
            &content_digest,
            attached.then_some(data.as_slice()),
            &options,
        )
        .map_err(|e| ApiError::internal(format!("cannot sign: {e}")))?;
    let signature = batch_sign(incoming, pending.digest_to_sign().to_vec()).await?;
    signer
        .finish(pending, &signature)
        .map_err(|e| ApiError::internal(format!("cannot sign: {e}")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientSecretRequest {
    key: String,
    client_id: String,
    scope: String,
    redirect_uri: Option<String>,
    flow: Option<String>,
    code: Option<String>,
    refresh_token: Option<String>,
    scope_org: Option<String>,
    state: Option<String>,
    timestamp: Option<String>,
}

fn flow_of(r: &ClientSecretRequest) -> Result<Flow, ApiError> {
    Ok(match r.flow.as_deref() {
        None => match (&r.code, &r.refresh_token) {
            (Some(_), Some(_)) => {
                return Err(ApiError::bad("give code or refresh_token, not both"));
            }
            (Some(_), None) => Flow::Token,
            (None, Some(_)) => Flow::Refresh,
            (None, None) => Flow::Authorize,
        },
        Some("authorize") => Flow::Authorize,
        Some("token") => Flow::Token,
        Some("refresh") => Flow::Refresh,
        Some("legacy-authorize") => Flow::LegacyAuthorize,
        Some("legacy-token") => Flow::LegacyToken,
        Some("legacy-client-credentials") => Flow::LegacyClientCredentials,
        Some(_) => {
            return Err(ApiError::bad(
                "flow: one of authorize, token, refresh, legacy-authorize, legacy-token, legacy-client-credentials",
            ));
        }
    })
}

/// `POST /v1/esia/client-secret`: what `esia::ClientSecretBuilder::build`
/// makes, with the signature made in a batch.
async fn client_secret(ctx: &Ctx<'_>, r: ClientSecretRequest) -> Result<Value, ApiError> {
    let key = ctx.key(&r.key)?;
    let incoming = key.batcher.announce();
    let flow = flow_of(&r)?;
    let state = match r.state {
        Some(s) => {
            esia::state::check_uuid("state", &s).map_err(|e| ApiError::bad(e.to_string()))?;
            s
        }
        None => esia::new_state().map_err(|e| ApiError::internal(e.to_string()))?,
    };
    let timestamp = match r.timestamp {
        Some(t) => Timestamp::parse(&t)
            .map_err(|e| ApiError::bad(format!("timestamp: {e}")))?
            .as_str()
            .to_string(),
        None => Timestamp::now().as_str().to_string(),
    };
    let fields = Fields {
        client_id: r.client_id,
        scope: r.scope,
        scope_org: r.scope_org,
        timestamp,
        state,
        redirect_uri: r.redirect_uri,
        code: r.code,
        refresh_token: r.refresh_token,
    };
    let signed = esia::client_secret::signed_string(flow, &fields)
        .map_err(|e| ApiError::bad(format!("{}: {e}", flow.endpoint())))?;
    let signer = &key.key.signer;
    let bytes = if flow.is_legacy() {
        cms_sign(key, incoming, Arc::new(signed.clone().into_bytes()), false).await?
    } else {
        let d = signer.key().hash_alg().digest(signed.as_bytes());
        batch_sign(incoming, d).await?.as_bytes().to_vec()
    };
    ctx.signed(key, signed.as_bytes())?;
    Ok(json!({
        "client_secret": URL_SAFE_NO_PAD.encode(bytes),
        "state": fields.state,
        "timestamp": fields.timestamp,
        "client_certificate_hash": hex::encode_upper(signer.certificate_streebog256()),
        "signed_string": signed,
        "flow": flow.endpoint(),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataRequest {
    key: String,
    data: String,
}

/// `POST /v1/esia/request-data-sign`: a detached CMS over the JSON bytes.
async fn request_data_sign(ctx: &Ctx<'_>, r: DataRequest) -> Result<Value, ApiError> {
    let key = ctx.key(&r.key)?;
    let incoming = key.batcher.announce();
    let data = Arc::new(decode_b64("data", &r.data)?);
    let der = cms_sign(key, incoming, data.clone(), false).await?;
    ctx.signed(key, &data)?;
    Ok(json!({
        "signature": URL_SAFE_NO_PAD.encode(der),
        "request_data": URL_SAFE_NO_PAD.encode(data.as_slice()),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignRequest {
    key: String,
    data: String,
    format: Option<String>,
    attached: Option<bool>,
}

/// `POST /v1/sign`: CMS SignedData (DER) or a raw s||r signature, base64.
async fn sign(ctx: &Ctx<'_>, r: SignRequest) -> Result<Value, ApiError> {
    let key = ctx.key(&r.key)?;
    let incoming = key.batcher.announce();
    let raw = match r.format.as_deref() {
        None | Some("cms") => false,
        Some("raw") => true,
        Some(_) => return Err(ApiError::bad("format: \"cms\" or \"raw\"")),
    };
    let attached = r.attached.unwrap_or(false);
    if raw && attached {
        return Err(ApiError::bad("attached applies to format \"cms\" only"));
    }
    let data = Arc::new(decode_b64("data", &r.data)?);
    let bytes = if raw {
        let d = digest(key.key.signer.key().hash_alg(), data.clone()).await?;
        batch_sign(incoming, d).await?.as_bytes().to_vec()
    } else {
        cms_sign(key, incoming, data.clone(), attached).await?
    };
    ctx.signed(key, &data)?;
    Ok(json!({ "signature": STANDARD.encode(bytes) }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyRequest {
    signature: String,
    data: Option<String>,
}

fn rfc3339(t: SystemTime) -> Option<String> {
    der::DateTime::from_system_time(t)
        .ok()
        .map(|d| d.to_string())
}

/// `POST /v1/verify`: every signer of a CMS SignedData; 200 even when invalid.
async fn verify(ctx: &Ctx<'_>, r: VerifyRequest) -> Result<Value, ApiError> {
    let signature = decode_b64("signature", &r.signature)?;
    let data = r.data.map(|d| decode_b64("data", &d)).transpose()?;
    let trusted = ctx.state.config.verify_trust.clone();
    tokio::task::spawn_blocking(move || {
        let content = match &data {
            Some(d) => Content::Bytes(d),
            None => Content::Attached,
        };
        let report = cms::verify(&signature, content, &[])
            .map_err(|e| ApiError::bad(format!("cannot read the signature: {e}")))?;
        let checked = !trusted.is_empty();
        let mut all = !report.signers.is_empty();
        let signers: Vec<Value> = report
            .signers
            .iter()
            .map(|s| {
                let mut outcome = s.outcome.clone().map_err(|e| e.to_string());
                if outcome.is_ok() && checked {
                    outcome = match &s.certificate {
                        Some(cert) => cms::check_chain(
                            cert,
                            &report.certificates,
                            &trusted,
                            s.signing_time.unwrap_or_else(SystemTime::now),
                        ),
                        None => Err("no signer certificate to check".into()),
                    };
                }
                all &= outcome.is_ok();
                json!({
                    "valid": outcome.is_ok(),
                    "subject": s.subject,
                    "curve": s.curve.map(|c| c.to_string()),
                    "signing_time": s.signing_time.and_then(rfc3339),
                    "reason": outcome.err(),
                    "certificate_checked": checked,
                })
            })
            .collect();
        Ok(json!({ "valid": all, "signers": signers }))
    })
    .await
    .map_err(|_| ApiError::internal("verification failed"))?
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JwtRequest {
    token: String,
    client_id: Option<String>,
}

/// `POST /v1/jwt/verify` against the config's `jwt_trust`.
async fn jwt_verify(ctx: &Ctx<'_>, r: JwtRequest) -> Result<Value, ApiError> {
    let Some(verifier) = &ctx.state.config.jwt else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_configured",
            "no jwt_trust certificates in the config",
        ));
    };
    let mut verifier = verifier.clone();
    if let Some(id) = r.client_id {
        verifier = verifier.client_id(id);
    }
    let token = r.token;
    tokio::task::spawn_blocking(move || match verifier.verify(token.trim()) {
        Ok(v) => json!({"valid": true, "header": v.header_json, "claims": v.claims_json}),
        Err(e) => json!({"valid": false, "reason": e.to_string()}),
    })
    .await
    .map_err(|_| ApiError::internal("verification failed"))
}
