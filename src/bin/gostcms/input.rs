//! `FILE` or `-` (stdin) inputs, and outputs.
//!
//! Everything the CLI prints goes through [`out`] / `outln!` (or
//! [`write_output`]), which turn a closed stdout (EPIPE) into a quiet exit
//! instead of a panic: see [`CliError::broken_pipe`].

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;

use super::CliError;

/// Writes formatted text to stdout; a closed pipe becomes
/// [`CliError::broken_pipe`], any other failure a one-line error.
pub fn out(args: std::fmt::Arguments<'_>) -> Result<(), CliError> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_fmt(args)
        .and_then(|()| stdout.flush())
        .map_err(|e| CliError::output(e, "output", "-"))
}

/// A note on stderr; never panics (a closed stderr loses the note).
pub fn note(text: &str) {
    let _ = writeln!(io::stderr().lock(), "gostcms: note: {text}");
}

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

/// At most `limit` bytes of `path` (`-`: stdin): reads `limit + 1` bytes at
/// most and refuses when there are more, so that a huge or endless input
/// costs neither memory nor time.
pub fn read_input_bounded(path: &str, what: &str, limit: usize) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    open_input(path, what)?
        .take(cap)
        .read_to_end(&mut buf)
        .map_err(|e| CliError::input(format!("cannot read {what} {path}: {e}")))?;
    if buf.len() > limit {
        return Err(CliError::input(format!(
            "{what} {path} is longer than the {limit}-byte limit: not a {what}"
        )));
    }
    Ok(buf)
}

/// Copies all of `path` into `sink` (streaming, for hashing large files).
pub fn copy_input(path: &str, what: &str, sink: &mut impl Write) -> Result<(), CliError> {
    let mut reader = open_input(path, what)?;
    io::copy(&mut reader, sink)
        .map_err(|e| CliError::input(format!("cannot read {what} {path}: {e}")))?;
    Ok(())
}

/// Refuses to write binary data to a terminal (as `age` does): it garbles
/// the screen and no one can copy it from there.
pub fn refuse_binary_to_terminal(path: &str, what: &str, hint: &str) -> Result<(), CliError> {
    if path == "-" && io::stdout().is_terminal() {
        return Err(CliError::usage(format!(
            "refusing to write a binary {what} to the terminal: {hint}"
        )));
    }
    Ok(())
}

/// Writes `data` to `path` (`-`: stdout). Secret files go through
/// [`write_secret_file`] (new, 0600, never through a link; `force`
/// replaces an existing file); other files are created or truncated.
pub fn write_output(
    path: &str,
    data: &[u8],
    what: &str,
    secret: bool,
    force: bool,
) -> Result<(), CliError> {
    if path == "-" {
        let mut out = io::stdout().lock();
        return out
            .write_all(data)
            .and_then(|()| out.flush())
            .map_err(|e| CliError::output(e, what, path));
    }
    if secret {
        return write_secret_file(Path::new(path), data, force).map_err(|e| match e {
            SecretWriteError::Exists => CliError::usage(format!(
                "{path} exists: refusing to overwrite a {what} (give --force to replace it)"
            )),
            SecretWriteError::Symlink => CliError::usage(format!(
                "{path} is a symbolic link: refusing to write a {what} through it"
            )),
            SecretWriteError::NotFile => CliError::usage(format!(
                "{path} exists and is not a regular file: refusing to replace it"
            )),
            SecretWriteError::Io(e) => CliError::input(format!("cannot write {what} {path}: {e}")),
        });
    }
    File::create(path)
        .and_then(|mut f| f.write_all(data))
        .map_err(|e| CliError::input(format!("cannot write {what} {path}: {e}")))
}

/// Why a secret file was not written.
#[derive(Debug)]
pub enum SecretWriteError {
    /// The target exists and `force` was not given.
    Exists,
    /// The target is a symbolic link (never written through, even with `force`).
    Symlink,
    /// The target is a folder, a device, a FIFO...
    NotFile,
    /// The file system said no.
    Io(io::Error),
}

/// Writes a secret file: the data goes to a new file in the target's
/// folder, created exclusively (`O_CREAT|O_EXCL`, which never follows a
/// link: POSIX makes open fail when the name is a symbolic link) with mode
/// 0600 set explicitly after creation (whatever the umask), synced, then
/// renamed over the target (`rename` replaces a name, it never writes
/// through a link). A target that is a symbolic link is refused; an
/// existing target is refused unless `force`. The temporary file is
/// removed on failure.
pub fn write_secret_file(target: &Path, data: &[u8], force: bool) -> Result<(), SecretWriteError> {
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => return Err(SecretWriteError::Symlink),
        Ok(m) if !m.file_type().is_file() => return Err(SecretWriteError::NotFile),
        Ok(_) if !force => return Err(SecretWriteError::Exists),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(SecretWriteError::Io(e)),
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
    };
    let base = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "key".into());
    let mut last_err = None;
    for attempt in 0..16u32 {
        let mut rnd = [0u8; 6];
        if getrandom::fill(&mut rnd).is_err() {
            rnd = [attempt as u8; 6];
        }
        let tmp = dir.join(format!(".{base}.{}.tmp", hex::encode(rnd)));
        let mut options = File::options();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = match options.open(&tmp) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                last_err = Some(e);
                continue;
            }
            Err(e) => return Err(SecretWriteError::Io(e)),
        };
        let written = (|| {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            }
            file.write_all(data)?;
            file.sync_all()?;
            drop(file);
            if !force {
                // Re-check just before the rename: a file that appeared
                // since the first look is not replaced without --force.
                if std::fs::symlink_metadata(target).is_ok() {
                    return Err(io::Error::from(io::ErrorKind::AlreadyExists));
                }
            }
            std::fs::rename(&tmp, target)
        })();
        return match written {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                if e.kind() == io::ErrorKind::AlreadyExists {
                    Err(SecretWriteError::Exists)
                } else {
                    Err(SecretWriteError::Io(e))
                }
            }
        };
    }
    Err(SecretWriteError::Io(last_err.unwrap_or_else(|| {
        io::Error::other("no free temporary file name")
    })))
}

/// `gostcms: <message>` on stderr; never panics.
pub fn error_line(message: &str) {
    let _ = writeln!(io::stderr().lock(), "gostcms: {message}");
}
