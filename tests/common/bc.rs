//! Bouncy Castle as a second independent CMS oracle: `tests/java/GostCms.java`
//! (see `tests/java/README.md`), compiled once per test binary with `javac`
//! into `target/java-classes` and run with `java -cp`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use super::{KeyCert, crate_path, missing, path_str, show, stdout, target_dir, write};

/// The jars GostCms.java needs (bcpkix 1.72 uses classes from bcutil).
const BC_JARS: [&str; 3] = ["bcprov.jar", "bcpkix.jar", "bcutil.jar"];

/// The Java program on its class path; get it from [`oracle`].
pub struct BouncyCastle {
    classpath: String,
}

/// The oracle, compiled on first use; `None` (a loud skip, or a failure when
/// `CI` is set) without a JDK or the Bouncy Castle jars (`BC_JAR_DIR`, else
/// `/usr/share/java`).
pub fn oracle() -> Option<&'static BouncyCastle> {
    static BC: OnceLock<Result<BouncyCastle, String>> = OnceLock::new();
    let found = BC.get_or_init(|| {
        let jar_dir = std::env::var_os("BC_JAR_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/share/java"));
        let mut jars = Vec::new();
        for jar in BC_JARS {
            let p = jar_dir.join(jar);
            if !p.is_file() {
                return Err(format!("Bouncy Castle jar {} not found", p.display()));
            }
            jars.push(p.to_string_lossy().into_owned());
        }
        let classes = target_dir().join("java-classes");
        std::fs::create_dir_all(&classes)
            .map_err(|e| format!("cannot create {}: {e}", classes.display()))?;
        let source = crate_path("tests/java/GostCms.java");
        let out = Command::new("javac")
            .arg("-nowarn")
            .arg("-d")
            .arg(&classes)
            .arg("-cp")
            .arg(jars.join(":"))
            .arg(&source)
            .output()
            .map_err(|e| format!("cannot run javac (a JDK): {e}"))?;
        if !out.status.success() {
            // A compile error is a bug in the test tree, not a missing tool.
            panic!("javac {} failed\n{}", source.display(), show(&out));
        }
        jars.insert(0, classes.to_string_lossy().into_owned());
        Ok(BouncyCastle {
            classpath: jars.join(":"),
        })
    });
    match found {
        Ok(bc) => Some(bc),
        Err(why) => {
            missing(
                &format!("Java with Bouncy Castle ({why})"),
                "see tests/java/README.md",
            );
            None
        }
    }
}

impl BouncyCastle {
    /// `GostCms ARGS`, whatever its exit status.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("java")
            .arg("-cp")
            .arg(&self.classpath)
            .arg("GostCms")
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run java: {e}"))
    }

    /// `GostCms ARGS`, which must succeed.
    pub fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "GostCms {}\n{}",
            args.join(" "),
            show(&out)
        );
        out
    }

    /// Bouncy Castle's own key on `curve` and its self-signed certificate.
    pub fn genkey(&self, dir: &Path, curve: &str) -> KeyCert {
        let key = dir.join(format!("bc-{curve}.key.pem"));
        let cert = dir.join(format!("bc-{curve}.cert.pem"));
        self.ok(&["genkey", curve, path_str(&key), path_str(&cert)]);
        KeyCert {
            key,
            cert,
            subject_cn: format!("BC {curve}"),
        }
    }

    /// A SignedData by Bouncy Castle, detached unless `attached`, with signed
    /// attributes when `attrs`.
    pub fn sign(&self, kc: &KeyCert, content: &Path, out: &Path, attached: bool, attrs: bool) {
        let mut args = vec![
            "sign",
            "--key",
            path_str(&kc.key),
            "--cert",
            path_str(&kc.cert),
        ];
        if attached {
            args.push("--attached");
        }
        if !attrs {
            args.push("--no-attrs");
        }
        args.extend([path_str(content), path_str(out)]);
        self.ok(&args);
    }

    /// Verifies many signatures in one JVM: (signature, detached content).
    /// Returns the verifier's output split per entry, and its exit status.
    pub fn verify_many(
        &self,
        dir: &Path,
        items: &[(PathBuf, Option<PathBuf>)],
    ) -> (Vec<String>, Output) {
        let list: String = items
            .iter()
            .map(|(sig, content)| {
                format!(
                    "{}\t{}\n",
                    path_str(sig),
                    content.as_deref().map(path_str).unwrap_or("")
                )
            })
            .collect();
        let list_path = write(dir, "bc-verify.list", list.as_bytes());
        let out = self.run(&["verify-list", path_str(&list_path)]);
        let entries: Vec<String> = stdout(&out)
            .split("== ")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        assert_eq!(
            entries.len(),
            items.len(),
            "GostCms verify-list\n{}",
            show(&out)
        );
        (entries, out)
    }
}
