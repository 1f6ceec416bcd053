//! CPU feature detection, once per process, and the proof tokens the fast
//! paths take as arguments.
//!
//! Why one place: every x86-64 fast path (the BMI2/ADX field kernels, the
//! AVX-512 IFMA point code, the GFNI Streebog, the AVX2 / AVX-512 table
//! scan) asks here, so one switch turns all of them off and one report
//! says which run. A token ([`Adx`], [`Ifma`], [`Gfni`], [`Avx2`],
//! [`Avx512Vl`]) is a zero-sized value that only this module makes, after
//! detection found its instructions: a function taking one may use them.
//! Off x86-64 the token types have no values at all.
//!
//! `GOSTCMS_PORTABLE` set to anything but empty or `0` forces the portable
//! code everywhere (for comparisons, and to test the portable paths on a
//! machine that has the fast ones). Valgrind, which runs the constant-time
//! check, hides ADX and AVX-512 from its programs, so there the portable
//! field and Streebog code run anyway.

use std::sync::OnceLock;

/// The environment variable that forces the portable code.
pub const PORTABLE_ENV: &str = "GOSTCMS_PORTABLE";

/// What the CPU offers (and may be used) in this process.
#[derive(Clone, Copy, Debug, Default)]
struct Found {
    /// `GOSTCMS_PORTABLE` was set: every flag below is false.
    portable: bool,
    /// BMI2 and ADX.
    adx: bool,
    /// AVX-512 F, DQ and IFMA.
    ifma: bool,
    /// AVX-512 F, BW and VBMI, and GFNI.
    gfni: bool,
    /// AVX2.
    avx2: bool,
    /// AVX2, AVX-512 F and VL.
    avx512vl: bool,
}

/// `true` when the environment forces the portable code.
fn portable_forced() -> bool {
    std::env::var_os(PORTABLE_ENV).is_some_and(|v| !v.is_empty() && v != "0")
}

/// The CPU's features, before the switch is applied.
#[cfg(target_arch = "x86_64")]
fn detect() -> Found {
    use std::is_x86_feature_detected as has;
    let avx2 = has!("avx2");
    Found {
        portable: false,
        adx: has!("bmi2") && has!("adx"),
        ifma: has!("avx512f") && has!("avx512dq") && has!("avx512ifma"),
        gfni: has!("avx512f") && has!("avx512bw") && has!("avx512vbmi") && has!("gfni"),
        avx2,
        avx512vl: avx2 && has!("avx512f") && has!("avx512vl"),
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn detect() -> Found {
    Found::default()
}

/// The features this process may use, detected once.
fn found() -> &'static Found {
    static FOUND: OnceLock<Found> = OnceLock::new();
    FOUND.get_or_init(|| {
        if portable_forced() {
            Found {
                portable: true,
                ..Found::default()
            }
        } else {
            detect()
        }
    })
}

macro_rules! token {
    ($(#[$doc:meta])* $name:ident, $flag:ident) => {
        $(#[$doc])*
        #[cfg(target_arch = "x86_64")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) struct $name(());

        $(#[$doc])*
        ///
        /// Off x86-64 the type has no values.
        #[cfg(not(target_arch = "x86_64"))]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum $name {}

        impl $name {
            /// `Some` when the CPU has the instructions and
            /// `GOSTCMS_PORTABLE` does not turn them off.
            #[inline]
            pub(crate) fn get() -> Option<$name> {
                #[cfg(target_arch = "x86_64")]
                {
                    found().$flag.then_some($name(()))
                }
                #[cfg(not(target_arch = "x86_64"))]
                {
                    None
                }
            }
        }
    };
}

token!(
    /// Proof that the CPU has BMI2 and ADX (mulx, adcx, adox).
    Adx,
    adx
);
token!(
    /// Proof that the CPU has AVX-512 F, DQ and IFMA.
    Ifma,
    ifma
);
token!(
    /// Proof that the CPU has AVX-512 F, BW and VBMI, and GFNI.
    Gfni,
    gfni
);
token!(
    /// Proof that the CPU has AVX2.
    Avx2,
    avx2
);
token!(
    /// Proof that the CPU has AVX2, AVX-512 F and AVX-512 VL.
    Avx512Vl,
    avx512vl
);

#[cfg(all(test, target_arch = "x86_64"))]
impl Avx512Vl {
    /// AVX-512 VL here implies AVX2 (detection requires both); the scan
    /// tests run the AVX2 code on AVX-512 machines too.
    pub(crate) fn avx2(self) -> Avx2 {
        Avx2(())
    }
}

/// Says loudly that a test of a CPU-specific path did not run here, and why
/// (the CPU lacks the instructions, or `GOSTCMS_PORTABLE` turned them off).
#[cfg(test)]
pub(crate) fn skipped(test: &str, missing: &str) {
    let why = if found().portable {
        "GOSTCMS_PORTABLE is set"
    } else {
        "not in this CPU"
    };
    // Straight to stderr, past the test harness's capture, so the line
    // shows even when the test passes.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {test}: {missing} ({why})");
}

/// One run-time chosen code path and whether this process takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CpuPath {
    /// Short name: `ADX`, `IFMA`, `GFNI`, `AVX-512` or `AVX2`.
    pub name: &'static str,
    /// What the path speeds up.
    pub purpose: &'static str,
    /// `None` when the path is in use, else why not: [`PORTABLE_ENV`] or
    /// `"not in this CPU"`.
    pub off_because: Option<&'static str>,
}

impl CpuPath {
    /// `true` when this process takes the path.
    pub fn in_use(&self) -> bool {
        self.off_because.is_none()
    }
}

/// The CPU-specific paths of this build and whether each is in use: empty
/// off x86-64, where only the portable code exists.
pub fn report() -> Vec<CpuPath> {
    if !cfg!(target_arch = "x86_64") {
        return Vec::new();
    }
    let on = found();
    let cpu = detect();
    let state = |used: bool| {
        if used {
            None
        } else if on.portable {
            Some(PORTABLE_ENV)
        } else {
            Some("not in this CPU")
        }
    };
    vec![
        CpuPath {
            name: "ADX",
            purpose: "BMI2/ADX field multiplication (special primes)",
            off_because: state(on.adx),
        },
        CpuPath {
            name: "IFMA",
            purpose: "AVX-512 IFMA point arithmetic (batch signing, fixed-base tables)",
            off_because: state(on.ifma),
        },
        CpuPath {
            name: "GFNI",
            purpose: "AVX-512 VBMI/GFNI Streebog",
            off_because: state(on.gfni),
        },
        CpuPath {
            name: if cpu.avx512vl { "AVX-512" } else { "AVX2" },
            purpose: "constant-time table scan",
            off_because: state(on.avx2),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_agree_with_the_report() {
        let report = report();
        if !cfg!(target_arch = "x86_64") {
            assert!(report.is_empty());
            return;
        }
        let used = |name: &str| report.iter().any(|p| p.name == name && p.in_use());
        assert_eq!(Adx::get().is_some(), used("ADX"));
        assert_eq!(Ifma::get().is_some(), used("IFMA"));
        assert_eq!(Gfni::get().is_some(), used("GFNI"));
        assert_eq!(
            Avx2::get().is_some(),
            used("AVX2") || used("AVX-512"),
            "{report:?}"
        );
        if portable_forced() {
            assert!(report.iter().all(|p| p.off_because == Some(PORTABLE_ENV)));
        }
        if Avx512Vl::get().is_some() {
            assert!(Avx2::get().is_some());
        }
    }
}
