//! Fuzz target bodies for gostcms. Each `fuzz_targets/NAME.rs` is a
//! three-line libFuzzer entry point calling `targets::NAME`; the same
//! functions replay the seed corpora and every past crash in the main
//! crate's `tests/library/fuzz_corpus.rs` (which includes `targets.rs` by path).

pub mod targets;
