//! The OpenCL hash search against `ogpu_types::hash_search`: the same first answer as the
//! CPU search, every answer verified, over every prefix shape (one or two tail blocks, a
//! midstate) and across batch boundaries.

mod common;

use ogpu_provider::{ExecError, Executor, ExecutorConfig};
use ogpu_types::hash_search::{search, verify};

const OGPU: &[u8] = b"ogpu";

fn executor(batch: Option<u64>) -> Option<Executor> {
    common::executor(ExecutorConfig {
        hash_batch: batch,
        ..ExecutorConfig::default()
    })
}

/// The device finds what the CPU finds, and it verifies.
fn agrees(executor: &Executor, prefix: &[u8], difficulty: u32, start: u64, count: u64) {
    let found = executor
        .hash_search(prefix, difficulty, start, count)
        .unwrap();
    assert_eq!(
        found,
        search(prefix, difficulty, start..start + count),
        "prefix of {} bytes, difficulty {difficulty}, from {start}",
        prefix.len()
    );
    if let Some(nonce) = found {
        assert!(verify(prefix, difficulty, nonce));
    }
}

#[test]
fn finds_the_cpu_searchs_first_answer() {
    let Some(executor) = executor(None) else {
        return;
    };
    assert_eq!(executor.hash_search(OGPU, 8, 0, 1_000).unwrap(), Some(291));
    assert_eq!(
        executor.hash_search(OGPU, 16, 0, 1 << 20).unwrap(),
        Some(33_576)
    );
    assert_eq!(executor.hash_search(OGPU, 16, 0, 33_576).unwrap(), None);
    agrees(&executor, OGPU, 12, 4_337, 20_000);
}

#[test]
fn every_prefix_shape_agrees_with_the_cpu() {
    let Some(executor) = executor(None) else {
        return;
    };
    // 47: one tail block, the last such prefix; 48: two blocks; 56: the nonce ends the
    // first block exactly; 63: the nonce straddles the blocks; 64: a midstate, one block.
    for len in [47, 48, 56, 63, 64] {
        let prefix: Vec<u8> = (0..len as u8).map(|b| b.wrapping_mul(89) ^ 0x5a).collect();
        agrees(&executor, &prefix, 10, 0, 20_000);
    }
    // High nonce bytes are set too.
    agrees(&executor, OGPU, 8, u64::MAX - 5_000, 5_000);
}

#[test]
fn batches_find_the_first_answer_and_stop_at_the_end_of_the_range() {
    let Some(executor) = executor(Some(64)) else {
        return;
    };
    assert_eq!(executor.hash_search(OGPU, 8, 0, 1_000).unwrap(), Some(291));
    assert_eq!(executor.hash_search(OGPU, 8, 0, 291).unwrap(), None);
    agrees(&executor, OGPU, 8, 292, 3_000);
    // The range ends at 2^64: the last nonce is searched, nothing past it.
    assert_eq!(
        executor.hash_search(OGPU, 1, u64::MAX, u64::MAX).unwrap(),
        verify(OGPU, 1, u64::MAX).then_some(u64::MAX)
    );
}

#[test]
fn bad_searches_are_refused() {
    let Some(executor) = executor(None) else {
        return;
    };
    for (prefix, difficulty) in [(&[][..], 8), (&[0u8; 65][..], 8), (OGPU, 0), (OGPU, 65)] {
        assert!(matches!(
            executor.hash_search(prefix, difficulty, 0, 10),
            Err(ExecError::InvalidJob(_))
        ));
    }
}
