//! S/MIME input for `gostcms verify` (RFC 8551; what `openssl cms -sign`
//! writes by default): `multipart/signed` (RFC 1847: the first part is the
//! signed content, the second the detached signature) and
//! `application/pkcs7-mime` (an attached SignedData in base64).

/// What an S/MIME message holds.
pub struct Smime {
    /// The SignedData in the form the CMS reader accepts (base64 text or DER).
    pub signature: Vec<u8>,
    /// The signed content of a `multipart/signed` message: the first
    /// part's bytes exactly as they stand between the boundaries (the line
    /// break before a boundary belongs to the boundary).
    pub content: Option<Vec<u8>>,
}

/// Headers and body of a MIME entity.
struct Entity<'a> {
    /// (lower-case name, unfolded value).
    headers: Vec<(String, String)>,
    body: &'a [u8],
}

fn split_entity(bytes: &[u8]) -> Option<Entity<'_>> {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut at = 0;
    loop {
        let rest = bytes.get(at..)?;
        let end = rest.iter().position(|&b| b == b'\n')?;
        let line = &rest[..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        at += end + 1;
        if line.is_empty() {
            break;
        }
        let line = core::str::from_utf8(line).ok()?;
        if line.starts_with([' ', '\t']) {
            // A folded continuation of the previous header.
            let (_, value) = headers.last_mut()?;
            value.push(' ');
            value.push_str(line.trim());
            continue;
        }
        let (name, value) = line.split_once(':')?;
        if name.is_empty() || name.contains(' ') {
            return None;
        }
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    Some(Entity {
        headers,
        body: bytes.get(at..).unwrap_or(&[]),
    })
}

impl Entity<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The media type (lower case) and the parameters of Content-Type.
    fn content_type(&self) -> (String, Vec<(String, String)>) {
        let value = self.header("content-type").unwrap_or("text/plain");
        let mut pieces = value.split(';');
        let media = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let params = pieces
            .filter_map(|p| {
                let (k, v) = p.split_once('=')?;
                Some((
                    k.trim().to_ascii_lowercase(),
                    v.trim().trim_matches('"').to_string(),
                ))
            })
            .collect();
        (media, params)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The start offsets of the lines that begin with `--boundary`.
fn delimiter_lines(body: &[u8], boundary: &[u8]) -> Vec<usize> {
    let mut marker = b"--".to_vec();
    marker.extend_from_slice(boundary);
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(i) = body.get(at..).and_then(|r| find(r, &marker)) {
        let pos = at + i;
        if pos == 0 || body[pos - 1] == b'\n' {
            found.push(pos);
        }
        at = pos + marker.len();
    }
    found
}

/// The bytes after the line starting at `pos` (past its line break).
fn after_line(body: &[u8], pos: usize) -> usize {
    body.get(pos..)
        .and_then(|r| r.iter().position(|&b| b == b'\n'))
        .map_or(body.len(), |n| pos + n + 1)
}

/// Without the one line break that precedes a boundary.
fn strip_break(part: &[u8]) -> &[u8] {
    part.strip_suffix(b"\r\n")
        .or_else(|| part.strip_suffix(b"\n"))
        .unwrap_or(part)
}

fn is_signature_type(media: &str) -> bool {
    matches!(
        media,
        "application/pkcs7-signature" | "application/x-pkcs7-signature"
    )
}

fn is_mime_type(media: &str) -> bool {
    matches!(media, "application/pkcs7-mime" | "application/x-pkcs7-mime")
}

/// `Ok(None)` when `bytes` is not an S/MIME message (no MIME header with
/// an S/MIME type); an error names what is wrong with one that is.
pub fn parse(bytes: &[u8]) -> Result<Option<Smime>, String> {
    let text_start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let bytes = &bytes[text_start..];
    let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let lower = head.to_ascii_lowercase();
    if !(lower.starts_with(b"mime-version:") || lower.starts_with(b"content-")) {
        return Ok(None);
    }
    let Some(entity) = split_entity(bytes) else {
        return Ok(None);
    };
    let (media, params) = entity.content_type();
    if is_mime_type(&media) {
        return Ok(Some(Smime {
            signature: entity.body.to_vec(),
            content: None,
        }));
    }
    if media != "multipart/signed" {
        return Ok(None);
    }
    let boundary = params
        .iter()
        .find(|(k, _)| k == "boundary")
        .map(|(_, v)| v.clone())
        .ok_or("S/MIME multipart/signed without a boundary parameter")?;
    let body = entity.body;
    let lines = delimiter_lines(body, boundary.as_bytes());
    let [first, second, third, ..] = lines[..] else {
        return Err(format!(
            "S/MIME multipart/signed: expected two parts between \"--{boundary}\" lines"
        ));
    };
    let content = strip_break(&body[after_line(body, first)..second]);
    let part = strip_break(&body[after_line(body, second)..third]);
    let signature = split_entity(part).ok_or("S/MIME signature part: malformed headers")?;
    let (sig_media, _) = signature.content_type();
    if !is_signature_type(&sig_media) {
        return Err(format!(
            "S/MIME multipart/signed: the second part is {sig_media}, not application/pkcs7-signature"
        ));
    }
    Ok(Some(Smime {
        signature: signature.body.to_vec(),
        content: Some(content.to_vec()),
    }))
}
