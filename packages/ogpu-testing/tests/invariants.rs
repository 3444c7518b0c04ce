//! Invariants under random sequences of every message, from honest, lazy and malicious
//! actors (see `ogpu_testing::harness`). `cargo test` runs 256 cases; for more:
//!
//!     PROPTEST_CASES=10000 cargo test --release -p ogpu-testing --test invariants
//!
//! (docs/invariants.md records the last long run). A failing sequence is shrunk to a
//! minimal one; each one found so far is kept below as a regular test.

use ogpu_testing::harness::{
    Action, Actor, Answer, Competition, Forged, Intruder, RewardAsset, Tamper, TaskTemplate, World,
    UNBONDING_PERIOD,
};
use ogpu_testing::MIN_REWARD;
use proptest::collection::vec;
use proptest::prelude::*;

/// Index ranges: as many clients and committers as the harness's suite (four providers
/// and the client-as-provider; the staking actions wrap over the four).
const CLIENTS: u8 = 2;
const PROVIDERS: u8 = 5;

fn index(max: u8) -> impl Strategy<Value = u8> {
    0..max
}

/// A task or commitment, newest first: mostly one of the last few, which are still live.
fn recent() -> impl Strategy<Value = u8> {
    prop_oneof![3 => 0..2u8, 1 => 0..8u8]
}

fn actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        3 => Just(Actor::TaskClient),
        1 => index(CLIENTS).prop_map(Actor::Client),
        1 => index(PROVIDERS).prop_map(Actor::Provider),
        1 => Just(Actor::Stranger),
        1 => Just(Actor::Owner),
    ]
}

fn intruder() -> impl Strategy<Value = Intruder> {
    prop_oneof![
        index(CLIENTS).prop_map(Intruder::Client),
        index(PROVIDERS).prop_map(Intruder::Provider),
        Just(Intruder::Stranger),
    ]
}

/// Mostly valid tasks of every model and every asset; now and then a reward below the
/// minimum, a hash search outside its bounds, or a quorum that is no strict majority or
/// above the replicas.
fn template() -> impl Strategy<Value = TaskTemplate> {
    let majority = (1..=3u32, 0..=1u32).prop_map(|(replicas, extra)| Competition::Consensus {
        replicas,
        quorum: (replicas / 2 + 1 + extra).min(replicas),
    });
    let any_quorum = (1..=4u32, 0..=5u32)
        .prop_map(|(replicas, quorum)| Competition::Consensus { replicas, quorum });
    let competition = prop_oneof![
        2 => Just(Competition::FirstResponse),
        2 => Just(Competition::ManualConfirmation),
        2 => Just(Competition::SealedBidAuction),
        2 => majority,
        1 => any_quorum,
    ];
    let asset = prop_oneof![
        Just(RewardAsset::Native),
        Just(RewardAsset::Cw20),
        Just(RewardAsset::Bond),
    ];
    let reward = prop_oneof![9 => MIN_REWARD..20_000, 1 => 1..MIN_REWARD];
    let hash_search = prop_oneof![
        3 => Just(None),
        3 => (1..=8u32).prop_map(Some),
        1 => prop_oneof![Just(Some(0)), Just(Some(65))],
    ];
    (
        competition,
        asset,
        reward,
        100..3_000u128,
        hash_search,
        prop_oneof![2 => Just(false), 1 => Just(true)],
    )
        .prop_map(
            |(competition, asset, reward, collateral, hash_search, dispute)| TaskTemplate {
                competition,
                asset,
                reward,
                collateral,
                hash_search,
                dispute,
            },
        )
}

/// Mostly right; now and then wrong, or the Sybils' shared wrong answer.
fn answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        6 => Just(Answer::Valid),
        1 => Just(Answer::Invalid),
        2 => Just(Answer::Collude),
    ]
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        8 => Just(Tamper::None),
        1 => Just(Tamper::Salt),
        1 => Just(Tamper::Result),
        1 => Just(Tamper::Price),
        1 => index(PROVIDERS).prop_map(Tamper::Impostor),
    ]
}

fn forged() -> impl Strategy<Value = Forged> {
    prop_oneof![
        Just(Forged::SyncProvider),
        Just(Forged::Slash),
        Just(Forged::UpdateStakingConfig),
        Just(Forged::Release),
        Just(Forged::Refund),
        Just(Forged::SettlementHook),
        Just(Forged::UpdateSettlementConfig),
        Just(Forged::UpdateRegistryConfig),
        Just(Forged::Pause),
        Just(Forged::TransferOwnership),
        Just(Forged::MigrateChild),
        Just(Forged::RegistryHook),
    ]
}

/// Mostly one block; sometimes to a window's edge (30 and 60 seconds) or just past it,
/// or past the unbonding period.
fn wait() -> impl Strategy<Value = u64> {
    prop_oneof![
        8 => Just(5u64),
        3 => 1..60u64,
        2 => prop_oneof![Just(30u64), Just(31), Just(60), Just(61)],
        1 => Just(UNBONDING_PERIOD + 1),
    ]
}

fn publish() -> impl Strategy<Value = Action> {
    (index(CLIENTS), template()).prop_map(|(client, template)| Action::Publish { client, template })
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => publish(),
        6 => (index(PROVIDERS), recent(), answer(), 0..=110u8).prop_map(|(provider, task, answer, price_pct)| {
            Action::Commit { provider, task, answer, price_pct }
        }),
        1 => (index(PROVIDERS), recent(), index(PROVIDERS)).prop_map(|(provider, task, victim)| {
            Action::CopyCommitment { provider, task, victim }
        }),
        6 => (recent(), tamper()).prop_map(|(commitment, tamper)| {
            Action::Reveal { commitment, tamper }
        }),
        4 => recent().prop_map(|commitment| Action::RevealDue { commitment }),
        2 => recent().prop_map(|offer| Action::ConfirmDue { offer }),
        2 => (recent(), tamper()).prop_map(|(commitment, tamper)| {
            Action::RevealBid { commitment, tamper }
        }),
        5 => recent().prop_map(|commitment| Action::RevealBidDue { commitment }),
        6 => (recent(), prop_oneof![6 => Just(None), 1 => index(PROVIDERS).prop_map(Some)], answer())
            .prop_map(|(task, impostor, answer)| Action::Deliver { task, impostor, answer }),
        2 => (actor(), recent()).prop_map(|(sender, commitment)| {
            Action::Confirm { sender, commitment }
        }),
        1 => (actor(), recent()).prop_map(|(sender, task)| Action::Cancel { sender, task }),
        2 => (actor(), recent()).prop_map(|(sender, task)| Action::Finalize { sender, task }),
        3 => (actor(), recent(), prop_oneof![5 => Just(true), 1 => Just(false)]).prop_map(
            |(sender, task, exact_bond)| Action::Dispute { sender, task, exact_bond }
        ),
        1 => (actor(), recent()).prop_map(|(sender, task)| Action::CloseDispute { sender, task }),
        1 => (index(PROVIDERS), 0..15_000u128).prop_map(|(provider, stake)| Action::Register { provider, stake }),
        1 => (index(PROVIDERS), 1..5_000u128).prop_map(|(provider, amount)| Action::Bond { provider, amount }),
        1 => (index(PROVIDERS), 0..8_000u128).prop_map(|(provider, amount)| Action::Unbond { provider, amount }),
        1 => index(PROVIDERS).prop_map(|provider| Action::Claim { provider }),
        1 => index(PROVIDERS).prop_map(|provider| Action::Deregister { provider }),
        1 => prop_oneof![1 => Just(true), 3 => Just(false)].prop_map(|paused| Action::SetPaused { paused }),
        2 => (intruder(), forged(), recent()).prop_map(|(intruder, call, task)| {
            Action::Forge { intruder, call, task }
        }),
        12 => wait().prop_map(|seconds| Action::Wait { seconds }),
    ]
}

proptest! {
    // `ProptestConfig::default()` reads PROPTEST_CASES (256 when unset). Shrunk failures
    // become regular tests below, so proptest keeps no regressions file.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn invariants_hold_under_random_sequences(
        first in vec(publish(), 1..=3),
        then in vec(action(), 0..48),
    ) {
        World::run(&[first, then].concat());
    }
}

// Shrunk failing cases, kept as regular tests.

/// Settlement used to escrow on a cw20 receive hook whose sender field named the
/// registry, without knowing whether any token had been sent: anyone could record a
/// phantom escrow for the next task id and so block every publish after it.
#[test]
fn a_forged_cw20_hook_escrows_nothing() {
    World::run(&[Action::Forge {
        intruder: Intruder::Client(0),
        call: Forged::SettlementHook,
        task: 0,
    }]);
}

/// The task every shrunk case below starts from.
fn smallest_task() -> Action {
    Action::Publish {
        client: 0,
        template: TaskTemplate {
            competition: Competition::FirstResponse,
            asset: RewardAsset::Native,
            reward: 100,
            collateral: 100,
            hash_search: None,
            dispute: false,
        },
    }
}

/// Model bugs, not contract ones, both found by the 10 000-case run: a copy of a copy can
/// be the copier's own commitment, and then revealing it is honest and must (and does)
/// succeed. The model now records whom each secret was sealed for.
#[test]
fn revealing_ones_own_commitment_through_a_copy_is_honest() {
    World::run(&[
        smallest_task(),
        Action::CopyCommitment {
            provider: 0,
            task: 0,
            victim: 2,
        },
        Action::Commit {
            provider: 2,
            task: 0,
            answer: Answer::Valid,
            price_pct: 0,
        },
        Action::Wait { seconds: 5 },
        Action::Reveal {
            commitment: 1,
            tamper: Tamper::Impostor(2),
        },
    ]);
}

#[test]
fn a_copy_of_ones_own_commitment_is_ones_own() {
    World::run(&[
        smallest_task(),
        Action::CopyCommitment {
            provider: 1,
            task: 0,
            victim: 2,
        },
        Action::CopyCommitment {
            provider: 2,
            task: 0,
            victim: 1,
        },
        Action::Wait { seconds: 5 },
        Action::Reveal {
            commitment: 0,
            tamper: Tamper::None,
        },
    ]);
}

/// Runs `actions` on a fresh world (checking every invariant) and returns the first
/// task's terminal status.
fn first_task_ends(actions: &[Action]) -> ogpu_types::TaskStatus {
    let world = finished(actions);
    let terminal = world.model.tasks[0].terminal.as_ref().expect("ended");
    terminal.task.status
}

/// Runs `actions` on a fresh world, checking every invariant, and drives it to the end.
fn finished(actions: &[Action]) -> World {
    let mut world = World::new();
    for action in actions {
        world.apply(action);
    }
    world.finish();
    world
}

fn task_of(competition: Competition) -> Action {
    Action::Publish {
        client: 0,
        template: TaskTemplate {
            competition,
            asset: RewardAsset::Native,
            reward: 10_000,
            collateral: 500,
            hash_search: None,
            dispute: false,
        },
    }
}

fn commit(provider: u8, answer: Answer, price_pct: u8) -> Action {
    Action::Commit {
        provider,
        task: 0,
        answer,
        price_pct,
    }
}

/// The harness's diligent actors carry an auction to a paid delivery, and a lazy
/// executor to promotion; both keep every invariant.
#[test]
fn diligent_bidders_and_executors_complete_an_auction() {
    let bid_and_open = [
        task_of(Competition::SealedBidAuction),
        commit(0, Answer::Valid, 40),
        commit(1, Answer::Valid, 60),
        Action::RevealBidDue { commitment: 0 },
        Action::RevealBidDue { commitment: 0 },
    ];
    let deliver = Action::Deliver {
        task: 0,
        impostor: None,
        answer: Answer::Valid,
    };
    let delivered = [&bid_and_open[..], std::slice::from_ref(&deliver)].concat();
    assert_eq!(
        first_task_ends(&delivered),
        ogpu_types::TaskStatus::Completed
    );
    // The winner stays silent: the runner-up is promoted and delivers.
    let promoted = [
        &bid_and_open[..],
        &[Action::Wait { seconds: 31 }],
        &[Action::Finalize {
            sender: Actor::Stranger,
            task: 0,
        }],
        &[deliver],
    ]
    .concat();
    assert_eq!(
        first_task_ends(&promoted),
        ogpu_types::TaskStatus::Completed
    );
}

fn deliver() -> Action {
    Action::Deliver {
        task: 0,
        impostor: None,
        answer: Answer::Valid,
    }
}

/// A consensus round with a dissenter is awarded and its chosen replica delivers; one
/// without a majority fails.
#[test]
fn diligent_replicas_reach_or_miss_a_quorum() {
    let reveal_all = [
        Action::RevealDue { commitment: 0 },
        Action::RevealDue { commitment: 0 },
        Action::RevealDue { commitment: 0 },
    ];
    let quorum = [
        &[task_of(Competition::Consensus {
            replicas: 3,
            quorum: 2,
        })][..],
        &[
            commit(0, Answer::Valid, 0),
            commit(1, Answer::Invalid, 0),
            commit(2, Answer::Valid, 0),
        ],
        &reveal_all,
        &[deliver()],
    ]
    .concat();
    assert_eq!(first_task_ends(&quorum), ogpu_types::TaskStatus::Completed);
    let split = [
        &[task_of(Competition::Consensus {
            replicas: 2,
            quorum: 2,
        })][..],
        &[commit(0, Answer::Valid, 0), commit(1, Answer::Invalid, 0)],
        &reveal_all[..2],
    ]
    .concat();
    assert_eq!(first_task_ends(&split), ogpu_types::TaskStatus::Failed);
}

/// The client of a task, registered as a provider, is refused on its own task and takes
/// part in another client's like anyone.
#[test]
fn the_client_as_provider_works_only_for_others() {
    // Committer 4 is the first client.
    let own = [
        task_of(Competition::FirstResponse),
        commit(4, Answer::Valid, 0),
    ];
    let world = finished(&own);
    assert_eq!(world.model.commitments.len(), 0);
    let others = [
        Action::Publish {
            client: 1,
            template: TaskTemplate {
                competition: Competition::FirstResponse,
                asset: RewardAsset::Native,
                reward: 10_000,
                collateral: 500,
                hash_search: None,
                dispute: false,
            },
        },
        commit(4, Answer::Valid, 0),
        Action::RevealDue { commitment: 0 },
    ];
    assert_eq!(first_task_ends(&others), ogpu_types::TaskStatus::Completed);
}

/// A disputable First Response task paid in `asset`, won by provider 0 with a right or
/// wrong result, then disputed by its client; providers 1 to 3 re-run it
/// (`round_answers`) and the round's chosen replica delivers.
fn disputed(asset: RewardAsset, winner_answer: Answer, round_answers: [Answer; 3]) -> Vec<Action> {
    let mut actions = vec![
        Action::Publish {
            client: 0,
            template: TaskTemplate {
                competition: Competition::FirstResponse,
                asset,
                reward: 3_000,
                collateral: 500,
                hash_search: None,
                dispute: true,
            },
        },
        commit(0, winner_answer, 0),
        Action::RevealDue { commitment: 0 },
        Action::Dispute {
            sender: Actor::TaskClient,
            task: 0,
            exact_bond: true,
        },
    ];
    for (provider, answer) in (1..).zip(round_answers) {
        actions.push(Action::Commit {
            provider,
            task: 0,
            answer,
            price_pct: 0,
        });
    }
    actions.extend([
        Action::RevealDue { commitment: 0 },
        Action::RevealDue { commitment: 0 },
        Action::RevealDue { commitment: 0 },
        deliver(),
    ]);
    actions
}

/// Every branch of a dispute keeps every invariant: a wrong result overturned, a right
/// one confirmed (the winner gets the bond's unused share), a round without quorum, a
/// right one overturned by the client's Sybils holding the round's majority (the client
/// is refunded at most what it paid, in the bond denom only), and a window that closes
/// undisputed.
#[test]
fn disputes_keep_the_invariants_in_every_branch() {
    use ogpu_types::registry::DisputeStatus::{Overturned, Upheld};
    use ogpu_types::TaskStatus::{Completed, Failed};
    use Answer::{Collude, Invalid, Valid};
    use RewardAsset::{Bond, Native};
    for (asset, winner, round, round_status, dispute) in [
        (
            Native,
            Invalid,
            [Valid, Valid, Valid],
            Completed,
            Overturned,
        ),
        (Bond, Invalid, [Valid, Valid, Valid], Completed, Overturned),
        (Native, Valid, [Valid, Valid, Invalid], Completed, Upheld),
        (Native, Valid, [Valid, Invalid, Invalid], Failed, Upheld),
        (
            Bond,
            Valid,
            [Collude, Collude, Valid],
            Completed,
            Overturned,
        ),
    ] {
        let world = finished(&disputed(asset, winner, round));
        let rerun = world.model.tasks[1].terminal.as_ref().expect("ended");
        assert_eq!(rerun.task.status, round_status);
        let state = world.suite.dispute_state(1).expect("disputable");
        assert_eq!(state.status, dispute);
    }
    let undisputed = [
        &disputed(Native, Valid, [Valid; 3])[..3],
        &[
            Action::Wait { seconds: 61 },
            Action::CloseDispute {
                sender: Actor::Stranger,
                task: 0,
            },
        ],
    ]
    .concat();
    let world = finished(&undisputed);
    let state = world.suite.dispute_state(1).expect("disputable");
    assert_eq!(state.status, Upheld);
    assert_eq!(world.model.tasks.len(), 1);
}
