//! Compiles the valgrind client-request shim (the requests are a magic
//! instruction sequence that only the C macros in <valgrind/memcheck.h> emit).

fn main() {
    println!("cargo::rerun-if-changed=src/valgrind.c");
    cc::Build::new()
        .file("src/valgrind.c")
        .compile("ct_valgrind");
}
