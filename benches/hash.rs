//! Streebog throughput on 1 MiB and on a client_secret-sized message
//! (150 bytes): this crate's implementation behind `HashAlg::digest` (the
//! AVX-512 VBMI + GFNI compression where the CPU has it, else the tables)
//! against the RustCrypto `streebog` crate. `cargo bench --bench hash`;
//! `GOSTCMS_PORTABLE=1 cargo bench --bench hash` measures the tables.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use digest::Digest;
use gostcms::HashAlg;
use std::hint::black_box;

fn bench_streebog(c: &mut Criterion) {
    let buf = vec![0x5au8; 1 << 20];
    let mut group = c.benchmark_group("streebog-1MiB");
    group.throughput(Throughput::Bytes(buf.len() as u64));
    group.bench_function("gostcms-256", |b| {
        b.iter(|| HashAlg::Streebog256.digest(black_box(&buf)))
    });
    group.bench_function("gostcms-512", |b| {
        b.iter(|| HashAlg::Streebog512.digest(black_box(&buf)))
    });
    group.bench_function("streebog-crate-256", |b| {
        b.iter(|| streebog::Streebog256::digest(black_box(&buf)))
    });
    group.finish();

    let short = &buf[..150];
    let mut group = c.benchmark_group("streebog-150B");
    group.throughput(Throughput::Bytes(short.len() as u64));
    group.bench_function("gostcms-256", |b| {
        b.iter(|| HashAlg::Streebog256.digest(black_box(short)))
    });
    group.bench_function("streebog-crate-256", |b| {
        b.iter(|| streebog::Streebog256::digest(black_box(short)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(2)).warm_up_time(std::time::Duration::from_millis(300));
    targets = bench_streebog
}
criterion_main!(benches);
