//! `gostcms --version`: the CPU paths the library takes on this machine.
//!
//! The library picks its code paths at run time (src/field/adx.rs,
//! src/field/ifma.rs, src/hash/streebog_gfni.rs, src/curve/scan.rs) and
//! keeps the detection crate-private; this mirrors the same CPU feature
//! tests and `GOSTCMS_NO_*` switches, to tell a user what runs.

/// One path: its name, what it speeds up, and whether it is on (or why not).
struct Path {
    name: &'static str,
    what: &'static str,
    state: Result<(), &'static str>,
}

fn switched_off(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|v| v != "0")
}

#[cfg(target_arch = "x86_64")]
fn paths() -> Vec<Path> {
    let gate = |var: &'static str, has: bool| -> Result<(), &'static str> {
        if switched_off(var) {
            Err(var)
        } else if has {
            Ok(())
        } else {
            Err("not in this CPU")
        }
    };
    let avx2 = std::is_x86_feature_detected!("avx2");
    let avx512_scan =
        std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512vl");
    vec![
        Path {
            name: "ADX",
            what: "BMI2/ADX field multiplication (special primes)",
            state: gate(
                "GOSTCMS_NO_ADX",
                std::is_x86_feature_detected!("bmi2") && std::is_x86_feature_detected!("adx"),
            ),
        },
        Path {
            name: "IFMA",
            what: "AVX-512 IFMA point arithmetic (batch signing, fixed-base tables)",
            state: gate(
                "GOSTCMS_NO_IFMA",
                std::is_x86_feature_detected!("avx512f")
                    && std::is_x86_feature_detected!("avx512dq")
                    && std::is_x86_feature_detected!("avx512ifma"),
            ),
        },
        Path {
            name: "GFNI",
            what: "AVX-512 VBMI/GFNI Streebog",
            state: gate(
                "GOSTCMS_NO_AVX",
                std::is_x86_feature_detected!("avx512f")
                    && std::is_x86_feature_detected!("avx512bw")
                    && std::is_x86_feature_detected!("avx512vbmi")
                    && std::is_x86_feature_detected!("gfni"),
            ),
        },
        Path {
            name: if avx512_scan { "AVX-512" } else { "AVX2" },
            what: "constant-time table scan",
            state: gate("GOSTCMS_NO_AVX", avx2),
        },
    ]
}

#[cfg(not(target_arch = "x86_64"))]
fn paths() -> Vec<Path> {
    Vec::new()
}

/// `gostcms VERSION` and one line per CPU path.
pub fn long_version() -> String {
    let mut text = format!("{}\ncpu paths:", env!("CARGO_PKG_VERSION"));
    let paths = paths();
    if paths.is_empty() {
        text.push_str(" portable code only (not x86_64)");
    }
    for p in paths {
        match p.state {
            Ok(()) => text.push_str(&format!("\n  {} on: {}", p.name, p.what)),
            Err(why) => text.push_str(&format!("\n  {} off ({why}): {}", p.name, p.what)),
        }
    }
    text
}
