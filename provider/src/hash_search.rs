//! The hash-search task kind on OpenCL: the same search as
//! [`ogpu_types::hash_search::search`], byte for byte, in batches on the device.
//!
//! The message is `prefix ‖ nonce` (8 bytes, big-endian), at most 72 bytes. The host
//! compresses the prefix's full 64-byte blocks once (the midstate: only a 64-byte prefix
//! has one) and pads the rest, leaving zeros where the nonce goes; the kernel inserts each
//! work-item's nonce and compresses the one or two remaining blocks.

use cosmwasm_std::Uint64;
use ogpu_types::hash_search::{self, MAX_DIFFICULTY, MAX_PREFIX_LEN, MIN_DIFFICULTY, NONCE_LEN};
use ogpu_types::Scalar;
use sha2::digest::generic_array::GenericArray;

use crate::error::ExecError;
use crate::executor::{enqueue, input_buffer, kernel, output_buffer, set_buffer, set_scalar};
use crate::Executor;

const SOURCE: &str = include_str!("kernels/hash_search.cl");
const BLOCK: usize = 64;
/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];
/// Nonces per launch and compute unit unless configured (`ExecutorConfig::hash_batch`).
const BATCH_PER_UNIT: u64 = 1 << 20;
/// Most nonces per launch: the kernel numbers a batch's nonces in 32 bits.
const MAX_BATCH: u64 = 1 << 31;

/// What the kernel needs for one prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Plan {
    /// State after the prefix's full blocks, as 32 big-endian bytes.
    midstate: [u8; 32],
    /// The rest of the message, padded, with zeros for the nonce: one or two blocks.
    tail: Vec<u8>,
    /// Where the nonce starts in `tail`.
    nonce_offset: usize,
}

impl Plan {
    fn new(prefix: &[u8]) -> Self {
        let full = prefix.len() / BLOCK * BLOCK;
        let mut state = IV;
        let blocks: Vec<_> = prefix[..full]
            .chunks_exact(BLOCK)
            .map(GenericArray::clone_from_slice)
            .collect();
        sha2::compress256(&mut state, &blocks);
        // FIPS 180-4, 5.1.1: 0x80, zeros, then the message length in bits (64-bit BE).
        let mut tail = prefix[full..].to_vec();
        tail.extend_from_slice(&[0; NONCE_LEN]);
        tail.push(0x80);
        let len = tail.len() + 8;
        tail.resize(len.div_ceil(BLOCK) * BLOCK - 8, 0);
        tail.extend_from_slice(&(((prefix.len() + NONCE_LEN) * 8) as u64).to_be_bytes());
        let mut midstate = [0u8; 32];
        for (bytes, word) in midstate.chunks_exact_mut(4).zip(state) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        Plan {
            midstate,
            tail,
            nonce_offset: prefix.len() - full,
        }
    }

    /// The build options that specialise the kernel to this prefix's length and to
    /// `lanes` nonces per work-item.
    fn options(&self, lanes: u32) -> String {
        format!(
            "-D TAIL_BLOCKS={} -D NONCE_OFFSET={} -D LANES={lanes}",
            self.tail.len() / BLOCK,
            self.nonce_offset
        )
    }
}

/// Nonces per work-item: the device's preferred vector width, as one of the widths the
/// kernel has (1, 2, 4, 8, 16).
fn lanes(preferred: u32) -> u32 {
    match preferred {
        0 | 1 => 1,
        width => 1 << width.min(16).ilog2(),
    }
}

impl Executor {
    /// The first nonce in `start .. start + max_nonces` (capped at `u64::MAX`) such that
    /// `sha256(prefix ‖ nonce_be8)` has at least `difficulty` leading zero bits, or `None`
    /// when the range holds none. Every answer is checked on the host before it is
    /// returned, so a faulty device cannot make the provider commit a wrong nonce.
    pub fn hash_search(
        &self,
        prefix: &[u8],
        difficulty: u32,
        start: u64,
        max_nonces: u64,
    ) -> Result<Option<u64>, ExecError> {
        if prefix.is_empty() || prefix.len() > MAX_PREFIX_LEN {
            return Err(ExecError::InvalidJob(format!(
                "prefix of {} bytes; 1 to {MAX_PREFIX_LEN} allowed",
                prefix.len()
            )));
        }
        if !(MIN_DIFFICULTY..=MAX_DIFFICULTY).contains(&difficulty) {
            return Err(ExecError::InvalidJob(format!(
                "difficulty {difficulty}; {MIN_DIFFICULTY} to {MAX_DIFFICULTY} allowed"
            )));
        }
        let plan = Plan::new(prefix);
        let lanes = lanes(self.device().preferred_int_vector_width);
        let built = self.program(SOURCE, &plan.options(lanes))?;
        let kernel = kernel(&built.program, "search", 5)?;
        let queue = self.queue()?;
        let midstate = input_buffer(&self.context, &plan.midstate)?;
        let tail = input_buffer(&self.context, &plan.tail)?;
        set_buffer(&kernel, 0, &midstate)?;
        set_buffer(&kernel, 1, &tail)?;
        set_scalar(&kernel, 3, &Scalar::U32(difficulty))?;
        let units = u64::from(self.device().compute_units.clamp(1, 1024));
        let batch = (self.config().hash_batch)
            .unwrap_or(BATCH_PER_UNIT * units)
            .clamp(1, MAX_BATCH);
        // u128: the range may end exactly at 2^64.
        let end = (u128::from(start) + u128::from(max_nonces)).min(1 << 64);
        let mut base = u128::from(start);
        while base < end {
            let count = (end - base).min(u128::from(batch)) as u64;
            let found = output_buffer(&queue, 4)?;
            set_scalar(&kernel, 2, &Scalar::U64(Uint64::new(base as u64)))?;
            set_buffer(&kernel, 4, &found)?;
            let work_items = count.div_ceil(u64::from(lanes)) as usize;
            enqueue(&queue, &kernel, &[work_items], None)?;
            let mut hit = [0u8; 4];
            found.read(&mut hit[..]).queue(&queue).enq()?;
            // The last work-item's lanes may run past the batch (and wrap past 2^64).
            let index = u64::from(!u32::from_ne_bytes(hit));
            if index < count {
                let nonce = base as u64 + index;
                if !hash_search::verify(prefix, difficulty, nonce) {
                    return Err(ExecError::Runtime(format!(
                        "the device reported nonce {nonce}, which does not answer the search"
                    )));
                }
                return Ok(Some(nonce));
            }
            base += u128::from(count);
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the kernel computes, on the host: the plan with the nonce inserted, compressed
    /// from the midstate.
    fn hash_from_plan(plan: &Plan, nonce: u64) -> [u8; 32] {
        let mut tail = plan.tail.clone();
        tail[plan.nonce_offset..plan.nonce_offset + NONCE_LEN]
            .copy_from_slice(&nonce.to_be_bytes());
        let mut state = [0u32; 8];
        for (word, bytes) in state.iter_mut().zip(plan.midstate.chunks_exact(4)) {
            *word = u32::from_be_bytes(bytes.try_into().unwrap());
        }
        let blocks: Vec<_> = tail
            .chunks_exact(BLOCK)
            .map(GenericArray::clone_from_slice)
            .collect();
        sha2::compress256(&mut state, &blocks);
        let mut hash = [0u8; 32];
        for (bytes, word) in hash.chunks_exact_mut(4).zip(state) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        hash
    }

    #[test]
    fn the_plan_hashes_like_the_protocol_for_every_prefix_length() {
        for len in 1..=MAX_PREFIX_LEN {
            let prefix: Vec<u8> = (0..len as u8).map(|b| b.wrapping_mul(37)).collect();
            let plan = Plan::new(&prefix);
            for nonce in [0, 1, 267_778, u64::MAX] {
                assert_eq!(
                    hash_from_plan(&plan, nonce),
                    hash_search::hash(&prefix, nonce),
                    "prefix of {len} bytes, nonce {nonce}"
                );
            }
        }
    }

    #[test]
    fn lanes_are_a_width_the_kernel_has() {
        let widths: Vec<u32> = [0, 1, 2, 3, 4, 8, 12, 16, 32].map(lanes).to_vec();
        assert_eq!(widths, vec![1, 1, 2, 2, 4, 8, 8, 16, 16]);
    }

    #[test]
    fn the_plan_has_one_or_two_blocks() {
        // 55 bytes of message fit one block with the padding; 56 need two.
        let options = |len| Plan::new(&vec![1; len]).options(1);
        assert_eq!(
            options(47),
            "-D TAIL_BLOCKS=1 -D NONCE_OFFSET=47 -D LANES=1"
        );
        assert_eq!(
            options(48),
            "-D TAIL_BLOCKS=2 -D NONCE_OFFSET=48 -D LANES=1"
        );
        // A 64-byte prefix is a full block: the midstate holds it.
        let full = Plan::new(&[1; 64]);
        assert_eq!(options(64), "-D TAIL_BLOCKS=1 -D NONCE_OFFSET=0 -D LANES=1");
        assert_ne!(full.midstate, Plan::new(&[1; 63]).midstate);
    }
}
