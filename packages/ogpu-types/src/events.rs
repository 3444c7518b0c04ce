//! Stable event types and attribute names. wasmd prefixes a contract's custom event type
//! with `wasm-`, so `ogpu_task_published` is seen on chain as `wasm-ogpu_task_published`;
//! the provider daemon subscribes to these.

/// A task was published and its reward escrowed.
pub const TASK_PUBLISHED: &str = "ogpu_task_published";
/// A provider posted a result commitment (collateral locked).
pub const TASK_COMMITTED: &str = "ogpu_task_committed";
/// A provider opened its commitment.
pub const TASK_REVEALED: &str = "ogpu_task_revealed";
/// A result was accepted and paid.
pub const TASK_COMPLETED: &str = "ogpu_task_completed";
/// The task's deadlines passed without an accepted result; the client was refunded.
pub const TASK_EXPIRED: &str = "ogpu_task_expired";
/// The client withdrew the task before any commitment; full refund.
pub const TASK_CANCELLED: &str = "ogpu_task_cancelled";
/// Sealed-bid auction: a provider opened its bid.
pub const BID_REVEALED: &str = "ogpu_bid_revealed";
/// A provider was chosen to deliver (a confirmed offer, an auction's winner, a Consensus
/// round's designated replica, or the next one after a missed delivery); `price` is what
/// delivery pays it, `delivery_deadline` its deadline.
pub const TASK_AWARDED: &str = "ogpu_task_awarded";
/// The chosen provider delivered its result (sealed to the client when the task names a
/// result key); the task completes in the same transaction.
pub const TASK_DELIVERED: &str = "ogpu_task_delivered";
/// Consensus: the revealed digests reached no quorum; the client was refunded.
pub const TASK_FAILED: &str = "ogpu_task_failed";
/// The client disputed a completed task; `round` is the Consensus task that re-runs it.
pub const TASK_DISPUTED: &str = "ogpu_task_disputed";
/// A dispute ended; `status` is `upheld` (the result stands) or `overturned`.
pub const DISPUTE_RESOLVED: &str = "ogpu_dispute_resolved";
/// A provider registered with the staking contract.
pub const PROVIDER_REGISTERED: &str = "ogpu_provider_registered";
/// Part of a provider's collateral was slashed.
pub const PROVIDER_SLASHED: &str = "ogpu_provider_slashed";
/// Collateral was locked for a task.
pub const COLLATERAL_LOCKED: &str = "ogpu_collateral_locked";
/// Collateral was unlocked after a task settled.
pub const COLLATERAL_RELEASED: &str = "ogpu_collateral_released";
/// A provider moved stake into the unbonding queue.
pub const PROVIDER_UNBONDED: &str = "ogpu_provider_unbonded";
/// Escrowed funds were paid to a provider (one event per recipient).
pub const PAYOUT: &str = "ogpu_payout";
/// Escrowed funds went back to the payer.
pub const REFUND: &str = "ogpu_refund";

/// Attribute names used by the events above.
pub mod attr {
    pub const ACTION: &str = "action";
    pub const TASK_ID: &str = "task_id";
    pub const CLIENT: &str = "client";
    pub const PROVIDER: &str = "provider";
    pub const MODEL: &str = "model";
    /// The task kind: `opencl` or `hash_search` (`ogpu_types::Job::kind`).
    pub const KIND: &str = "kind";
    pub const REWARD: &str = "reward";
    pub const COLLATERAL: &str = "collateral";
    pub const COMMITMENT: &str = "commitment";
    pub const DIGEST: &str = "digest";
    pub const PRICE: &str = "price";
    pub const AMOUNT: &str = "amount";
    pub const FEE: &str = "fee";
    pub const RECIPIENT: &str = "recipient";
    pub const STATUS: &str = "status";
    pub const REASON: &str = "reason";
    pub const TO_CLIENT: &str = "to_client";
    pub const TO_TREASURY: &str = "to_treasury";
    pub const RELEASE_AT: &str = "release_at";
    pub const COMMIT_DEADLINE: &str = "commit_deadline";
    pub const REVEAL_DEADLINE: &str = "reveal_deadline";
    /// First Response: a commitment queued behind another opens only after this moment
    /// (absent for the first in the queue).
    pub const REVEAL_OPENS: &str = "reveal_opens";
    /// An awarded task: the chosen provider's delivery deadline.
    pub const DELIVERY_DEADLINE: &str = "delivery_deadline";
    /// The Consensus task that re-runs a disputed one.
    pub const ROUND: &str = "round";
    /// Consensus: how many revealed digests agreed with the accepted one.
    pub const AGREEING: &str = "agreeing";
}
