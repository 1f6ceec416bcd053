//! `gostcms`: the command line (contract: docs/cli.md).
//!
//! Exit codes: 0 done / valid, 1 a check failed, 2 usage error or unreadable
//! input. Errors are one line on stderr, `gostcms: <message>`.

#![forbid(unsafe_code)]

/// `println!` through [`input::out`]: evaluates to `Result<(), CliError>`,
/// quiet on a closed pipe.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::input::out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod cms;
mod cpu;
mod demo;
mod esia;
mod input;
mod jwt;
mod keyio;
#[cfg(feature = "serve")]
mod serve;
mod smime;
mod speed;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use gostcms::hash::Hasher;
use gostcms::{CurveId, HashAlg, SigningKey};

use input::{copy_input, write_output};
use keyio::SigFormat;

/// A failure with its exit code.
#[derive(Debug)]
pub struct CliError {
    code: u8,
    message: String,
}

/// Exit status when stdout is a closed pipe: what a shell reports for a
/// coreutils program killed by SIGPIPE (128 + 13), with nothing on stderr.
pub const EXIT_BROKEN_PIPE: u8 = 141;

impl CliError {
    /// Exit 2: bad arguments.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: 2,
            message: message.into(),
        }
    }

    /// Exit 2: unreadable or unusable input.
    pub fn input(message: impl Into<String>) -> Self {
        CliError::usage(message)
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Exit 1: a check failed.
    pub fn check(message: impl Into<String>) -> Self {
        CliError {
            code: 1,
            message: message.into(),
        }
    }

    /// Stdout is a closed pipe (`gostcms hash big | head -c1`): exit
    /// [`EXIT_BROKEN_PIPE`] quietly, as coreutils do.
    pub fn broken_pipe() -> Self {
        CliError {
            code: EXIT_BROKEN_PIPE,
            message: String::new(),
        }
    }

    /// A failed write of `what` to `path`: quiet on a closed pipe.
    pub fn output(e: std::io::Error, what: &str, path: &str) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::broken_pipe()
        } else if path == "-" {
            CliError::input(format!("cannot write {what} to stdout: {e}"))
        } else {
            CliError::input(format!("cannot write {what} {path}: {e}"))
        }
    }
}

#[derive(Parser)]
#[command(
    name = "gostcms",
    about = "GOST R 34.10-2012 / Streebog signing for ESIA integrations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `gostcms key ...`.
#[derive(Subcommand)]
enum KeyCommand {
    /// Read a key out of a CryptoPro container, a PFX or an encrypted
    /// PKCS#8 file and write it as PKCS#8 PEM.
    #[command(group(clap::ArgGroup::new("source").required(true).args(["container", "pfx", "key"])))]
    Import {
        /// CryptoPro container folder (header.key, masks.key, primary.key, ...).
        #[arg(long, value_name = "DIR")]
        container: Option<String>,
        /// PFX / PKCS#12 file.
        #[arg(long, value_name = "FILE")]
        pfx: Option<String>,
        /// Any key source: PKCS#8 (encrypted or not), PFX, container:DIR, pfx:FILE.
        #[arg(long, value_name = "KEY")]
        key: Option<String>,
        /// Where to write the PKCS#8 PEM key (`-`: stdout). A new file,
        /// mode 0600; an existing one is replaced only with --force.
        #[arg(long)]
        out: String,
        /// Also write the key's certificate (PEM) here.
        #[arg(long, value_name = "CERT.pem")]
        cert_out: Option<String>,
        /// A certificate the key must match (exit 1 when it does not).
        #[arg(long, value_name = "CERT")]
        cert: Option<String>,
        /// Replace an existing --out file (never through a symbolic link).
        #[arg(long)]
        force: bool,
        /// Do not print what was written (curve, subject, fingerprint).
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        secrets: keyio::SecretArgs,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Hash files: lower-case hex digest; with several files, one
    /// `DIGEST  FILE` line each (sha256sum style).
    Hash {
        /// streebog256, streebog512 or gost94.
        #[arg(long, default_value = "streebog256")]
        alg: String,
        /// Input files, `-` for stdin.
        #[arg(default_value = "-")]
        files: Vec<String>,
    },
    /// Generate a PKCS#8 key, optionally with a self-signed certificate.
    Keygen {
        /// Curve name or OID (cryptopro-a, tc26-256-a, tc26-512-a, ...).
        #[arg(long)]
        curve: String,
        /// Where to write the PKCS#8 PEM key (`-`: stdout). A new file,
        /// mode 0600; an existing one is replaced only with --force.
        #[arg(long)]
        out: String,
        /// Also write a self-signed certificate here.
        #[arg(long)]
        cert: Option<String>,
        /// Certificate subject, "CN=..,O=..".
        #[arg(long, default_value = "CN=gostcms test")]
        subject: String,
        /// Certificate validity in days.
        #[arg(long, default_value_t = 365)]
        days: u32,
        /// Replace an existing --out file (never through a symbolic link).
        #[arg(long)]
        force: bool,
    },
    /// Raw GOST signature (s||r big-endian) of a file.
    RawSign {
        /// Private key: PKCS#8 (PEM/DER, encrypted or not), PFX, CryptoPro
        /// container folder; `container:DIR` / `pfx:FILE` force the kind.
        #[arg(long)]
        key: String,
        /// CryptoAPI order (full byte reversal).
        #[arg(long)]
        reverse: bool,
        /// Output encoding.
        #[arg(long, value_enum, ignore_case = true, default_value = "base64url")]
        format: SigFormat,
        /// Input file, `-` for stdin.
        #[arg(default_value = "-")]
        file: String,
        #[command(flatten)]
        secrets: keyio::SecretArgs,
    },
    /// Verify a raw GOST signature; exit 1 when it does not verify.
    RawVerify {
        /// Certificate or public key (SPKI), PEM or DER.
        #[arg(long)]
        cert: String,
        /// File holding the signature: binary, hex, base64 or base64url.
        #[arg(long)]
        signature: String,
        /// The signature is in CryptoAPI order (full byte reversal).
        #[arg(long)]
        reverse: bool,
        /// Signed data, `-` for stdin.
        #[arg(default_value = "-")]
        file: String,
    },
    /// CMS SignedData over files: detached by default.
    Sign {
        /// Private key: PKCS#8 (PEM/DER, encrypted or not), PFX, CryptoPro
        /// container folder, or a PEM file holding the key and its
        /// certificate; `container:DIR` / `pfx:FILE` force the kind.
        #[arg(long)]
        key: String,
        /// The key's certificate, PEM or DER (default: the one in the
        /// PFX, container or PEM file of --key).
        #[arg(long)]
        cert: Option<String>,
        /// Put the content inside the SignedData.
        #[arg(long)]
        attached: bool,
        /// No signed attributes: the signature covers the content digest.
        #[arg(long)]
        no_attrs: bool,
        /// Add CAdES-BES signingCertificateV2.
        #[arg(long)]
        cades: bool,
        /// Output encoding.
        #[arg(long, value_enum, ignore_case = true, default_value = "der")]
        format: cms::CmsFormat,
        /// Output file (`-`: stdout); one input file only.
        #[arg(long)]
        out: Option<String>,
        /// With several files (or this option): write NAME.sig for each
        /// FILE in this folder (default: beside each FILE).
        #[arg(long, value_name = "DIR")]
        out_dir: Option<String>,
        /// Content files, `-` for stdin.
        #[arg(default_value = "-")]
        files: Vec<String>,
        #[command(flatten)]
        secrets: keyio::SecretArgs,
    },
    /// Verify CMS SignedData; one line per signer, exit 0 when all verify.
    Verify {
        /// The signature: DER, BER, PEM, base64, base64url or S/MIME.
        signature: String,
        /// Detached content (`-`: stdin).
        #[arg(long)]
        content: Option<String>,
        /// Trusted root certificate; the signer's chain must reach one.
        #[arg(long)]
        trust: Vec<String>,
        /// Check certificate validity at this instant (RFC 3339) instead of the signing time.
        #[arg(long)]
        at: Option<String>,
        /// Print the report as JSON instead of one line per signer.
        #[arg(long)]
        json: bool,
    },
    /// Tokens ESIA issues.
    Jwt {
        #[command(subcommand)]
        command: JwtCommand,
    },
    /// ESIA requests: client_secret, certificate hash, Request-Data-Sign, UUID signature, PKCE, doctor.
    Esia {
        #[command(subcommand)]
        command: esia::EsiaCommand,
    },
    /// Throughput, one tab-separated line per measurement.
    Speed {
        /// Curve name or `all`.
        #[arg(long, default_value = "all")]
        curve: String,
        /// Operation.
        #[arg(long, value_enum, ignore_case = true, default_value = "all")]
        op: speed::SpeedOp,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 1.0)]
        seconds: f64,
        /// OS threads sharing the key.
        #[arg(long, default_value_t = 1)]
        threads: usize,
    },
    /// An ESIA client_secret and Request-Data-Sign on the embedded demo key, verified.
    Demo,
    /// Key import: `gostcms key import --container DIR | --pfx FILE ...`.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// The HTTP signing service (docs/serve.md); SIGHUP reloads, SIGTERM stops.
    #[cfg(feature = "serve")]
    Serve {
        /// The service's configuration (TOML, mode 0600).
        #[arg(long, value_name = "serve.toml")]
        config: String,
        /// Listen address, overriding the file's `listen`.
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
}

#[derive(Subcommand)]
enum JwtCommand {
    /// Verify an ESIA token; exit 0 and its header and claims as JSON, 1 with the reason.
    Verify {
        /// ESIA's certificate (repeat for rotation).
        #[arg(long)]
        trust: Vec<String>,
        /// This system's client_id: the token's audience.
        #[arg(long)]
        client_id: Option<String>,
        /// Accepted issuer (repeatable; default http://esia.gosuslugi.ru/).
        #[arg(long)]
        issuer: Vec<String>,
        /// Check times against this instant (Unix seconds).
        #[arg(long)]
        now: Option<i64>,
        /// Allowed clock skew in seconds (default 60).
        #[arg(long)]
        leeway: Option<u64>,
        /// The token, or a file holding it (`-`: stdin).
        #[arg(default_value = "-")]
        token: String,
    },
}

fn hash(alg: &str, files: &[String]) -> Result<(), CliError> {
    let alg: HashAlg = alg
        .parse()
        .map_err(|e: gostcms::Error| CliError::usage(e.to_string()))?;
    if files.iter().filter(|f| *f == "-").count() > 1 {
        return Err(CliError::usage("stdin (-) can be read only once"));
    }
    if let [file] = files {
        let mut hasher = Hasher::new(alg);
        copy_input(file, "input", &mut hasher)?;
        return outln!("{}", hex::encode(hasher.finalize()));
    }
    // Several files: sha256sum-style lines; an unreadable file is reported
    // on stderr and the others still hashed, exit 2 at the end.
    let mut failed = None;
    for file in files {
        let mut hasher = Hasher::new(alg);
        match copy_input(file, "input", &mut hasher) {
            Ok(()) => outln!("{}  {file}", hex::encode(hasher.finalize()))?,
            Err(e) => {
                input::error_line(e.message());
                failed = Some(e);
            }
        }
    }
    match failed {
        Some(_) => Err(CliError::input(String::new())),
        None => Ok(()),
    }
}

fn keygen(
    curve: &str,
    out: &str,
    cert: Option<&str>,
    subject: &str,
    days: u32,
    force: bool,
) -> Result<(), CliError> {
    let curve: CurveId = curve
        .parse()
        .map_err(|e: gostcms::Error| CliError::usage(e.to_string()))?;
    let key = SigningKey::generate(curve)
        .map_err(|e| CliError::input(format!("cannot generate key: {e}")))?;
    let certificate = cert
        .map(|_| keyio::self_signed(&key, subject, days, None))
        .transpose()
        .map_err(|e| CliError::usage(format!("cannot make certificate: {e}")))?;
    write_output(out, keyio::key_pem(&key).as_bytes(), "key", true, force)?;
    if let (Some(path), Some(c)) = (cert, certificate) {
        write_output(path, c.to_pem().as_bytes(), "certificate", false, false)?;
    }
    Ok(())
}

fn raw_sign(key: &str, reverse: bool, format: SigFormat, file: &str) -> Result<(), CliError> {
    if key == "-" && file == "-" {
        return Err(CliError::usage(
            "the key and the data cannot both come from stdin",
        ));
    }
    if format == SigFormat::Bin {
        input::refuse_binary_to_terminal(
            "-",
            "signature",
            "use --format base64url (or hex, base64), or redirect stdout to a file",
        )?;
    }
    let key = keyio::load_key(key)?;
    let mut hasher = Hasher::new(key.hash_alg());
    copy_input(file, "input", &mut hasher)?;
    let sig = key
        .sign_prehash(&hasher.finalize())
        .map_err(|e| CliError::input(format!("cannot sign: {e}")))?;
    let bytes = if reverse {
        sig.to_reversed()
    } else {
        sig.as_bytes().to_vec()
    };
    write_output(
        "-",
        &keyio::encode_signature(&bytes, format),
        "signature",
        false,
        false,
    )
}

/// Largest signature file `raw-verify` reads: a 128-byte signature is 256
/// hex digits; wrapped, percent-encoded base64 stays far below this.
const MAX_RAW_SIGNATURE_FILE: usize = 16 * 1024;

fn raw_verify(cert: &str, signature: &str, reverse: bool, file: &str) -> Result<(), CliError> {
    if signature == "-" && file == "-" {
        return Err(CliError::usage(
            "the signature and the data cannot both come from stdin",
        ));
    }
    let vk = keyio::load_public(cert)?;
    let sig_bytes = input::read_input_bounded(signature, "signature", MAX_RAW_SIGNATURE_FILE)?;
    let sig = keyio::decode_signature(&sig_bytes, reverse)
        .map_err(|e| CliError::input(format!("cannot read signature {signature}: {e}")))?;
    let want = vk.curve().key_size().signature_len();
    if sig.as_bytes().len() != want {
        return Err(CliError::input(format!(
            "signature {signature} has {} bytes, a {} key needs {want}",
            sig.as_bytes().len(),
            vk.curve()
        )));
    }
    let mut hasher = Hasher::new(vk.hash_alg());
    copy_input(file, "input", &mut hasher)?;
    match vk.verify_prehash(&hasher.finalize(), &sig) {
        Ok(()) => outln!("OK"),
        Err(e) => {
            outln!("FAIL {e}")?;
            Err(CliError::check(e.to_string()))
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Hash { alg, files } => hash(&alg, &files),
        Command::Keygen {
            curve,
            out,
            cert,
            subject,
            days,
            force,
        } => keygen(&curve, &out, cert.as_deref(), &subject, days, force),
        Command::RawSign {
            key,
            reverse,
            format,
            file,
            secrets,
        } => {
            keyio::set_secrets(secrets)?;
            raw_sign(&key, reverse, format, &file)
        }
        Command::RawVerify {
            cert,
            signature,
            reverse,
            file,
        } => raw_verify(&cert, &signature, reverse, &file),
        Command::Sign {
            key,
            cert,
            attached,
            no_attrs,
            cades,
            format,
            out,
            out_dir,
            files,
            secrets,
        } => {
            keyio::set_secrets(secrets)?;
            cms::sign(
                &key,
                cert.as_deref(),
                &cms::SignArgs {
                    attached,
                    no_attrs,
                    cades,
                    format,
                },
                out.as_deref(),
                out_dir.as_deref(),
                &files,
            )
        }
        Command::Verify {
            signature,
            content,
            trust,
            at,
            json,
        } => cms::verify(&signature, content.as_deref(), &trust, at.as_deref(), json),
        Command::Jwt {
            command:
                JwtCommand::Verify {
                    trust,
                    client_id,
                    issuer,
                    now,
                    leeway,
                    token,
                },
        } => jwt::verify(&trust, client_id.as_deref(), &issuer, now, leeway, &token),
        Command::Esia { command } => esia::run(command),
        Command::Speed {
            curve,
            op,
            seconds,
            threads,
        } => speed::run(&curve, op, seconds, threads),
        Command::Demo => match demo::run()? {
            true => Ok(()),
            false => Err(CliError::check("demo signature did not verify")),
        },
        Command::Key {
            command:
                KeyCommand::Import {
                    container,
                    pfx,
                    key,
                    out,
                    cert_out,
                    cert,
                    force,
                    quiet,
                    secrets,
                },
        } => {
            keyio::set_secrets(secrets)?;
            let source = match (container, pfx, key) {
                (Some(dir), _, _) => format!("container:{dir}"),
                (_, Some(file), _) => format!("pfx:{file}"),
                (_, _, Some(spec)) => spec,
                _ => return Err(CliError::usage("give --container, --pfx or --key")),
            };
            keyio::import_command(
                &source,
                &out,
                cert_out.as_deref(),
                cert.as_deref(),
                force,
                quiet,
            )
        }
        #[cfg(feature = "serve")]
        Command::Serve { config, listen } => serve::run(&config, listen.as_deref()),
    }
}

fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    // --version also names the CPU paths in use (see cpu.rs); -V is short.
    let long_version: &'static str = Box::leak(cpu::long_version().into_boxed_str());
    let command = Cli::command()
        .version(env!("CARGO_PKG_VERSION"))
        .long_version(long_version);
    let parsed = command
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                return match e.print() {
                    Err(io) if io.kind() == std::io::ErrorKind::BrokenPipe => {
                        ExitCode::from(EXIT_BROKEN_PIPE)
                    }
                    _ => ExitCode::SUCCESS,
                };
            }
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                let _ = e.print();
                return ExitCode::from(2);
            }
            // One line: clap's first paragraph without its "error: " prefix.
            let text = e.to_string();
            let first: Vec<&str> = text
                .lines()
                .map(str::trim)
                .take_while(|l| !l.is_empty() && !l.starts_with("Usage:"))
                .collect();
            let message = first.join(" ");
            input::error_line(message.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // An empty message: already reported (or a closed pipe, quiet).
            if !e.message.is_empty() {
                input::error_line(&e.message);
            }
            ExitCode::from(e.code)
        }
    }
}
