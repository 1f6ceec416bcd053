//! `gostcms esia ...`: client_secret, certificate hash, Request-Data-Sign,
//! UUID signature, PKCE and the doctor.

use clap::Subcommand;
use gostcms::cms::CmsSigner;
use gostcms::esia::{
    self, ByteOrder, ClientSecretBuilder, DoctorInput, Fields, Flow, PkceMethod, Severity,
    Timestamp, UuidSignatureEncoding, UuidSignatureOptions,
};

use crate::CliError;
use crate::cms::load_cert;
use crate::input::read_input;
use crate::keyio;

#[derive(Subcommand)]
pub enum EsiaCommand {
    /// client_secret for a v2/v3 (raw) or legacy (CMS) request; JSON on stdout.
    ClientSecret {
        /// PKCS#8 private key, PEM or DER.
        #[arg(long)]
        key: String,
        /// The key's certificate (registered with ESIA).
        #[arg(long)]
        cert: String,
        /// The system's mnemonic.
        #[arg(long)]
        client_id: String,
        /// Scopes, space-separated, exactly as sent.
        #[arg(long)]
        scope: String,
        /// scope_org (public clients).
        #[arg(long)]
        scope_org: Option<String>,
        /// redirect_uri.
        #[arg(long)]
        redirect_uri: Option<String>,
        /// Authorization code: makes a token-request secret (v3/te, legacy te).
        #[arg(long)]
        code: Option<String>,
        /// Refresh token: makes a v3 refresh secret.
        #[arg(long)]
        refresh_token: Option<String>,
        /// state UUID; a fresh one when absent.
        #[arg(long)]
        state: Option<String>,
        /// "yyyy.MM.dd HH:mm:ss Z"; now in the system's offset when absent.
        #[arg(long)]
        timestamp: Option<String>,
        /// Legacy endpoints (/aas/oauth2/ac, te): CMS detached over the legacy order.
        #[arg(long)]
        legacy: bool,
        /// Legacy client credentials grant (implies --legacy).
        #[arg(long)]
        client_credentials: bool,
        /// Byte-reversed raw signature (CryptoAPI order); only if your setup needs it.
        #[arg(long)]
        reverse: bool,
        #[command(flatten)]
        secrets: keyio::SecretArgs,
    },
    /// client_certificate_hash: Streebog-256 of the DER certificate, upper-case hex.
    CertHash {
        /// Certificate, PEM or DER (`-`: stdin).
        cert: String,
    },
    /// Request-Data and Request-Data-Sign headers for a JSON body.
    RequestDataSign {
        /// PKCS#8 private key.
        #[arg(long)]
        key: String,
        /// The key's certificate.
        #[arg(long)]
        cert: String,
        /// The JSON body (`-`: stdin).
        #[arg(default_value = "-")]
        file: String,
        #[command(flatten)]
        secrets: keyio::SecretArgs,
    },
    /// The identification-key (UUID) signature.
    UuidSignature {
        /// PKCS#8 private key.
        #[arg(long)]
        key: String,
        /// The organisation's certificate.
        #[arg(long)]
        cert: String,
        /// Put the UUID inside the signature (as in the guide's example).
        #[arg(long)]
        attached: bool,
        /// Standard base64, percent-encoded (the guide's example) instead of base64url.
        #[arg(long)]
        percent_encoded: bool,
        /// The identification key.
        uuid: String,
        #[command(flatten)]
        secrets: keyio::SecretArgs,
    },
    /// A PKCE code_verifier and its challenge; JSON on stdout.
    Pkce {
        /// GOST3411 (Streebog-256), GOST3411-512 or S256.
        #[arg(long, default_value = "GOST3411")]
        method: String,
    },
    /// Explains why ESIA rejected (or would reject) a client_secret.
    Doctor(Box<DoctorArgs>),
}

/// `esia doctor` arguments: the request as sent, or its fields one by one.
#[derive(clap::Args)]
pub struct DoctorArgs {
    /// The certificate registered with ESIA (whose key signed).
    #[arg(long)]
    cert: String,
    /// The request as sent: a URL with query string, or a form body.
    #[arg(long)]
    request: Option<String>,
    /// Endpoint called: v2/ac, v3/te, refresh, ac, te, client-credentials.
    #[arg(long)]
    endpoint: Option<String>,
    /// client_secret as sent.
    #[arg(long)]
    client_secret: Option<String>,
    /// client_id as sent.
    #[arg(long)]
    client_id: Option<String>,
    /// scope as sent.
    #[arg(long)]
    scope: Option<String>,
    /// scope_org as sent.
    #[arg(long)]
    scope_org: Option<String>,
    /// timestamp as sent.
    #[arg(long)]
    timestamp: Option<String>,
    /// state as sent.
    #[arg(long)]
    state: Option<String>,
    /// redirect_uri as sent.
    #[arg(long)]
    redirect_uri: Option<String>,
    /// code as sent.
    #[arg(long)]
    code: Option<String>,
    /// refresh_token as sent.
    #[arg(long)]
    refresh_token: Option<String>,
    /// client_certificate_hash as sent.
    #[arg(long)]
    client_certificate_hash: Option<String>,
    /// ESIA's error code, e.g. ESIA-007053.
    #[arg(long)]
    error: Option<String>,
    /// The string your code signed (from its logs).
    #[arg(long)]
    signed_string: Option<String>,
    /// A state used by an earlier request (e.g. the authorization request's).
    #[arg(long)]
    other_state: Vec<String>,
    /// Request time, Unix seconds (default: now).
    #[arg(long)]
    now: Option<i64>,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

fn signer(key: &str, cert: &str) -> Result<CmsSigner, CliError> {
    if key == "-" && cert == "-" {
        return Err(CliError::usage(
            "the key and the certificate cannot both come from stdin",
        ));
    }
    CmsSigner::new(keyio::load_key(key)?, load_cert(cert)?)
        .map_err(|e| CliError::input(format!("cannot sign: {e}")))
}

pub fn run(command: EsiaCommand) -> Result<(), CliError> {
    match command {
        EsiaCommand::ClientSecret {
            key,
            cert,
            client_id,
            scope,
            scope_org,
            redirect_uri,
            code,
            refresh_token,
            state,
            timestamp,
            legacy,
            client_credentials,
            reverse,
            secrets,
        } => {
            keyio::set_secrets(secrets)?;
            let legacy = legacy || client_credentials;
            let flow = match (legacy, &code, &refresh_token) {
                (true, _, Some(_)) => {
                    return Err(CliError::usage(
                        "--refresh-token is for the v3 endpoint, not --legacy",
                    ));
                }
                (true, _, _) if client_credentials => Flow::LegacyClientCredentials,
                (true, Some(_), _) => Flow::LegacyToken,
                (true, None, _) => Flow::LegacyAuthorize,
                (false, Some(_), Some(_)) => {
                    return Err(CliError::usage("give --code or --refresh-token, not both"));
                }
                (false, Some(_), None) => Flow::Token,
                (false, None, Some(_)) => Flow::Refresh,
                (false, None, None) => Flow::Authorize,
            };
            if legacy && reverse {
                return Err(CliError::usage(
                    "--reverse applies to raw (v2/v3) secrets, not --legacy",
                ));
            }
            let mut b = ClientSecretBuilder::new(flow)
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
            if let Some(t) = timestamp {
                let ts = Timestamp::parse(&t)
                    .map_err(|e| CliError::usage(format!("--timestamp: {e}")))?;
                b = b.timestamp(&ts);
            }
            let signer = signer(&key, &cert)?;
            let secret = b.build(&signer).map_err(|e| match e {
                gostcms::Error::MissingParameter(_) | gostcms::Error::Invalid { .. } => {
                    CliError::usage(format!(
                        "cannot make client_secret for {}: {e}",
                        flow.endpoint()
                    ))
                }
                other => CliError::input(format!("cannot make client_secret: {other}")),
            })?;
            let out = serde_json::json!({
                "client_secret": secret.client_secret,
                "state": secret.state,
                "timestamp": secret.timestamp,
                "client_certificate_hash": secret.client_certificate_hash,
                "signed_string": secret.signed_string,
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&out).unwrap_or_else(|_| out.to_string())
            )?;
            Ok(())
        }
        EsiaCommand::CertHash { cert } => {
            outln!("{}", esia::client_certificate_hash(&load_cert(&cert)?))?;
            Ok(())
        }
        EsiaCommand::RequestDataSign {
            key,
            cert,
            file,
            secrets,
        } => {
            keyio::set_secrets(secrets)?;
            if file == "-" && (key == "-" || cert == "-") {
                return Err(CliError::usage(
                    "the JSON body and the key or certificate cannot both come from stdin",
                ));
            }
            let signer = signer(&key, &cert)?;
            let json = read_input(&file, "JSON body")?;
            if let Err(e) = serde_json::from_slice::<serde_json::Value>(&json) {
                crate::input::note(&format!("the body is not valid JSON ({e}); signed as is"));
            }
            let h = esia::request_data_sign(&signer, &json)
                .map_err(|e| CliError::input(format!("cannot sign: {e}")))?;
            outln!("Request-Data: {}", h.request_data)?;
            outln!("Request-Data-Sign: {}", h.request_data_sign)?;
            Ok(())
        }
        EsiaCommand::UuidSignature {
            key,
            cert,
            attached,
            percent_encoded,
            uuid,
            secrets,
        } => {
            keyio::set_secrets(secrets)?;
            let signer = signer(&key, &cert)?;
            let options = UuidSignatureOptions {
                attached,
                encoding: if percent_encoded {
                    UuidSignatureEncoding::PercentEncodedBase64
                } else {
                    UuidSignatureEncoding::Base64Url
                },
                signing_time: None,
            };
            let sig = esia::sign_uuid(&signer, &uuid, &options).map_err(|e| match e {
                gostcms::Error::Invalid { .. } => CliError::usage(e.to_string()),
                other => CliError::input(format!("cannot sign: {other}")),
            })?;
            outln!("{sig}")?;
            Ok(())
        }
        EsiaCommand::Pkce { method } => {
            let method = PkceMethod::parse(&method).map_err(|e| CliError::usage(e.to_string()))?;
            let p = esia::Pkce::generate(method).map_err(|e| CliError::input(e.to_string()))?;
            let out = serde_json::json!({
                "code_verifier": p.code_verifier.as_str(),
                "code_challenge": p.code_challenge,
                "code_challenge_method": p.method.name(),
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&out).unwrap_or_else(|_| out.to_string())
            )?;
            Ok(())
        }
        EsiaCommand::Doctor(args) => doctor(*args),
    }
}

fn parse_endpoint(text: &str, grant_type: Option<&str>) -> Result<Flow, CliError> {
    let t = text.trim_end_matches('/');
    let refresh = grant_type == Some("refresh_token");
    let creds = grant_type == Some("client_credentials");
    Ok(if t.ends_with("v2/ac") {
        Flow::Authorize
    } else if t.ends_with("v3/te") || t.ends_with("v2/te") {
        if refresh { Flow::Refresh } else { Flow::Token }
    } else if t == "refresh" {
        Flow::Refresh
    } else if t == "client-credentials" || (t.ends_with("te") && creds) {
        Flow::LegacyClientCredentials
    } else if t.ends_with("ac") {
        Flow::LegacyAuthorize
    } else if t.ends_with("te") {
        Flow::LegacyToken
    } else {
        return Err(CliError::usage(format!(
            "--endpoint {text:?}: expected v2/ac, v3/te, refresh, ac, te or client-credentials"
        )));
    })
}

/// A request split into its path (when it has one) and decoded parameters.
struct ParsedRequest {
    path: Option<String>,
    params: Vec<(String, String)>,
}

/// (path, parameters) of a URL or form body. `+` means a space except in
/// client_secret, where it is kept so a standard-base64 secret is visible.
fn parse_request(text: &str) -> Result<ParsedRequest, CliError> {
    let text = text.trim();
    let (path, query) = match text.split_once('?') {
        Some((p, q)) => (Some(p.to_string()), q),
        None if text.contains("://") || text.starts_with('/') => (Some(text.to_string()), ""),
        None => (None, text),
    };
    let mut params = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str, plus_is_space: bool| -> Result<String, CliError> {
            let s = if plus_is_space {
                s.replace('+', " ")
            } else {
                s.to_string()
            };
            let bytes = gostcms::encoding::percent_decode(s.as_bytes())
                .map_err(|e| CliError::usage(format!("--request: {e}")))?;
            String::from_utf8(bytes)
                .map_err(|_| CliError::usage(format!("--request: {k} is not UTF-8")))
        };
        let key = decode(k, true)?;
        let value = decode(v, key != "client_secret")?;
        params.push((key, value));
    }
    Ok(ParsedRequest { path, params })
}

fn doctor(a: DoctorArgs) -> Result<(), CliError> {
    if let Some(now) = a.now {
        crate::jwt::check_unix_time("--now", now)?;
    }
    let cert_bytes = read_input(&a.cert, "certificate")?;
    let certificate = gostcms::keys::Certificate::from_pem_or_der(&cert_bytes).map_err(|e| {
        CliError::input(format!(
            "cannot read certificate {}: {e} (ESIA-030504 is ESIA's code for this)",
            a.cert
        ))
    })?;
    let ParsedRequest { path, params } = match &a.request {
        Some(r) => parse_request(r)?,
        None => ParsedRequest {
            path: None,
            params: Vec::new(),
        },
    };
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let pick = |given: Option<String>, name: &str| given.or_else(|| param(name));
    let grant_type = param("grant_type");
    let flow = match (&a.endpoint, &path) {
        (Some(e), _) => Some(parse_endpoint(e, grant_type.as_deref())?),
        (None, Some(p)) => parse_endpoint(p, grant_type.as_deref()).ok(),
        (None, None) => None,
    };
    let client_secret = pick(a.client_secret, "client_secret").ok_or_else(|| {
        CliError::usage("doctor needs the client_secret (--client-secret or --request)")
    })?;
    let fields = Fields {
        client_id: pick(a.client_id, "client_id").unwrap_or_default(),
        scope: pick(a.scope, "scope").unwrap_or_default(),
        scope_org: pick(a.scope_org, "scope_org"),
        timestamp: pick(a.timestamp, "timestamp").unwrap_or_default(),
        state: pick(a.state, "state").unwrap_or_default(),
        redirect_uri: pick(a.redirect_uri, "redirect_uri"),
        code: pick(a.code, "code"),
        refresh_token: pick(a.refresh_token, "refresh_token"),
    };
    let input = DoctorInput {
        flow,
        fields,
        client_secret,
        client_certificate_hash: pick(a.client_certificate_hash, "client_certificate_hash"),
        certificate,
        certificate_file: Some(cert_bytes),
        esia_error: a.error,
        signed_string: a.signed_string,
        other_states: a.other_state,
        now: a.now,
    };
    let d = esia::diagnose(&input);
    if a.json {
        let findings: Vec<serde_json::Value> = d
            .findings
            .iter()
            .map(|f| {
                serde_json::json!({
                    "severity": format!("{:?}", f.severity).to_lowercase(),
                    "mistake": f.mistake.map(|m| format!("{m:?}")),
                    "problem": f.problem,
                    "fix": f.fix,
                })
            })
            .collect();
        let out = serde_json::json!({
            "esia_error": d.esia_error.map(|e| format!("ESIA-{} {}: {}", e.code, e.name, e.meaning)),
            "endpoint": flow.map(Flow::endpoint),
            "expected_signed_string": d.expected_signed_string,
            "expected_client_certificate_hash": d.expected_certificate_hash,
            "findings": findings,
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&out).unwrap_or_else(|_| out.to_string())
        )?;
    } else {
        if let Some(e) = d.esia_error {
            outln!("ESIA-{} {}: {}", e.code, e.name, e.meaning)?;
        }
        match flow {
            Some(f) => outln!("endpoint: {}", f.endpoint())?,
            None => outln!("endpoint: not given (--endpoint or a --request URL); trying all")?,
        }
        if let Some(s) = &d.expected_signed_string {
            outln!("ESIA rebuilds the signed string: {s}")?;
        }
        for f in &d.findings {
            match f.severity {
                Severity::Problem => {
                    outln!("PROBLEM: {}", f.problem)?;
                    outln!("    fix: {}", f.fix)?;
                }
                Severity::Warning => {
                    outln!("WARNING: {}", f.problem)?;
                    outln!("    fix: {}", f.fix)?;
                }
                Severity::Ok => outln!("ok: {}", f.problem)?,
            }
        }
        if !d.has_problems() {
            outln!("no known mistake found")?;
        }
    }
    if d.has_problems() {
        Err(CliError::check(
            "the client_secret has problems (see above)",
        ))
    } else {
        Ok(())
    }
}
