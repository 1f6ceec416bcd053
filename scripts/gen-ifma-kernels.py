#!/usr/bin/env python3
"""Writes src/field/x86_64/ifma_kernels.rs: straight-line AVX-512 IFMA
products of four field elements (`mul_11`, see src/field/x86_64/ifma_x4.rs
for the representation and the bounds) and of eight independent ones
(`mul_v6`, `mul_v11` modulo 2^(64N) - c, `mont_v6`, `mont_v12` in Montgomery
form; see src/field/x86_64/ifma_x8.rs). Written out rather than looped so
that every value is a local the
register allocator sees (the looped version kept its column arrays in
memory, and its zeroing alone was 15 % of a verification).

    python3 scripts/gen-ifma-kernels.py > src/field/x86_64/ifma_kernels.rs
    rustfmt --edition 2024 src/field/x86_64/ifma_kernels.rs

(scripts/check-generated.sh, run by CI, does the same into a temporary
folder and compares.)
"""

CONFIGS = [(11, 47)]  # (limbs L, radix R) for 2^512 - 569
# Eight independent elements, one per lane (src/field/x86_64/ifma_x8.rs):
# 2^256 - c and 2^512 - c.
VERTICAL = [(6, 43), (11, 47)]
# Eight independent elements in Montgomery form, R_v = 2^(RL), for other
# moduli below 2^256 and 2^512 (src/field/x86_64/ifma_x8.rs, `MontX8`).
MONTGOMERY = [(6, 45), (12, 44)]


def fold_reduction(L, R, w):
    """From whole columns f0..f(2L-1) to limbs r0..r(L-1) modulo 2^(64N) - c:
    the high columns carried once (the top carry folds into column L), the
    fold by c' = 2^(RL) mod p, then one parallel carry pass whose top carry
    times c' goes into limb 0."""
    for k in range(L):
        e = f"_mm512_and_si512(f{L + k}, mask)"
        if k > 0:
            e = f"_mm512_add_epi64({e}, _mm512_srli_epi64::<{R}>(f{L + k - 1}))"
        w(f"    let h{k} = {e};")
    w(f"    let top = _mm512_srli_epi64::<{R}>(f{2 * L - 1});")
    w("    let h0 = _mm512_add_epi64(h0, _mm512_mul_epu32(top, fold));")
    for k in range(L):
        w(f"    let r{k} = _mm512_add_epi64(f{k}, _mm512_mullo_epi64(h{k}, fold));")
    for k in range(L):
        w(f"    let c{k} = _mm512_srli_epi64::<{R}>(r{k});")
    for k in range(L):
        e = f"_mm512_and_si512(r{k}, mask)"
        if k > 0:
            e = f"_mm512_add_epi64({e}, c{k - 1})"
        else:
            e = f"_mm512_add_epi64({e}, _mm512_mul_epu32(c{L - 1}, fold))"
        w(f"    let r{k} = {e};")


def kernel(L, R):
    H = (L + 1) // 2
    s = 52 - R
    out = []
    w = out.append
    w(f"/// Lane-wise a * b for {L} limbs of radix 2^{R}, b split (see `FieldX4::mul`).")
    w('#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]')
    w("#[inline]")
    w(f"pub(super) fn mul_{L}(a: &[V; {L}], b: &[V; {H}], mask: V, fold: V) -> [V; {L}] {{")
    w("    let z = _mm512_setzero_si512();")
    # Product scanning over the half rows: column k gets the low halves of
    # a_i * b_j with i + j = k and the high halves with i + j = k - 1.
    width = L + H
    for k in range(width):
        lo_terms = [(i, k - i) for i in range(L) if 0 <= k - i < H]
        hi_terms = [(i, k - 1 - i) for i in range(L) if 0 <= k - 1 - i < H]
        acc = "z"
        for i, j in lo_terms:
            acc = f"_mm512_madd52lo_epu64({acc}, a[{i}], b[{j}])"
        w(f"    let lo{k} = {acc};")
        if hi_terms:
            acc = "z"
            for i, j in hi_terms:
                acc = f"_mm512_madd52hi_epu64({acc}, a[{i}], b[{j}])"
            w(f"    let hi{k} = {acc};")
            w(f"    let p{k} = _mm512_add_epi64(lo{k}, _mm512_slli_epi64::<{s}>(hi{k}));")
        else:
            w(f"    let p{k} = lo{k};")
    # Whole columns (lanes 0..3): low half's k plus high half's k - H.
    for k in range(2 * L):
        parts = []
        if k < width:
            parts.append(f"p{k}")
        if k >= H and k - H < width:
            parts.append(f"_mm512_shuffle_i64x2::<0xEE>(p{k - H}, p{k - H})")
        assert parts
        expr = parts[0] if len(parts) == 1 else f"_mm512_add_epi64({parts[0]}, {parts[1]})"
        w(f"    let f{k} = {expr};")
    fold_reduction(L, R, w)
    # Lanes 0..3 into 4..7 too.
    items = ", ".join(f"_mm512_shuffle_i64x2::<0x44>(r{k}, r{k})" for k in range(L))
    w(f"    [{items}]")
    w("}")
    return "\n".join(out)


def whole_columns(L, R, w, mutable):
    """Columns f0..f(2L-1) of a * b, both operands whole: the low halves of
    a_i * b_j with i + j = k and the high halves (shifted by 52 - R) with
    i + j = k - 1. `mutable`: columns 1..2L-2 are added to later."""
    s = 52 - R
    for k in range(2 * L):
        lo_terms = [(i, k - i) for i in range(L) if 0 <= k - i < L]
        hi_terms = [(i, k - 1 - i) for i in range(L) if 0 <= k - 1 - i < L]
        parts = []
        if lo_terms:
            acc = "z"
            for i, j in lo_terms:
                acc = f"_mm512_madd52lo_epu64({acc}, a[{i}], b[{j}])"
            w(f"    let lo{k} = {acc};")
            parts.append(f"lo{k}")
        if hi_terms:
            acc = "z"
            for i, j in hi_terms:
                acc = f"_mm512_madd52hi_epu64({acc}, a[{i}], b[{j}])"
            w(f"    let hi{k} = {acc};")
            parts.append(f"_mm512_slli_epi64::<{s}>(hi{k})")
        expr = parts[0] if len(parts) == 1 else f"_mm512_add_epi64({parts[0]}, {parts[1]})"
        mut = "mut " if mutable and 0 < k < 2 * L - 1 else ""
        w(f"    let {mut}f{k} = {expr};")


def vertical(L, R):
    """Lane-wise a * b mod 2^(64N) - c for eight independent elements, both
    operands whole (no split, no lane moves); the reduction is that of
    `kernel`."""
    s = 52 - R
    out = []
    w = out.append
    w(f"/// Lane-wise a * b for {L} limbs of radix 2^{R}, eight elements (see `FieldX8::mul`).")
    w('#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]')
    w("#[inline]")
    w(f"pub(crate) fn mul_v{L}(a: &[V; {L}], b: &[V; {L}], mask: V, fold: V) -> [V; {L}] {{")
    w("    let z = _mm512_setzero_si512();")
    whole_columns(L, R, w, mutable=False)
    fold_reduction(L, R, w)
    items = ", ".join(f"r{k}" for k in range(L))
    w(f"    [{items}]")
    w("}")
    return "\n".join(out)


def montgomery(L, R):
    """Lane-wise a * b / 2^(RL) mod p for eight independent elements: the
    product columns of `vertical`, then L word-by-word Montgomery steps in
    radix 2^R. Step i makes column i divisible by 2^R with m_i * p (m_i
    from column i's low R bits times -p^-1) and carries it into column
    i + 1; the reduction's high halves wait in their own accumulators and
    join their column, shifted, when it is reached."""
    s = 52 - R
    out = []
    w = out.append
    w(f"/// Lane-wise a * b / 2^{R * L} mod p for {L} limbs of radix 2^{R}, eight elements (see `MontX8::mul`).")
    w('#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]')
    w("#[inline]")
    w(f"pub(crate) fn mont_v{L}(a: &[V; {L}], b: &[V; {L}], p: &[V; {L}], p_inv: V, mask: V) -> [V; {L}] {{")
    w("    let z = _mm512_setzero_si512();")
    whole_columns(L, R, w, mutable=True)
    # The reduction's high halves, per column (unshifted).
    for k in range(1, 2 * L):
        w(f"    let mut g{k} = z;")
    w("    let mut carry = z;")
    for i in range(L):
        t = f"_mm512_add_epi64(f{i}, carry)"
        if i > 0:
            t = f"_mm512_add_epi64({t}, _mm512_slli_epi64::<{s}>(g{i}))"
        w(f"    let t = {t};")
        w(f"    let m = _mm512_and_si512(_mm512_madd52lo_epu64(z, _mm512_and_si512(t, mask), p_inv), mask);")
        w(f"    carry = _mm512_srli_epi64::<{R}>(_mm512_madd52lo_epu64(t, m, p[0]));")
        for j in range(1, L):
            w(f"    f{i + j} = _mm512_madd52lo_epu64(f{i + j}, m, p[{j}]);")
        for j in range(L):
            w(f"    g{i + j + 1} = _mm512_madd52hi_epu64(g{i + j + 1}, m, p[{j}]);")
    # Columns L..2L are the result; one parallel carry pass that keeps the
    # top limb whole (the value is small, see MontX8::mul).
    for k in range(L):
        col = f"_mm512_add_epi64(f{L + k}, _mm512_slli_epi64::<{s}>(g{L + k}))"
        if k == 0:
            col = f"_mm512_add_epi64({col}, carry)"
        w(f"    let r{k} = {col};")
    for k in range(L - 1):
        w(f"    let c{k} = _mm512_srli_epi64::<{R}>(r{k});")
    for k in range(L):
        e = f"r{k}" if k == L - 1 else f"_mm512_and_si512(r{k}, mask)"
        if k > 0:
            e = f"_mm512_add_epi64({e}, c{k - 1})"
        w(f"    let r{k} = {e};")
    items = ", ".join(f"r{k}" for k in range(L))
    w(f"    [{items}]")
    w("}")
    return "\n".join(out)


print("// @generated by scripts/gen-ifma-kernels.py: do not edit by hand.")
print("//! Straight-line IFMA products; see `scripts/gen-ifma-kernels.py`.")
print()
print("use super::V;")
print("use core::arch::x86_64::*;")
for L, R in CONFIGS:
    print()
    print(kernel(L, R))
for L, R in VERTICAL:
    print()
    print(vertical(L, R))
for L, R in MONTGOMERY:
    print()
    print(montgomery(L, R))
