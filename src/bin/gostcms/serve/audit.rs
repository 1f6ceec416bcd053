//! The audit log: one JSON line per signature made, with the time, the
//! client, the key, the operation and the Streebog-256 of the signed bytes.
//! Never the data, key material or tokens.

use std::fs::File;
use std::io::Write;
use std::sync::Mutex;

use gostcms::HashAlg;

enum Sink {
    Stderr,
    File(File),
}

/// Where the lines go: stderr, or a file opened for appending.
pub struct Audit {
    sink: Mutex<Sink>,
}

impl Audit {
    /// `path` None: stderr. A file is created 0600 and never opened through
    /// a symbolic link.
    pub fn open(path: Option<&str>) -> Result<Self, String> {
        let sink = match path {
            None => Sink::Stderr,
            Some(path) => {
                let mut options = File::options();
                options.append(true).create(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
                }
                Sink::File(
                    options
                        .open(path)
                        .map_err(|e| format!("cannot open audit_log {path}: {e}"))?,
                )
            }
        };
        Ok(Audit {
            sink: Mutex::new(sink),
        })
    }

    /// Writes one line; an error means the signature must not be handed out.
    pub fn record(
        &self,
        client: &str,
        key: &str,
        operation: &str,
        signed: &[u8],
    ) -> Result<(), String> {
        let line = serde_json::json!({
            "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "client": client,
            "key": key,
            "operation": operation,
            "streebog256": hex::encode(HashAlg::Streebog256.digest(signed)),
        });
        let mut text = line.to_string();
        text.push('\n');
        let mut sink = match self.sink.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let written = match &mut *sink {
            Sink::Stderr => std::io::stderr().lock().write_all(text.as_bytes()),
            Sink::File(f) => f.write_all(text.as_bytes()),
        };
        written.map_err(|e| format!("cannot write the audit log: {e}"))
    }
}
