//! `FILE` or `-` (stdin) inputs, and outputs.

use std::fs::File;
use std::io::{self, Read, Write};

use super::CliError;

/// Opens `path` for reading, `-` meaning stdin.
pub fn open_input(path: &str, what: &str) -> Result<Box<dyn Read>, CliError> {
    if path == "-" {
        return Ok(Box::new(io::stdin().lock()));
    }
    File::open(path)
        .map(|f| Box::new(f) as Box<dyn Read>)
        .map_err(|e| CliError::input(format!("cannot read {what} {path}: {e}")))
}

/// The whole content of `path` (`-`: stdin).
pub fn read_input(path: &str, what: &str) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    open_input(path, what)?
        .read_to_end(&mut buf)
        .map_err(|e| CliError::input(format!("cannot read {what} {path}: {e}")))?;
    Ok(buf)
}

/// Copies all of `path` into `sink` (streaming, for hashing large files).
pub fn copy_input(path: &str, what: &str, sink: &mut impl Write) -> Result<(), CliError> {
    let mut reader = open_input(path, what)?;
    io::copy(&mut reader, sink)
        .map_err(|e| CliError::input(format!("cannot read {what} {path}: {e}")))?;
    Ok(())
}

/// Writes `data` to `path` (`-`: stdout); `secret` files are created 0600 on Unix.
pub fn write_output(path: &str, data: &[u8], what: &str, secret: bool) -> Result<(), CliError> {
    let fail = |e: io::Error| CliError::input(format!("cannot write {what} {path}: {e}"));
    if path == "-" {
        let mut out = io::stdout().lock();
        return out.write_all(data).and_then(|()| out.flush()).map_err(fail);
    }
    let mut options = File::options();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    options
        .open(path)
        .and_then(|mut f| f.write_all(data))
        .map_err(fail)
}
