//! Signing many digests with one key.
//!
//! Each signature still gets its own hedged nonce k_i (SHA-512 of the
//! key, fresh randomness, the message's position and its digest), its own
//! constant-time k_i*G, and its own s_i. What a batch shares:
//!
//! * the field inversion that turns each k_i*G's x-coordinate num_i/den_i
//!   into an integer: Montgomery's trick inverts the product of all den_i
//!   once (constant-time safegcd inversion) and recovers every 1/den_i with
//!   three multiplications, so a chunk of 64 pays one inversion instead of
//!   64;
//! * the key's block of the nonce hash and the draw of OS randomness (one
//!   per batch; the message's position in the batch keeps the nonce
//!   inputs distinct).
//!
//! The trick only multiplies, so it is as constant-time as the rest of
//! signing; no den_i is zero because every k_i is in (0, q).
//! [`SigningKey::par_sign_prehash_batch`] spreads the work over rayon's
//! thread pool with the `parallel` feature, and without it runs on the
//! calling thread with the same results.

#[cfg(feature = "parallel")]
use rayon::prelude::*;
use zeroize::Zeroize;

use super::{Secret, Signature, SigningKey, dsa, os_random, sign_generic};
use crate::curve::{AnyCurve, Curve};
use crate::error::{Error, Result};
use crate::field::{Fe, limbs};

/// Signatures per shared inversion.
const CHUNK: usize = 64;

/// One message of a batch before the shared inversion: its e, its nonce,
/// and k*G's x as num/den. The secret parts are zeroized on drop.
///
/// No field may have a niche: `Result<Pending, _>` would keep its tag in
/// it, and every `?` on the result would branch on a secret. ct-check
/// caught exactly that with a `bool` for k = 0 (its spare values held the
/// `Err` tag); the all-ones-or-zero mask is a `u64`.
struct Pending<const N: usize> {
    e: [u64; N],
    k: [u64; N],
    k_zero_mask: u64,
    num: Fe<N>,
    den: Fe<N>,
}

impl<const N: usize> Drop for Pending<N> {
    fn drop(&mut self) {
        self.k.zeroize();
        self.num.zeroize();
        self.den.zeroize();
    }
}

/// Messages whose k*G are computed together: the lanes of the eight-lane
/// comb (`curve::x86_64::comb_ifma_x8`) where the curve and CPU have it.
const GROUP: usize = 8;
/// The fewest messages of a group worth the eight-lane comb: whatever the
/// count, it costs about as much as 3.5-4 scalar k*G on the 256-bit curves
/// and 2.5-3 on the 512-bit ones (`gostcms speed --op batch`, with and
/// without `GOSTCMS_PORTABLE=1`).
const GROUP_MIN_LANES: usize = 4;

impl<const N: usize> Pending<N> {
    /// A slot for [`prepare_group`] to fill in place (filling in place
    /// leaves no moved-from copies of the secrets behind).
    fn empty() -> Self {
        Pending {
            e: [0; N],
            k: [0; N],
            k_zero_mask: 0,
            num: Fe([0; N]),
            den: Fe([0; N]),
        }
    }
}

/// The expensive part of a batch signature (the nonce and k*G) for up to
/// [`GROUP`] consecutive messages, into `pending` (one slot per digest);
/// `first` numbers the first message within the batch, so no two share a
/// nonce input.
fn prepare_group<const N: usize>(
    c: &Curve<N>,
    keyed: &dsa::NonceKey,
    digests: &[&[u8]],
    pending: &mut [Pending<N>],
    randomness: &[u8; dsa::NONCE_RANDOMNESS],
    first: u64,
) -> Result<()> {
    let mut one = [0u64; N];
    one[0] = 1;
    // k = 0 has probability about 2^-255; such a message is signed alone
    // in `finish_chunk` (the one branch on it), and 1 stands in for it
    // here, chosen without a branch, so the group goes on. Unused lanes
    // of a short group multiply 1 as well.
    let mut lanes = [one; GROUP];
    for (j, (digest, slot)) in digests.iter().zip(pending.iter_mut()).enumerate() {
        slot.e = dsa::digest_to_e(c, digest).ok_or(Error::DigestLength {
            bits: 64 * N,
            got: digest.len(),
        })?;
        slot.k = dsa::hedged_nonce_keyed(c, keyed, digest, randomness, 0, Some(first + j as u64));
        slot.k_zero_mask = limbs::is_zero_mask(&slot.k);
        lanes[j] = limbs::select(slot.k_zero_mask, &one, &slot.k);
    }
    let together = if digests.len() >= GROUP_MIN_LANES {
        c.mul_base_x_fractions_x8(&lanes)
    } else {
        None
    };
    match together {
        Some(mut fractions) => {
            for (p, (num, den)) in pending.iter_mut().zip(fractions.iter()) {
                (p.num, p.den) = (*num, *den);
            }
            for (num, den) in fractions.iter_mut() {
                num.zeroize();
                den.zeroize();
            }
        }
        None => {
            for (p, k) in pending.iter_mut().zip(&lanes) {
                (p.num, p.den) = c.mul_base_x_fraction(k);
            }
        }
    }
    lanes.as_flattened_mut().zeroize();
    Ok(())
}

/// Finishes a chunk of prepared messages with one shared inversion
/// (Montgomery's trick: prefix products, one inversion, walk back).
fn finish_chunk<const N: usize>(
    c: &Curve<N>,
    d: &[u64; N],
    keyed: &dsa::NonceKey,
    pending: &[Pending<N>],
    digests: &[&[u8]],
) -> Result<Vec<([u64; N], [u64; N])>> {
    let f = &c.fp;
    let mut prefix: Vec<Fe<N>> = Vec::with_capacity(pending.len());
    let mut acc = f.one();
    for p in pending {
        prefix.push(acc);
        acc = f.mul(&acc, &p.den);
    }
    let mut inv = f.invert(&acc);
    let mut x = [0u64; N];
    let mut out = Vec::with_capacity(pending.len());
    for i in (0..pending.len()).rev() {
        let p = &pending[i];
        let den_inv = f.mul(&inv, &prefix[i]);
        inv = f.mul(&inv, &p.den);
        x = f.to_int(&f.mul(&p.num, &den_inv));
        let rs = if p.k_zero_mask != 0 {
            None
        } else {
            dsa::finish_signature(c, d, &p.e, &p.k, &x)
        };
        match rs {
            Some(rs) => out.push(rs),
            // r = 0, s = 0 or k = 0: retry this one with the single path.
            None => {
                let randomness = os_random::<{ dsa::NONCE_RANDOMNESS }>()?;
                out.push(sign_generic(c, d, keyed, digests[i], &randomness)?)
            }
        }
    }
    out.reverse();
    for v in prefix.iter_mut() {
        v.zeroize();
    }
    x.zeroize();
    inv.zeroize();
    acc.zeroize();
    Ok(out)
}

/// Signs a batch: every message's nonce and k*G (in parallel over rayon
/// when `parallel`, one group of eight messages per task, so no thread
/// waits long for another at the end), then the shared inversions chunk
/// by chunk. The
/// fine split matters on small batches: 256 messages cut into chunks of
/// 64, each signed whole by one thread, left one of two threads idle for
/// half a chunk on average at the end of every batch.
fn sign_batch_in<const N: usize>(
    c: &Curve<N>,
    d: &[u64; N],
    keyed: &dsa::NonceKey,
    digests: &[&[u8]],
    parallel: bool,
) -> Result<Vec<([u64; N], [u64; N])>> {
    let randomness = os_random::<{ dsa::NONCE_RANDOMNESS }>()?;
    let prep = |(g, (group, slots)): (usize, (&[&[u8]], &mut [Pending<N>]))| {
        prepare_group(c, keyed, group, slots, &randomness, (g * GROUP) as u64)
    };
    let mut pending: Vec<Pending<N>> = (0..digests.len()).map(|_| Pending::empty()).collect();
    let finish =
        |(pending, digests): (&[Pending<N>], &[&[u8]])| finish_chunk(c, d, keyed, pending, digests);
    #[cfg(feature = "parallel")]
    if parallel {
        digests
            .par_chunks(GROUP)
            .zip(pending.par_chunks_mut(GROUP))
            .enumerate()
            .try_for_each(prep)?;
        let chunks: Vec<Vec<([u64; N], [u64; N])>> = pending
            .par_chunks(CHUNK)
            .zip(digests.par_chunks(CHUNK))
            .map(finish)
            .collect::<Result<_>>()?;
        return Ok(chunks.into_iter().flatten().collect());
    }
    // Without `parallel` (or when asked): the same steps on this thread.
    let _ = parallel;
    digests
        .chunks(GROUP)
        .zip(pending.chunks_mut(GROUP))
        .enumerate()
        .try_for_each(prep)?;
    let chunks: Vec<Vec<([u64; N], [u64; N])>> = pending
        .chunks(CHUNK)
        .zip(digests.chunks(CHUNK))
        .map(finish)
        .collect::<Result<_>>()?;
    Ok(chunks.into_iter().flatten().collect())
}

impl SigningKey {
    fn check_digest_lengths(&self, digests: &[&[u8]]) -> Result<()> {
        let len = self.curve.key_size().coordinate_len();
        match digests.iter().find(|d| d.len() != len) {
            Some(bad) => Err(Error::DigestLength {
                bits: 8 * len,
                got: bad.len(),
            }),
            None => Ok(()),
        }
    }

    fn sign_batch_any(&self, digests: &[&[u8]], parallel: bool) -> Result<Vec<Signature>> {
        self.check_digest_lengths(digests)?;
        let size = self.curve.key_size();
        match (&self.secret, self.curve.curve()) {
            (Secret::W4(d), AnyCurve::W4(c)) => {
                Ok(sign_batch_in(c, d, &self.nonce_key, digests, parallel)?
                    .iter()
                    .map(|(r, s)| Signature::from_limbs(size, r, s))
                    .collect())
            }
            (Secret::W8(d), AnyCurve::W8(c)) => {
                Ok(sign_batch_in(c, d, &self.nonce_key, digests, parallel)?
                    .iter()
                    .map(|(r, s)| Signature::from_limbs(size, r, s))
                    .collect())
            }
            _ => Err(Error::KeyMismatch(
                "key width does not match its curve".into(),
            )),
        }
    }

    /// Signs many digests (each as long as [`Self::sign_prehash`] wants) on
    /// the calling thread, sharing one field inversion per 64 signatures.
    /// Every signature has its own hedged nonce; the result is in input
    /// order. Fails as a whole on the first digest of the wrong length.
    pub fn sign_prehash_batch(&self, digests: &[&[u8]]) -> Result<Vec<Signature>> {
        self.sign_batch_any(digests, false)
    }

    /// [`Self::sign_prehash_batch`] spread over rayon's global thread pool
    /// (or the pool the caller installed): the nonces and k*G a few
    /// messages per task, then the shared inversions 64 messages per task.
    /// Without the `parallel` feature it runs on the calling thread, with
    /// the same results.
    pub fn par_sign_prehash_batch(&self, digests: &[&[u8]]) -> Result<Vec<Signature>> {
        self.sign_batch_any(digests, true)
    }

    /// Hashes each message with [`Self::hash_alg`] and signs them as a batch.
    pub fn sign_batch(&self, messages: &[&[u8]]) -> Result<Vec<Signature>> {
        let digests: Vec<Vec<u8>> = messages.iter().map(|m| self.hash_alg().digest(m)).collect();
        let refs: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
        self.sign_prehash_batch(&refs)
    }

    /// [`Self::sign_batch`] with hashing and signing spread over rayon
    /// (on the calling thread without the `parallel` feature).
    pub fn par_sign_batch(&self, messages: &[&[u8]]) -> Result<Vec<Signature>> {
        #[cfg(feature = "parallel")]
        let digests: Vec<Vec<u8>> = messages
            .par_iter()
            .map(|m| self.hash_alg().digest(m))
            .collect();
        #[cfg(not(feature = "parallel"))]
        let digests: Vec<Vec<u8>> = messages.iter().map(|m| self.hash_alg().digest(m)).collect();
        let refs: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
        self.par_sign_prehash_batch(&refs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::CurveId;

    /// The k = 0 path (probability about 2^-255, so never reached by
    /// chance): a chunk whose first nonce is forced to zero, prepared as
    /// `prepare_group` prepares it, still yields two valid signatures; the first
    /// comes from the single-signature path. (With the branch on the mask
    /// disabled, the first signature fails to verify: checked once by hand.)
    #[test]
    fn a_zero_nonce_is_signed_alone() {
        let key = SigningKey::generate(CurveId::CryptoProA).unwrap();
        let (Secret::W4(d), AnyCurve::W4(c)) = (&key.secret, key.curve.curve()) else {
            unreachable!("cryptopro-a has 4 limbs")
        };
        let digests: Vec<Vec<u8>> = [&b"k = 0"[..], b"k != 0"]
            .iter()
            .map(|m| key.hash_alg().digest(m))
            .collect();
        let refs: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
        let randomness = [7u8; dsa::NONCE_RANDOMNESS];
        let mut pending: Vec<Pending<4>> = refs.iter().map(|_| Pending::empty()).collect();
        prepare_group(c, &key.nonce_key, &refs, &mut pending, &randomness, 0).unwrap();
        let mut one = [0u64; 4];
        one[0] = 1;
        let (num, den) = c.mul_base_x_fraction(&one);
        pending[0].k = [0; 4];
        pending[0].k_zero_mask = u64::MAX;
        pending[0].num = num;
        pending[0].den = den;
        let sigs = finish_chunk(c, d, &key.nonce_key, &pending, &refs).unwrap();
        assert_eq!(sigs.len(), 2);
        for ((r, s), digest) in sigs.iter().zip(&refs) {
            let sig = Signature::from_limbs(key.curve.key_size(), r, s);
            key.verifying_key().verify_prehash(digest, &sig).unwrap();
        }
    }
}
