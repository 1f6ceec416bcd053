//! The `gostcms` command as a user drives it: the command-line contract
//! (docs/cli.md) and `gostcms serve`. One binary per group of tests, because
//! each integration-test binary links the whole library again.

#[path = "../common/mod.rs"]
mod common;

mod cli;
#[cfg(feature = "serve")]
mod serve;
