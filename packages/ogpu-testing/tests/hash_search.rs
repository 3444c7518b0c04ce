//! The hash-search kind end to end: the registry verifies every answer at reveal, pays a
//! valid one at once, rejects an invalid one without changing anything, and validates the
//! search at publish.

use cosmwasm_std::{coin, HexBinary, Uint64};
use ogpu_task_registry::ContractError;
use ogpu_testing::fixtures::{self, COLLATERAL, STAKE};
use ogpu_testing::{assert_error, Suite, SuiteBuilder, BOND_DENOM, REWARD_DENOM};
use ogpu_types::events::{self, attr};
use ogpu_types::registry::{ConfigResponse, ExecuteMsg, QueryMsg, TaskDetails};
use ogpu_types::validate::SpecError;
use ogpu_types::{HashSearch, Job, Payload, ResponseStatus, TaskSpec, TaskStatus};

const REWARD: u128 = 10_000;
/// ceil(10 000 × 250 / 10 000)
const FEE: u128 = 250;
const START: u128 = 1_000_000;
const DIFFICULTY: u32 = 16;
/// sha256(b"ogpu" ‖ nonce) has 18 leading zero bits (hashlib and coreutils agree).
const NONCE: u64 = 33_576;
/// 22 leading zero bits.
const OTHER_NONCE: u64 = 267_778;
/// 11 leading zero bits: below the difficulty.
const WEAK_NONCE: u64 = 291;

fn publish(suite: &mut Suite, spec: TaskSpec) -> u64 {
    let client = suite.client();
    suite.publish(&client, spec, REWARD).unwrap()
}

fn first_response(suite: &mut Suite) -> u64 {
    publish(
        suite,
        fixtures::hash_search(fixtures::first_response(), DIFFICULTY),
    )
}

#[test]
fn a_valid_answer_wins_and_is_paid_in_the_reveal_transaction() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let registry = suite.registry.clone();
    let publish = ExecuteMsg::PublishTask {
        spec: fixtures::hash_search(fixtures::first_response(), DIFFICULTY),
    };
    let response = suite
        .execute(&client, &registry, &publish, &[coin(REWARD, REWARD_DENOM)])
        .unwrap();
    let published = format!("wasm-{}", events::TASK_PUBLISHED);
    let event = response.events.iter().find(|e| e.ty == published).unwrap();
    assert!(event
        .attributes
        .iter()
        .any(|a| a.key == attr::KIND && a.value == "hash_search"));
    let task_id = 1;
    let details: TaskDetails = suite.query_registry(&QueryMsg::Task { task_id });
    assert_eq!(
        details.spec.job,
        Job::HashSearch(HashSearch {
            prefix: HexBinary::from(fixtures::PREFIX),
            difficulty: DIFFICULTY,
        })
    );

    let sealed = suite
        .commit_result(&p0, task_id, &NONCE.to_be_bytes())
        .unwrap();
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &sealed).unwrap();

    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Completed);
    let outcome = task.outcome.unwrap();
    assert_eq!((outcome.winner, outcome.price.u128()), (p0.clone(), REWARD));
    // The result digest is that of the nonce's 8 bytes, as for any result.
    assert_eq!(
        outcome.digest,
        HexBinary::from(ogpu_types::commitment::sha256(&NONCE.to_be_bytes()))
    );
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START + REWARD - FEE);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), FEE);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD);
    let info = suite.provider_info(&p0);
    assert_eq!((info.bonded.u128(), info.locked.u128()), (STAKE, 0));
    suite.assert_conservation();
}

#[test]
fn an_invalid_answer_is_rejected_changes_nothing_and_is_never_paid() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let stranger = suite.stranger.clone();
    let task_id = first_response(&mut suite);
    let weak = suite
        .commit_result(&p0, task_id, &WEAK_NONCE.to_be_bytes())
        .unwrap();
    suite.advance_blocks(1);

    let before = suite.snapshot(task_id);
    assert_error(
        suite.reveal(&p0, task_id, &weak),
        ContractError::Spec(SpecError::InvalidAnswer {
            nonce: WEAK_NONCE,
            zero_bits: 11,
            difficulty: DIFFICULTY,
        }),
    );
    assert_eq!(suite.snapshot(task_id), before);
    assert_eq!(
        suite.responses(task_id)[0].status,
        ResponseStatus::Committed
    );

    // Nobody else answers: the task expires, the client is refunded and the provider that
    // committed a wrong answer is slashed like any silent committer.
    let task = suite.task(task_id);
    suite.set_time(task.reveal_deadline.max(task.commit_deadline).seconds() + 1);
    suite.finalize(&stranger, task_id).unwrap();
    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL / 2);
    assert_eq!(
        suite.balance(&suite.treasury, BOND_DENOM),
        COLLATERAL - COLLATERAL / 2
    );
    assert_eq!(suite.provider_info(&p0).bonded.u128(), STAKE - COLLATERAL);
    assert_eq!(suite.responses(task_id)[0].status, ResponseStatus::Slashed);
    suite.assert_conservation();
}

#[test]
fn an_answer_must_be_eight_inline_bytes() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let task_id = first_response(&mut suite);
    let mut sealed = suite.commit_result(&p0, task_id, &[0u8; 7]).unwrap();
    suite.advance_blocks(1);
    assert_error(
        suite.reveal(&p0, task_id, &sealed),
        ContractError::Spec(SpecError::InvalidNonce {}),
    );
    sealed.result = Payload::Reference {
        uri: "ipfs://nonce".into(),
        sha256: sealed.digest.clone(),
        size: Uint64::new(8),
    };
    assert_error(
        suite.reveal(&p0, task_id, &sealed),
        ContractError::Spec(SpecError::InvalidNonce {}),
    );
    suite.assert_conservation();
}

/// Offers are sealed (digest and price only), so a wrong answer shows at its delivery:
/// refused there, it is a missed delivery, and the next offer is promoted and paid.
#[test]
fn manual_confirmation_only_ever_pays_valid_answers() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let stranger = suite.stranger.clone();
    let spec = fixtures::hash_search(fixtures::manual_confirmation(), DIFFICULTY);
    let task_id = publish(&mut suite, spec);
    let valid = suite
        .commit_offer(&p0, task_id, &NONCE.to_be_bytes(), 6_000)
        .unwrap();
    // The cheapest offer carries a wrong answer.
    let weak = suite
        .commit_offer(&p1, task_id, &WEAK_NONCE.to_be_bytes(), 3_000)
        .unwrap();
    let dear = suite
        .commit_offer(&p2, task_id, &OTHER_NONCE.to_be_bytes(), 8_000)
        .unwrap();
    let task = suite.task(task_id);
    suite.set_time(task.commit_deadline.seconds() + 1);
    for (provider, offer) in [(&p0, &valid), (&p1, &weak), (&p2, &dear)] {
        suite.reveal(provider, task_id, offer).unwrap();
    }

    // The client never confirms: the cheapest offer is chosen, and its answer refused.
    suite.set_time(task.confirm_deadline.unwrap().seconds() + 1);
    suite.finalize(&stranger, task_id).unwrap();
    assert_error(
        suite.deliver(&p1, task_id, &weak),
        ContractError::Spec(SpecError::InvalidAnswer {
            nonce: WEAK_NONCE,
            zero_bits: 11,
            difficulty: DIFFICULTY,
        }),
    );
    let deadline = suite.award(task_id).unwrap().delivery_deadline;
    suite.set_time(deadline.seconds() + 1);
    suite.finalize(&stranger, task_id).unwrap();
    assert_eq!(suite.award(task_id).unwrap().ranking[1].provider, p0);
    suite.deliver(&p0, task_id, &valid).unwrap();
    let outcome = suite.task(task_id).outcome.unwrap();
    assert_eq!((outcome.winner, outcome.price.u128()), (p0.clone(), 6_000));
    // 6 000 gross, fee ceil(6 000 × 2.5 %) = 150; p1 is slashed for the missed delivery,
    // all of it to the treasury.
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START + 5_850);
    assert_eq!(suite.balance(&p1, REWARD_DENOM), START);
    assert_eq!(suite.balance(&p2, REWARD_DENOM), START);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 6_000);
    assert_eq!(suite.balance(&client, BOND_DENOM), START);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), 150);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), COLLATERAL);
    assert_eq!(suite.provider_info(&p1).bonded.u128(), STAKE - COLLATERAL);
    assert_eq!(suite.provider_info(&p2).locked.u128(), 0);
    suite.assert_conservation();
}

#[test]
fn publish_rejects_a_search_outside_the_layout_bounds() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let search = |prefix_len: usize, difficulty: u32| TaskSpec {
        job: Job::HashSearch(HashSearch {
            prefix: HexBinary::from(vec![0xab; prefix_len]),
            difficulty,
        }),
        ..fixtures::spec(fixtures::first_response())
    };
    let cases = [
        (
            search(0, 16),
            ContractError::Spec(SpecError::InvalidPrefix { len: 0, max: 64 }),
        ),
        (
            search(65, 16),
            ContractError::Spec(SpecError::InvalidPrefix { len: 65, max: 64 }),
        ),
        (
            search(8, 0),
            ContractError::Spec(SpecError::InvalidDifficulty {
                difficulty: 0,
                min: 1,
                max: 64,
            }),
        ),
        (
            search(8, 65),
            ContractError::Spec(SpecError::InvalidDifficulty {
                difficulty: 65,
                min: 1,
                max: 64,
            }),
        ),
    ];
    for (spec, error) in cases {
        assert_error(suite.publish(&client, spec, REWARD), error);
    }
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    let config: ConfigResponse = suite.query_registry(&QueryMsg::Config {});
    assert_eq!(config.next_task_id, 1);

    // Both bounds are inclusive.
    let task_id = suite.publish(&client, search(64, 64), REWARD).unwrap();
    suite.cancel(&client, task_id).unwrap();
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    suite.assert_conservation();
}
