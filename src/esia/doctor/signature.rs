//! The secret itself: which signed string, encoding and byte order reproduce it.

use super::fields::{plus_became_space, restore_plus};
use super::*;
use crate::cms::{Content, VerifyReport};
use crate::encoding::decode_base64_lenient;
use crate::esia::client_secret::{Field, Fields, Flow, signed_string};
use crate::esia::state::check_uuid;
use crate::keys::Certificate;
use crate::sign::Signature;

/// A string that might have been signed, and how it came about.
#[derive(Clone, Debug)]
enum Candidate {
    Flow(Flow),
    FlowWithoutScopeOrg(Flow),
    UrlEncoded(Flow, &'static str),
    OtherState(Flow, String),
    PlusRestored(Flow),
    Claimed,
}

/// How raw signature bytes were laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    Standard,
    Reversed,
    Swapped,
}

fn form_encode(value: &str, space: &'static str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else if b == b' ' {
            out.push_str(space);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn candidates(input: &DoctorInput) -> Vec<(Candidate, String)> {
    let f = &input.fields;
    let mut out: Vec<(Candidate, String)> = Vec::new();
    let mut push = |c: Candidate, s: Option<String>| {
        if let Some(s) = s
            && !out.iter().any(|(_, t)| *t == s)
        {
            out.push((c, s));
        }
    };
    // The flow called first, so that its string wins ties.
    let mut flows: Vec<Flow> = input.flow.into_iter().collect();
    flows.extend(
        Flow::ALL
            .iter()
            .copied()
            .filter(|&fl| Some(fl) != input.flow),
    );
    for &flow in &flows {
        push(Candidate::Flow(flow), signed_string(flow, f).ok());
    }
    for &flow in &flows {
        if f.scope_org.is_some() {
            let without = Fields {
                scope_org: None,
                ..f.clone()
            };
            push(
                Candidate::FlowWithoutScopeOrg(flow),
                signed_string(flow, &without).ok(),
            );
        }
    }
    for &flow in &flows {
        for space in ["+", "%20"] {
            let enc = |v: &Option<String>| v.as_ref().map(|s| form_encode(s, space));
            let encoded = Fields {
                client_id: form_encode(&f.client_id, space),
                scope: form_encode(&f.scope, space),
                scope_org: enc(&f.scope_org),
                timestamp: form_encode(&f.timestamp, space),
                state: form_encode(&f.state, space),
                redirect_uri: enc(&f.redirect_uri),
                code: enc(&f.code),
                refresh_token: enc(&f.refresh_token),
            };
            push(
                Candidate::UrlEncoded(flow, space),
                signed_string(flow, &encoded).ok(),
            );
        }
    }
    if plus_became_space(&f.timestamp) {
        let restored = Fields {
            timestamp: restore_plus(&f.timestamp),
            ..f.clone()
        };
        for &flow in &flows {
            push(
                Candidate::PlusRestored(flow),
                signed_string(flow, &restored).ok(),
            );
        }
    }
    for state in &input.other_states {
        for &flow in &flows {
            let other = Fields {
                state: state.clone(),
                ..f.clone()
            };
            push(
                Candidate::OtherState(flow, state.clone()),
                signed_string(flow, &other).ok(),
            );
        }
    }
    push(Candidate::Claimed, input.signed_string.clone());
    out
}

/// The CMS, when the secret parses as SignedData.
fn as_cms(bytes: &[u8], cert: &Certificate) -> Option<VerifyReport> {
    if bytes.first() != Some(&0x30) {
        return None;
    }
    crate::cms::verify(bytes, Content::Attached, core::slice::from_ref(cert)).ok()
}

pub(super) fn check_signature(input: &DoctorInput, expected: Option<&str>, out: &mut Vec<Finding>) {
    let secret = input.client_secret.trim();
    if secret.contains('+') || secret.contains('/') {
        out.push(warning(
            Mistake::SecretStandardBase64,
            "client_secret uses standard base64 ('+', '/'): in a URL '+' turns into a space",
            "encode the signature as base64url ('-' and '_'), as ESIA expects",
        ));
    }
    let bytes = match decode_base64_lenient(secret.as_bytes()) {
        Ok(b) if !b.is_empty() => b,
        _ => {
            out.push(problem(
                Mistake::SecretNotBase64,
                "client_secret is not base64url text",
                "send the signature bytes encoded as base64url",
            ));
            return;
        }
    };
    let cands = candidates(input);
    let cms = as_cms(&bytes, &input.certificate);
    let want_cms = input.flow.map(Flow::is_legacy);
    let matched: Option<(Candidate, Option<Layout>)> = match &cms {
        Some(report) => {
            if report.attached_content.is_some() {
                if want_cms == Some(true) {
                    out.push(warning(
                        Mistake::AttachedCms,
                        "client_secret is an attached SignedData (the signed text is inside it)",
                        "ESIA expects a detached signature: leave the content out",
                    ));
                }
                if let Some(signer_cert) =
                    report.signers.iter().find_map(|s| s.certificate.as_ref())
                    && signer_cert.der() != input.certificate.der()
                {
                    out.push(problem(
                        Mistake::OtherCertificate,
                        format!(
                            "client_secret was signed with the certificate {:?}, not the given one {:?}",
                            signer_cert.subject(),
                            input.certificate.subject()
                        ),
                        "sign with the key of the certificate registered for this client_id",
                    ));
                }
            }
            cms_match(&bytes, report, &cands, &input.certificate)
        }
        None => raw_match(&bytes, &cands, &input.certificate),
    };
    let is_cms = cms.is_some();
    match want_cms {
        Some(false) if is_cms => out.push(problem(
            Mistake::CmsInsteadOfRaw,
            format!(
                "client_secret is a CMS/PKCS#7 SignedData, but {} expects the raw GOST signature (ESIA-007053)",
                input.flow.map_or("", Flow::endpoint)
            ),
            "sign the string itself (GOST R 34.10-2012 over its Streebog hash) and send the 64 or 128 signature bytes s||r, base64url",
        )),
        Some(true) if !is_cms => out.push(problem(
            Mistake::RawInsteadOfCms,
            format!(
                "client_secret is a raw signature ({} bytes), but {} expects a detached CMS/PKCS#7 SignedData",
                bytes.len(),
                input.flow.map_or("", Flow::endpoint)
            ),
            "use the v2/v3 endpoints, which take this raw form, or sign as a detached PKCS#7",
        )),
        _ => {}
    }
    let Some((candidate, layout)) = matched else {
        if let Some(content) = cms.as_ref().and_then(|r| r.attached_content.as_ref()) {
            let text = String::from_utf8_lossy(content);
            out.push(explain_signed_text(&text, input, expected));
        }
        if let (Some(claimed), Some(expected)) = (&input.signed_string, expected)
            && claimed != expected
        {
            out.push(explain_signed_text(claimed, input, Some(expected)));
        }
        out.push(problem(
            Mistake::SignatureNotVerified,
            "the signature matches none of the known variants under this certificate's key: either another key signed it, or the signed values differ from the ones sent in a way not tried",
            "check the key belongs to the certificate, and sign exactly the values sent, in the order of the endpoint",
        ));
        return;
    };
    let how = match layout {
        None => "CMS SignedData".to_string(),
        Some(Layout::Standard) => "raw s||r".to_string(),
        Some(Layout::Reversed) => "raw, byte-reversed".to_string(),
        Some(Layout::Swapped) => "raw r||s".to_string(),
    };
    match layout {
        Some(Layout::Reversed) if !is_cms => out.push(problem(
            Mistake::ReversedSignature,
            "the signature bytes are reversed (CryptoAPI / CryptoPro CSP order); ESIA expects s||r big-endian (ESIA-007053)",
            "reverse the signature bytes before base64url-encoding, or with gostcms do not pass --reverse",
        )),
        Some(Layout::Swapped) => out.push(problem(
            Mistake::SwappedHalves,
            "the signature is r||s; ESIA expects s||r (ESIA-007053)",
            "swap the two halves: s first, then r, each big-endian",
        )),
        _ => {}
    }
    match candidate {
        Candidate::Flow(flow) if Some(flow) == input.flow || input.flow.is_none() => {
            out.push(ok(format!(
                "the signature ({how}) verifies over the {} string with the certificate's key",
                flow.endpoint()
            )));
            if input.flow.is_none() {
                out.push(ok(format!(
                    "this client_secret fits {}: call that endpoint",
                    flow.endpoint()
                )));
            }
        }
        Candidate::Flow(flow) => {
            let called = input.flow.map_or("", Flow::endpoint);
            let mistake = match (flow.is_legacy(), input.flow.is_some_and(Flow::is_legacy)) {
                (true, false) => Mistake::LegacyFieldOrder,
                (false, true) => Mistake::CurrentFieldOrderOnLegacy,
                _ => Mistake::OtherFlowFields,
            };
            out.push(problem(
                mistake,
                format!(
                    "the signed string is the one of {} ({}), but the request went to {called} (ESIA-007053)",
                    flow.endpoint(),
                    field_list(flow)
                ),
                format!(
                    "for {called} sign {}",
                    input.flow.map_or_else(String::new, field_list)
                ),
            ));
        }
        Candidate::FlowWithoutScopeOrg(flow) => out.push(problem(
            Mistake::OtherFlowFields,
            format!(
                "scope_org is sent but was left out of the signed string of {}",
                flow.endpoint()
            ),
            "put scope_org right after scope in the signed string",
        )),
        Candidate::UrlEncoded(flow, space) => out.push(problem(
            Mistake::UrlEncodedValues,
            format!(
                "the values were signed URL-encoded (spaces as {space:?}), as they appear in the query string, for {}",
                flow.endpoint()
            ),
            "sign the plain values (spaces as spaces, ':' and '/' as such) and URL-encode only when building the request",
        )),
        Candidate::OtherState(flow, state) => out.push(problem(
            Mistake::StateMismatch,
            format!(
                "the signature covers state {state}, but the request sends state {} ({})",
                input.fields.state,
                flow.endpoint()
            ),
            "sign the same state that the request carries (a new one per request)",
        )),
        Candidate::PlusRestored(flow) => out.push(ok(format!(
            "the signature ({how}) verifies over the {} string once the timestamp's '+' is restored: only the request encoding is wrong",
            flow.endpoint()
        ))),
        Candidate::Claimed => {
            let claimed = input.signed_string.clone().unwrap_or_default();
            out.push(explain_signed_text(&claimed, input, expected));
        }
    }
}

fn field_list(flow: Flow) -> String {
    flow.fields()
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(" + ")
}

fn raw_match(
    bytes: &[u8],
    cands: &[(Candidate, String)],
    cert: &Certificate,
) -> Option<(Candidate, Option<Layout>)> {
    let vk = cert.verifying_key().ok()?;
    if bytes.len() != vk.curve().key_size().signature_len() {
        return None;
    }
    let half = bytes.len() / 2;
    let mut swapped = bytes[half..].to_vec();
    swapped.extend_from_slice(&bytes[..half]);
    let layouts = [
        (Layout::Standard, Signature::from_slice(bytes).ok()),
        (Layout::Reversed, Signature::from_reversed(bytes).ok()),
        (Layout::Swapped, Signature::from_slice(&swapped).ok()),
    ];
    for (cand, text) in cands {
        let digest = vk.hash_alg().digest(text.as_bytes());
        for (layout, sig) in &layouts {
            if let Some(sig) = sig
                && vk.verify_prehash(&digest, sig).is_ok()
            {
                return Some((cand.clone(), Some(*layout)));
            }
        }
    }
    None
}

fn cms_match(
    bytes: &[u8],
    report: &VerifyReport,
    cands: &[(Candidate, String)],
    cert: &Certificate,
) -> Option<(Candidate, Option<Layout>)> {
    if let Some(content) = &report.attached_content {
        if !report.all_valid() {
            return None;
        }
        return cands
            .iter()
            .find(|(_, s)| s.as_bytes() == content.as_slice())
            .map(|(c, _)| (c.clone(), None));
    }
    cands.iter().find_map(|(c, s)| {
        crate::cms::verify(
            bytes,
            Content::Bytes(s.as_bytes()),
            core::slice::from_ref(cert),
        )
        .ok()
        .filter(VerifyReport::all_valid)
        .map(|_| (c.clone(), None))
    })
}

/// Explains how a signed text differs from what ESIA rebuilds.
fn explain_signed_text(signed: &str, input: &DoctorInput, expected: Option<&str>) -> Finding {
    let f = &input.fields;
    if Some(signed) == expected {
        return ok("the signed string is exactly what ESIA rebuilds from the request");
    }
    for flow in Flow::ALL {
        if signed_string(flow, f).ok().as_deref() == Some(signed) {
            return problem(
                if flow.is_legacy() {
                    Mistake::LegacyFieldOrder
                } else {
                    Mistake::OtherFlowFields
                },
                format!(
                    "the signed string has the field order of {} ({})",
                    flow.endpoint(),
                    field_list(flow)
                ),
                format!("sign {}", input.flow.map_or_else(String::new, field_list)),
            );
        }
    }
    let mut differences = Vec::new();
    if let Some(uuid) = find_uuid(signed)
        && !uuid.eq_ignore_ascii_case(&f.state)
    {
        return problem(
            Mistake::StateMismatch,
            format!(
                "the signed string carries state {uuid}, but the request sends state {}",
                f.state
            ),
            "sign the same state that the request carries",
        );
    }
    for (field, value) in [
        (Field::ClientId, Some(f.client_id.as_str())),
        (Field::Scope, Some(f.scope.as_str())),
        (Field::Timestamp, Some(f.timestamp.as_str())),
        (Field::State, Some(f.state.as_str())),
        (Field::RedirectUri, f.redirect_uri.as_deref()),
        (Field::Code, f.code.as_deref()),
    ] {
        if let Some(v) = value
            && !v.is_empty()
            && !signed.contains(v)
        {
            differences.push(field.name());
        }
    }
    problem(
        Mistake::SignedStringMismatch,
        format!(
            "the signed string {signed:?} is not the one ESIA rebuilds{}{}",
            expected.map_or_else(String::new, |e| format!(" ({e:?})")),
            if differences.is_empty() {
                String::new()
            } else {
                format!(
                    "; these sent values are not in it as sent: {}",
                    differences.join(", ")
                )
            }
        ),
        "sign exactly the values the request carries, concatenated in the endpoint's order",
    )
}

/// The first UUID-shaped substring.
fn find_uuid(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(35)).find_map(|i| {
        let s = text.get(i..i + 36)?;
        check_uuid("state", s).ok().map(|_| s)
    })
}
