//! Instruction-count probes: `valgrind --tool=callgrind <lib test binary>
//! --ignored --exact field::probe::<name>`.

use super::*;

/// `ROUNDS` from the environment, 100 000 by default.
fn rounds() -> usize {
    std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(100_000)
}

fn run<const N: usize>(hex: &str, rounds: usize) {
    let f = MontField::<N>::new(limbs::from_hex(hex));
    let mut x = f.to_mont(&[0x1234_5678_9abc_def1; N]);
    let y = f.to_mont(&[0x0fed_cba9_8765_4321; N]);
    for _ in 0..rounds {
        x = f.mul(&x, &y);
        x = f.square(&x);
    }
    std::hint::black_box(x);
}

#[test]
#[ignore = "probe"]
fn mul_sqr_p256a_1m() {
    run::<4>(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD97",
        rounds(),
    );
}

#[test]
#[ignore = "probe"]
fn mul_sqr_p256c_1m() {
    run::<4>(
        "9B9F605F5A858107AB1EC85E6B41C8AACF846E86789051D37998F7B9022D759B",
        rounds(),
    );
}

#[test]
#[ignore = "probe"]
fn mul_sqr_p512a_1m() {
    run::<8>(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7",
        rounds(),
    );
}
