#!/usr/bin/env python3
"""Writes src/field/x86_64/adx_kernels.rs: the mulx/adcx/adox kernels for
multiplication and squaring modulo 2^512 - c (tc26-512-A and tc26-512-C).

    python3 scripts/gen-adx-kernels.py > src/field/x86_64/adx_kernels.rs

(scripts/check-generated.sh, run by CI, does the same into a temporary
folder and compares.)

Everything emitted is straight-line: no jumps, and every memory operand is
[rsi + constant], so neither the instruction stream nor the addresses depend
on the operands (tests in src/field/x86_64/adx.rs check the generated text
for this).

The schoolbook rows keep the running sum in a rotating window of N + 1
registers. In row i, rdx = a[i]; the low half of a[i] * b[j] is added to
t[i + j] on the overflow-flag chain (adox) and the high half to t[i + j + 1]
on the carry-flag chain (adcx), so the two carry chains run side by side.
The fold then computes t_lo + c * t_hi the same way and folds the top word
(at most c) once more. That leaves the result lazily reduced: when folding
the top word carries out of 2^512, the wrapped value is below c^2, and the
carried 2^512 is one more c added to the low word (no further carry); the
result is some value below 2^512 congruent to the product. The fully reduced
product is this plus one conditional subtraction of m, done in Rust
(`Adx::mul` in src/field/x86_64/adx.rs)."""

N = 8
# rbx and rbp are reserved by LLVM; rsi holds the buffer, rdx feeds mulx,
# rax and rcx take the products' halves.
WINDOW = ["rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]


def mem(word):
    return f"[rsi + {8 * word}]"


def fold(out, acc, spare, t_lo, c_word):
    """acc(j) holds t[N + j]; t[0..N] is at words t_lo.. of the buffer.
    Leaves the lazily reduced result in the registers acc(0..N)."""
    hi = lambda j: "rcx" if j % 2 == 0 else spare
    out.append(f"mov rdx, {mem(c_word)}")
    out.append("xor eax, eax")  # clears CF and OF
    for j in range(N):
        out.append(f"mulx {hi(j)}, rax, {acc(j)}")
        out.append(f"mov {acc(j)}, {mem(t_lo + j)}")
        out.append(f"adox {acc(j)}, rax")
        if j > 0:
            out.append(f"adcx {acc(j)}, {hi(j - 1)}")
    top = hi(N - 1)
    out.append("mov eax, 0")  # mov leaves the flags alone
    out.append(f"adox {top}, rax")
    out.append(f"adcx {top}, rax")
    # top <= c, so top * c < 2^64; after adding it CF is the 2^512 bit.
    out.append(f"imul {top}, rdx")
    out.append(f"add {acc(0)}, {top}")
    for j in range(1, N):
        out.append(f"adc {acc(j)}, 0")
    # rax is 0, so after setc it is the carry; add c under its mask.
    out.append("setc al")
    out.append("neg rax")
    out.append("and rax, rdx")
    out.append(f"add {acc(0)}, rax")
    # The result stays in the acc registers, returned as outputs: stores
    # read back by the caller's wider loads would stall store forwarding
    # (perf: 10 % of the multiplication at one such load).


def mul():
    """Buffer: a (words 0..8), b (8..16), c (16). Result in words 0..8."""
    w = WINDOW
    reg = lambda k: w[k % (N + 1)]  # the register holding t[k]
    b = lambda j: mem(N + j)
    out = ["mov rdx, [rsi]", f"mulx {reg(1)}, {reg(0)}, {b(0)}"]
    for j in range(1, N):
        out.append(f"mulx {reg(j + 1)}, rax, {b(j)}")
        out.append(f"{'add' if j == 1 else 'adc'} {reg(j)}, rax")
    out.append(f"adc {reg(N)}, 0")
    out.append(f"mov {mem(0)}, {reg(0)}")
    for i in range(1, N):
        out.append(f"mov rdx, {mem(i)}")
        out.append(f"xor {reg(i + N)}, {reg(i + N)}")  # new top word; clears CF and OF
        for j in range(N):
            out.append(f"mulx rcx, rax, {b(j)}")
            out.append(f"adox {reg(i + j)}, rax")
            out.append(f"adcx {reg(i + j + 1)}, rcx")
        out.append("mov eax, 0")
        out.append(f"adox {reg(i + N)}, rax")
        out.append(f"mov {mem(i)}, {reg(i)}")  # t[i] is final; a[i] is no longer needed
    fold(out, lambda j: reg(N + j), reg(2 * N), 0, 2 * N)
    return out, [reg(N + j) for j in range(N)]


def square():
    """Buffer: a (words 0..8), scratch t (8..24), c (24). Result in words 0..8.
    The products a[i] a[j] for i < j once, then t = 2 t + the squares."""
    t = lambda k: mem(N + k)
    free = list(WINDOW[: N + 1])
    where = {}

    def alloc(k):
        where[k] = free.pop(0)
        return where[k]

    def store(k):
        reg = where.pop(k)
        out.append(f"mov {t(k)}, {reg}")
        free.append(reg)

    out = ["mov rdx, [rsi]"]
    alloc(1)
    alloc(2)
    out.append(f"mulx {where[2]}, {where[1]}, {mem(1)}")
    for j in range(2, N):
        alloc(j + 1)
        out.append(f"mulx {where[j + 1]}, rax, {mem(j)}")
        out.append(f"{'add' if j == 2 else 'adc'} {where[j]}, rax")
    out.append(f"adc {where[N]}, 0")
    store(1)
    store(2)
    for i in range(1, N - 1):
        out.append(f"mov rdx, {mem(i)}")
        top = alloc(i + N)
        out.append(f"xor {top}, {top}")
        for j in range(i + 1, N):
            out.append("mulx rcx, rax, " + mem(j))
            out.append(f"adox {where[i + j]}, rax")
            out.append(f"adcx {where[i + j + 1]}, rcx")
        out.append("mov eax, 0")
        out.append(f"adox {top}, rax")
        store(2 * i + 1)  # rows after i start at t[2i + 3]
        store(2 * i + 2)
    assert not where, where
    # Doubling on the CF chain (adcx x, x), the squares on the OF chain.
    acc = WINDOW[:N]
    spare = WINDOW[N]
    out.append("xor eax, eax")
    for i in range(N):
        if 2 * i >= N:
            x, y = acc[2 * i - N], acc[2 * i + 1 - N]
        else:
            x, y = spare, acc[N - 1]  # low half: stored back below
        out.append(f"mov rdx, {mem(i)}")
        out.append("mulx rcx, rax, rdx")
        out.append(f"mov {x}, 0" if i == 0 else f"mov {x}, {t(2 * i)}")
        out.append(f"mov {y}, 0" if i == N - 1 else f"mov {y}, {t(2 * i + 1)}")
        out.append(f"adcx {x}, {x}")
        out.append(f"adcx {y}, {y}")
        out.append(f"adox {x}, rax")
        out.append(f"adox {y}, rcx")
        if 2 * i < N:
            out.append(f"mov {t(2 * i)}, {x}")
            out.append(f"mov {t(2 * i + 1)}, {y}")
    fold(out, lambda j: acc[j], spare, N, 3 * N)
    return out, acc


def function(name, words, doc, generated):
    lines, result = generated
    body = "\n".join(f'            "{line}",' for line in lines)
    outputs = "\n".join(f'            out("{r}") r[{j}],' for j, r in enumerate(result))
    clobbers = ", ".join(
        f'out("{r}") _' for r in ["rax", "rcx", "rdx"] + WINDOW if r not in result
    )
    return f'''
{doc}
///
/// # Safety
/// The CPU must support BMI2 (mulx) and ADX (adcx, adox).
#[inline]
pub(super) unsafe fn {name}(buf: &mut [u64; {words}]) -> [u64; {N}] {{
    let mut r = [0u64; {N}];
    // SAFETY: the caller guarantees BMI2 and ADX. The code reads and
    // writes only buf[0..{words}] through rsi = buf.as_mut_ptr(), which the
    // exclusive borrow makes valid and unaliased; every other register it
    // writes is an output or declared clobbered, and it touches no stack.
    unsafe {{
        core::arch::asm!(
{body}
            in("rsi") buf.as_mut_ptr(),
{outputs}
            {clobbers},
            options(nostack),
        );
    }}
    r
}}
'''


print("// @generated by scripts/gen-adx-kernels.py: do not edit by hand.")
print("//! The mulx/adcx/adox kernels modulo 2^512 - c (see the generator's doc).")
print(function("mul_fold", 2 * N + 1,
               "/// `buf[0..8] * buf[8..16] mod 2^512 - buf[16]`, lazily reduced: some\n"
               "/// value below 2^512 congruent to the product; words 0..8 are\n"
               "/// overwritten.",
               mul()), end="")
print(function("square_fold", 3 * N + 1,
               "/// `buf[0..8]^2 mod 2^512 - buf[24]`, lazily reduced (as [`mul_fold`]);\n"
               "/// words 8..24 are scratch.", square()), end="")
