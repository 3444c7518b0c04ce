//! What is checked about a task before anything runs for it, so that nothing is sent
//! that would fail: whether this provider could deliver its result at all (size against
//! the inline limit and the blob store, a search within `max_hash_nonces`), whether another
//! provider is ahead in a First Response race (its commitment lands first and is revealed
//! in the next block: committing now only pays for a commitment that cannot win), and
//! what the chain says of a commitment by this provider now — a simulation that runs
//! every rule the contracts apply (registration, jail, stake, allow-list, requirements,
//! self-dealing, a dispute's excluded winner, a full task) and gives the commitment's gas.

use std::sync::Arc;

use cosmwasm_std::HexBinary;
use ogpu_client::{Client, ClientError, Registry, Signer, SEALED_OVERHEAD};
use ogpu_types::registry::{ExecuteMsg, TaskDetails, TaskLimits};
use ogpu_types::{CompetitionModel, Job, KernelArg, ResponseStatus, TaskResponseRecord};
use tokio::sync::Mutex;

use super::chain::Tip;
use super::decline::{Decline, Reason, Retry};

/// Simulates messages as the provider, beside the signer (whose queue may be waiting for
/// a block): a clone of the provider's signer, its sequence read afresh every time.
pub struct DryRun {
    client: Arc<Client>,
    signer: Mutex<Signer>,
    registry: String,
}

impl DryRun {
    pub fn new(client: Arc<Client>, signer: Signer, registry: String) -> Self {
        Self {
            client,
            signer: Mutex::new(signer),
            registry,
        }
    }

    /// The gas a commitment to `task_id` would use now; the chain's refusal as a decline;
    /// an unreachable node as an error.
    pub async fn commit(&self, task_id: u64) -> Result<Result<u64, Decline>, ClientError> {
        let mut signer = self.signer.lock().await;
        signer.forget();
        let msg = ExecuteMsg::Commit {
            task_id,
            commitment: HexBinary::from([0u8; 32]),
        };
        let any = Registry::new(&self.registry).execute(signer.address(), &msg, vec![])?;
        match self.client.simulate(&mut signer, &[any]).await {
            Ok(gas) => Ok(Ok(gas)),
            Err(ClientError::Query { log, .. }) => Ok(Err(Decline::refused(&log))),
            Err(err) => Err(err),
        }
    }
}

/// How many bytes the result of `details` posts: its output buffers, sealed when the
/// task names a result key; a search's 8-byte nonce.
pub fn result_bytes(details: &TaskDetails) -> u64 {
    match &details.spec.job {
        Job::OpenCl(job) => {
            let outputs: u64 = job
                .args
                .iter()
                .map(|arg| match arg {
                    KernelArg::Output { size } => size.u64(),
                    _ => 0,
                })
                .sum();
            let sealed = details
                .spec
                .result_key
                .as_ref()
                .map_or(0, |_| SEALED_OVERHEAD as u64);
            outputs + sealed
        }
        Job::HashSearch(_) => 8,
    }
}

/// How many bytes of result the messages of `details` carry: the result itself when it
/// fits inline, else a reference to the blob store (its URI, digest and size).
pub fn posted_bytes(details: &TaskDetails, limits: &TaskLimits) -> u64 {
    /// A `Payload::Reference` in JSON: a URI of about a hundred bytes, a hex digest.
    const REFERENCE: u64 = 200;
    let size = result_bytes(details);
    if size > u64::from(limits.max_inline_result_bytes) {
        REFERENCE
    } else {
        size
    }
}

/// Whether this provider could deliver a result for `details`: one above the inline limit
/// needs a blob store; a hash search expected to need more than `max_hash_nonces` would
/// most likely end without an answer.
pub fn deliverable(
    details: &TaskDetails,
    limits: &TaskLimits,
    has_blobs: bool,
    max_hash_nonces: u64,
) -> Result<(), Decline> {
    let undeliverable = |why: String| Err(Decline::new(Reason::Undeliverable, why));
    match &details.spec.job {
        Job::OpenCl(_) => {
            let size = result_bytes(details);
            let inline = u64::from(limits.max_inline_result_bytes);
            if size > inline && !has_blobs {
                return undeliverable(format!(
                    "its result ({size} bytes) is above the inline limit ({inline}) and no [blobs] store is configured"
                ));
            }
        }
        Job::HashSearch(search) => {
            let expected = 1u128 << search.difficulty.min(127);
            if expected > u128::from(max_hash_nonces) {
                return undeliverable(format!(
                    "a search of difficulty {} expects 2^{} hashes, more than strategy.max_hash_nonces ({max_hash_nonces})",
                    search.difficulty, search.difficulty
                ));
            }
        }
    }
    Ok(())
}

/// First Response: another provider's commitment still inside its reveal window will be
/// revealed before anything committed now, and wins. Looked at again at the next sweep
/// (it may let its window pass).
pub fn ahead_of_me(
    model: &CompetitionModel,
    responses: &[TaskResponseRecord],
    me: &str,
    tip: Tip,
) -> Result<(), Decline> {
    if !matches!(model, CompetitionModel::FirstResponse { .. }) {
        return Ok(());
    }
    let ahead = responses.iter().find(|r| {
        r.provider.as_str() != me
            && r.status == ResponseStatus::Committed
            && tip.time <= r.reveal_deadline
    });
    match ahead {
        Some(r) => Err(Decline::new(
            Reason::Competition,
            format!(
                "{} committed first (block {}) and will reveal before us",
                r.provider, r.committed_height
            ),
        )
        .retry(Retry::NextSweep)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{Addr, Timestamp, Uint64};
    use ogpu_testing::fixtures;
    use ogpu_types::registry::TaskDetails;

    fn details(job: Job, model: CompetitionModel) -> TaskDetails {
        let mut details = crate::daemon::testing::open_task(model, 50_000);
        details.spec.job = job;
        details
    }

    #[test]
    fn large_results_need_a_blob_store_and_searches_a_bound() {
        let limits = fixtures::limits();
        let mut job = fixtures::job();
        job.args[1] = KernelArg::Output {
            size: Uint64::new(u64::from(limits.max_inline_result_bytes)),
        };
        let mut big = details(Job::OpenCl(job), fixtures::first_response());
        assert!(deliverable(&big, &limits, false, 1).is_ok(), "public: fits");
        big.spec.result_key = Some(HexBinary::from([1u8; 32]));
        let err = deliverable(&big, &limits, false, 1).unwrap_err();
        assert_eq!(err.reason, Reason::Undeliverable);
        assert!(err.why.contains("no [blobs] store"), "{err}");
        assert!(deliverable(&big, &limits, true, 1).is_ok());
        let search = fixtures::hash_search(fixtures::first_response(), 20);
        let search = details(search.job, fixtures::first_response());
        assert!(deliverable(&search, &limits, false, 1 << 20).is_ok());
        let err = deliverable(&search, &limits, false, 1 << 19).unwrap_err();
        assert!(err.why.contains("2^20"), "{err}");
    }

    #[test]
    fn a_first_response_commitment_in_its_window_is_ahead() {
        let d = details(Job::OpenCl(fixtures::job()), fixtures::first_response());
        let other = TaskResponseRecord {
            task_id: 1,
            provider: Addr::unchecked("other"),
            commitment: HexBinary::from([0u8; 32]),
            committed_height: 7,
            committed_at: Timestamp::from_seconds(5),
            reveal_opens: None,
            reveal_deadline: Timestamp::from_seconds(60),
            status: ResponseStatus::Committed,
            digest: None,
            price: None,
            revealed_height: None,
            result: None,
        };
        let tip = |s| Tip {
            height: 8,
            time: Timestamp::from_seconds(s),
        };
        let err =
            ahead_of_me(&d.task.model, std::slice::from_ref(&other), "me", tip(10)).unwrap_err();
        assert_eq!(
            (err.reason, err.retry),
            (Reason::Competition, Retry::NextSweep)
        );
        assert!(ahead_of_me(&d.task.model, std::slice::from_ref(&other), "me", tip(61)).is_ok());
        assert!(ahead_of_me(
            &d.task.model,
            std::slice::from_ref(&other),
            "other",
            tip(10)
        )
        .is_ok());
        let mc = details(
            Job::OpenCl(fixtures::job()),
            fixtures::manual_confirmation(),
        );
        assert!(ahead_of_me(&mc.task.model, &[other], "me", tip(10)).is_ok());
    }
}
