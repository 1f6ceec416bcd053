//! `gostcms --version`: the CPU paths the library takes on this machine.
//!
//! The library detects them once and reports them (`gostcms::cpu::report`);
//! this only formats that report for a user.

/// `gostcms VERSION` and one line per CPU path.
pub fn long_version() -> String {
    let mut text = format!("{}\ncpu paths:", env!("CARGO_PKG_VERSION"));
    let paths = gostcms::cpu::report();
    if paths.is_empty() {
        text.push_str(" portable code only (not x86_64)");
    }
    for p in paths {
        match p.off_because {
            None => text.push_str(&format!("\n  {} on: {}", p.name, p.purpose)),
            Some(why) => text.push_str(&format!("\n  {} off ({why}): {}", p.name, p.purpose)),
        }
    }
    text
}
