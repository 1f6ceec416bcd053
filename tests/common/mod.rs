//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built `gostcms` binary.
pub fn gostcms() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gostcms"))
}

/// Runs the binary with `args`, stdin empty.
pub fn run(args: &[&str]) -> Output {
    gostcms()
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run gostcms")
}

/// Path of a file in the crate.
pub fn crate_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Small deterministic generator for test inputs (xorshift64*).
pub struct TestRng(u64);

impl TestRng {
    pub fn new(seed: u64) -> Self {
        TestRng(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}
