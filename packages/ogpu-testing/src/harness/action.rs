//! What the harness can do: every message of the suite, sent by honest, lazy and
//! malicious actors, and the passing of time. Participants, tasks and commitments are
//! indices that wrap around what exists (tasks and commitments newest first), so every
//! generated (and every shrunk) sequence is meaningful.

use cosmwasm_std::Uint128;
use ogpu_types::hash_search::{MAX_DIFFICULTY, MIN_DIFFICULTY};
use ogpu_types::{CompetitionModel, DisputeTerms, TaskSpec};

use crate::fixtures;
use crate::harness::world::MAX_COMMITMENTS;
use crate::suite::MIN_REWARD;

/// A participant by role; indices wrap around the suite's accounts.
#[derive(Clone, Copy, Debug)]
pub enum Actor {
    /// The client of the task the action concerns (the stranger when there is none).
    TaskClient,
    Client(u8),
    Provider(u8),
    Stranger,
    Owner,
}

/// Someone without privileges: never the registry, never the owner.
#[derive(Clone, Copy, Debug)]
pub enum Intruder {
    Client(u8),
    Provider(u8),
    Stranger,
}

/// The competition model of a published task, with the harness's short windows (a few
/// 5-second blocks each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Competition {
    FirstResponse,
    ManualConfirmation,
    SealedBidAuction,
    /// Out-of-range values (a quorum above the replicas or not a strict majority, more
    /// replicas than the cap) are meant to be rejected.
    Consensus {
        replicas: u32,
        quorum: u32,
    },
}

impl Competition {
    pub fn is_manual(self) -> bool {
        matches!(self, Competition::ManualConfirmation)
    }

    pub fn is_auction(self) -> bool {
        matches!(self, Competition::SealedBidAuction)
    }

    /// The replica slots of a Consensus task.
    pub fn replicas(self) -> Option<u32> {
        match self {
            Competition::Consensus { replicas, .. } => Some(replicas),
            _ => None,
        }
    }

    pub fn model(self) -> CompetitionModel {
        match self {
            Competition::FirstResponse => CompetitionModel::FirstResponse {
                commit_window: 60,
                reveal_window: 30,
            },
            Competition::ManualConfirmation => CompetitionModel::ManualConfirmation {
                commit_window: 60,
                reveal_window: 30,
                confirm_window: 30,
                delivery_window: 30,
            },
            Competition::SealedBidAuction => CompetitionModel::SealedBidAuction {
                bid_window: 60,
                reveal_window: 30,
                delivery_window: 30,
            },
            Competition::Consensus { replicas, quorum } => CompetitionModel::Consensus {
                replicas,
                quorum,
                commit_window: 60,
                reveal_window: 30,
            },
        }
    }
}

/// The asset a task's reward is paid in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RewardAsset {
    /// The suite's native reward denom.
    Native,
    /// The suite's cw20 token.
    Cw20,
    /// The bond denom, as on the devnet (a dispute then refunds the client out of the
    /// overturned winner's collateral, up to the price it paid).
    Bond,
}

/// What a client publishes. Out-of-range values (a reward below the minimum, a hash
/// search of difficulty 0 or 65) are meant to be rejected.
#[derive(Clone, Debug)]
pub struct TaskTemplate {
    pub competition: Competition,
    pub asset: RewardAsset,
    pub reward: u128,
    pub collateral: u128,
    /// A hash search of this difficulty instead of an OpenCL job.
    pub hash_search: Option<u32>,
    /// With dispute terms (valid on First Response and Manual Confirmation OpenCL tasks
    /// only): a 60-second window, 3 replicas, quorum 2, a bond equal to the reward.
    pub dispute: bool,
}

/// What a committing provider puts in its sealed result.
#[derive(Clone, Copy, Debug)]
pub enum Answer {
    /// A correct result (for a hash search: a nonce that meets the difficulty).
    Valid,
    /// A hash-search nonce that does not meet the difficulty; for OpenCL, a wrong result
    /// of the provider's own (no two agree).
    Invalid,
    /// The Sybils' answer: for OpenCL, one wrong result every colluding account shares, so
    /// that together they can reach a round's quorum against the correct one (a hash
    /// search verifies answers, so there it is an invalid nonce).
    Collude,
}

/// How a reveal departs from the committer opening its own commitment honestly.
#[derive(Clone, Copy, Debug)]
pub enum Tamper {
    None,
    Salt,
    Result,
    /// Manual Confirmation: one more than the committed price; First Response: a price
    /// where none is allowed.
    Price,
    /// This provider, not the committer, reveals the commitment's secrets (a copied
    /// result).
    Impostor(u8),
}

/// A call only the registry (or the owner) may make.
#[derive(Clone, Copy, Debug)]
pub enum Forged {
    /// Staking's report of a provider's stake, claiming far more than it bonded (the
    /// registry would let it lock collateral it does not have).
    SyncProvider,
    Slash,
    UpdateStakingConfig,
    /// A release of an open task's escrow to the intruder.
    Release,
    /// A refund of an open task's escrow to the intruder, as its payer.
    Refund,
    /// A cw20 receive hook to settlement that no token sent, claiming the registry as
    /// its sender (settlement once escrowed on such a hook).
    SettlementHook,
    UpdateSettlementConfig,
    UpdateRegistryConfig,
    Pause,
    TransferOwnership,
    MigrateChild,
    /// A cw20 receive hook to the registry that no token sent, publishing a task.
    RegistryHook,
}

/// One step of a sequence.
#[derive(Clone, Debug)]
pub enum Action {
    Publish {
        client: u8,
        template: TaskTemplate,
    },
    Commit {
        provider: u8,
        task: u8,
        answer: Answer,
        /// Manual Confirmation: the offer, in percent of the reward (above 100 is refused
        /// at reveal).
        price_pct: u8,
    },
    /// Commits the exact commitment bytes of `victim` (it can never be opened).
    CopyCommitment {
        provider: u8,
        task: u8,
        victim: u8,
    },
    /// Opens one of the commitments made so far.
    Reveal {
        commitment: u8,
        tamper: Tamper,
    },
    /// A diligent provider opens one of the commitments that can be opened now (the
    /// `commitment`-th, newest first, wrapping); nothing happens when none can.
    RevealDue {
        commitment: u8,
    },
    /// Opens one of the commitments made so far as an auction bid.
    RevealBid {
        commitment: u8,
        tamper: Tamper,
    },
    /// A diligent bidder opens one of the bids that can be opened now (wrapping), as
    /// early as the rules let it.
    RevealBidDue {
        commitment: u8,
    },
    /// On one of the awarded tasks (wrapping): the chosen provider, or `impostor`,
    /// delivers a result (the one it revealed the digest of, or in an auction the one it
    /// computes now).
    Deliver {
        task: u8,
        impostor: Option<u8>,
        answer: Answer,
    },
    /// Disputes one of the tasks, posting the terms' bond (or one more).
    Dispute {
        sender: Actor,
        task: u8,
        exact_bond: bool,
    },
    /// Closes the dispute window of one of the tasks.
    CloseDispute {
        sender: Actor,
        task: u8,
    },
    /// Accepts the response of one of the commitments made so far.
    Confirm {
        sender: Actor,
        commitment: u8,
    },
    /// A diligent client confirms one of the offers it may confirm now (wrapping);
    /// nothing happens when there is none.
    ConfirmDue {
        offer: u8,
    },
    Cancel {
        sender: Actor,
        task: u8,
    },
    Finalize {
        sender: Actor,
        task: u8,
    },
    Register {
        provider: u8,
        stake: u128,
    },
    Bond {
        provider: u8,
        amount: u128,
    },
    Unbond {
        provider: u8,
        amount: u128,
    },
    Claim {
        provider: u8,
    },
    Deregister {
        provider: u8,
    },
    /// The owner's pause switch.
    SetPaused {
        paused: bool,
    },
    Forge {
        intruder: Intruder,
        call: Forged,
        task: u8,
    },
    /// One block later, `seconds` later.
    Wait {
        seconds: u64,
    },
}

impl TaskTemplate {
    /// The spec a client publishes for this template.
    pub fn spec(&self) -> TaskSpec {
        let model = self.competition.model();
        let spec = match self.hash_search {
            Some(difficulty) => fixtures::hash_search(model, difficulty),
            None => fixtures::spec(model),
        };
        let dispute = self.dispute.then_some(DisputeTerms {
            window: 60,
            replicas: 3,
            quorum: 2,
            bond: Uint128::new(self.reward),
        });
        TaskSpec {
            collateral: Uint128::new(self.collateral),
            dispute,
            ..spec
        }
    }

    /// Whether the registry should accept it (reward, hash-search and replication
    /// bounds; the harness never generates other invalid specs).
    pub fn is_valid(&self) -> bool {
        let difficulty = MIN_DIFFICULTY..=MAX_DIFFICULTY;
        let replication = match self.competition {
            Competition::Consensus { replicas, quorum } => {
                2 * quorum > replicas && quorum <= replicas && replicas <= MAX_COMMITMENTS
            }
            _ => true,
        };
        let disputable = self.hash_search.is_none()
            && matches!(
                self.competition,
                Competition::FirstResponse | Competition::ManualConfirmation
            );
        self.reward >= MIN_REWARD
            && self.hash_search.is_none_or(|d| difficulty.contains(&d))
            && replication
            && (!self.dispute || disputable)
    }
}
