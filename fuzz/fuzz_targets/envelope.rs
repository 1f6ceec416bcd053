#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gostcms_fuzz::targets::envelope(data));
