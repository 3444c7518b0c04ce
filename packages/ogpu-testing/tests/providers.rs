//! Provider staking through the suite: eligibility at commit, stake life cycle, jail,
//! metadata limits, queries.

use cosmwasm_std::{coins, Addr, Uint128};
use cw_multi_test::Executor;
use ogpu_provider_staking::ContractError as StakingError;
use ogpu_task_registry::ContractError as RegistryError;
use ogpu_testing::fixtures::{self, COLLATERAL, MIN_STAKE, STAKE};
use ogpu_testing::{assert_error, Suite, SuiteBuilder, BOND_DENOM};
use ogpu_types::registry::{ConfigUpdate, QueryMsg, TasksResponse};
use ogpu_types::staking::{self, ProviderStatus, ProvidersResponse};
use ogpu_types::{DeviceClass, TaskSpec, TaskStatus};

/// A mutation of the default spec.
type SpecChange = Box<dyn FnOnce(&mut TaskSpec)>;

fn publish_with(suite: &mut Suite, change: impl FnOnce(&mut TaskSpec)) -> u64 {
    let mut spec = fixtures::spec(fixtures::first_response());
    change(&mut spec);
    let client = suite.client();
    suite.publish(&client, spec, 1_000).unwrap()
}

/// `provider` is jailed, and the registry refuses its commitment to a new task (returned).
fn assert_jailed(suite: &mut Suite, provider: &Addr) -> u64 {
    assert_eq!(suite.provider_info(provider).status, ProviderStatus::Jailed);
    let task_id = publish_with(suite, |_| {});
    assert_error(
        suite.commit_result(provider, task_id, b"r"),
        RegistryError::ProviderJailed {
            provider: provider.to_string(),
        },
    );
    task_id
}

fn staking_exec(suite: &mut Suite, who: &Addr, msg: staking::ExecuteMsg) -> anyhow::Result<()> {
    let staking = suite.staking.clone();
    suite.execute(who, &staking, &msg, &[]).map(|_| ())
}

#[test]
fn commit_enforces_every_requirement() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let stranger = suite.stranger.clone();

    let any = publish_with(&mut suite, |_| {});
    assert_error(
        suite.commit_result(&stranger, any, b"r"),
        RegistryError::ProviderNotFound {
            provider: stranger.to_string(),
        },
    );
    let cases: Vec<(SpecChange, RegistryError)> = vec![
        (
            Box::new(|s| s.requirements.eligibility.device_class = DeviceClass::Cpu),
            RegistryError::NoEligibleDevice {},
        ),
        (
            Box::new(|s| s.requirements.eligibility.min_memory_mb = 8193),
            RegistryError::NoEligibleDevice {},
        ),
        (
            Box::new(|s| s.requirements.eligibility.min_gflops = 51),
            RegistryError::NoEligibleDevice {},
        ),
        (
            Box::new(|s| s.requirements.eligibility.min_reputation = 1),
            RegistryError::InsufficientReputation {
                score: 0,
                required: 1,
            },
        ),
        (
            Box::new(|s| s.requirements.eligibility.min_stake = Uint128::new(STAKE + 1)),
            RegistryError::InsufficientStake {
                bonded: Uint128::new(STAKE),
                required: Uint128::new(STAKE + 1),
            },
        ),
        (
            Box::new(|s| s.collateral = Uint128::new(STAKE + 1)),
            RegistryError::InsufficientFreeStake {
                free: Uint128::new(STAKE),
                needed: Uint128::new(STAKE + 1),
            },
        ),
    ];
    for (change, expected) in cases {
        let task_id = publish_with(&mut suite, change);
        assert_error(suite.commit_result(&p0, task_id, b"r"), expected);
    }
    // Requirements that are met pass.
    let fits = publish_with(&mut suite, |s| {
        s.requirements.eligibility.device_class = DeviceClass::Gpu;
        s.requirements.eligibility.min_memory_mb = 8192;
        s.requirements.eligibility.min_gflops = 50;
        s.requirements.eligibility.min_stake = Uint128::new(STAKE);
    });
    suite.commit_result(&p0, fits, b"r").unwrap();
    suite.assert_conservation();
}

#[test]
fn the_allow_list_and_the_commitment_cap_are_enforced() {
    let mut suite = SuiteBuilder {
        limits: ogpu_types::registry::TaskLimits {
            max_commitments: 2,
            ..fixtures::limits()
        },
        ..SuiteBuilder::new()
    }
    .build();
    let (p0, p1, p2) = (suite.provider(0), suite.provider(1), suite.provider(2));
    let listed = p0.to_string();
    let task_id = publish_with(&mut suite, |s| {
        s.requirements.allowed_providers = vec![listed]
    });
    assert_error(
        suite.commit_result(&p1, task_id, b"r"),
        RegistryError::NotAllowed {
            task_id,
            provider: p1.to_string(),
        },
    );
    suite.commit_result(&p0, task_id, b"r").unwrap();
    assert_error(
        suite.commit_result(&p0, task_id, b"r"),
        RegistryError::AlreadyCommitted {
            task_id,
            provider: p0.to_string(),
        },
    );

    let open = publish_with(&mut suite, |_| {});
    suite.commit_result(&p0, open, b"r").unwrap();
    suite.commit_result(&p1, open, b"r").unwrap();
    assert_error(
        suite.commit_result(&p2, open, b"r"),
        RegistryError::TooManyCommitments {
            task_id: open,
            max: 2,
        },
    );
}

#[test]
fn a_provider_below_min_stake_is_jailed_until_it_tops_up() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let unbond = STAKE - MIN_STAKE + 1;
    staking_exec(
        &mut suite,
        &p0,
        staking::ExecuteMsg::Unbond {
            amount: Uint128::new(unbond),
        },
    )
    .unwrap();
    let task_id = assert_jailed(&mut suite, &p0);
    let staking = suite.staking.clone();
    suite
        .execute(
            &p0,
            &staking,
            &staking::ExecuteMsg::Bond {},
            &coins(1, BOND_DENOM),
        )
        .unwrap();
    assert_eq!(suite.provider_info(&p0).status, ProviderStatus::Active);
    suite.commit_result(&p0, task_id, b"r").unwrap();
    suite.assert_conservation();
}

#[test]
fn a_slash_below_min_stake_jails() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let stranger = suite.stranger.clone();
    let big = publish_with(&mut suite, |s| {
        s.collateral = Uint128::new(STAKE - MIN_STAKE + 1)
    });
    suite.commit_result(&p0, big, b"r").unwrap();
    let deadline = suite
        .task(big)
        .reveal_deadline
        .max(suite.task(big).commit_deadline);
    suite.set_time(deadline.seconds() + 1);
    suite.finalize(&stranger, big).unwrap();
    assert_eq!(suite.task(big).status, TaskStatus::Expired);
    assert_eq!(suite.provider_info(&p0).status, ProviderStatus::Jailed);
    suite.assert_conservation();
}

#[test]
fn unbonding_releases_at_the_exact_second_and_locked_stake_stays() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let task_id = publish_with(&mut suite, |_| {});
    suite.commit_result(&p0, task_id, b"r").unwrap();
    let free = STAKE - COLLATERAL;
    assert_error(
        staking_exec(
            &mut suite,
            &p0,
            staking::ExecuteMsg::Unbond {
                amount: Uint128::new(free + 1),
            },
        ),
        RegistryError::StakeBelowLocked {
            bonded: Uint128::new(COLLATERAL - 1),
            locked: Uint128::new(COLLATERAL),
        },
    );
    assert_error(
        staking_exec(&mut suite, &p0, staking::ExecuteMsg::Deregister {}),
        RegistryError::CollateralLocked {
            locked: Uint128::new(COLLATERAL),
        },
    );
    staking_exec(
        &mut suite,
        &p0,
        staking::ExecuteMsg::Unbond {
            amount: Uint128::new(100),
        },
    )
    .unwrap();
    let release_at = suite.provider_info(&p0).unbonding[0].release_at.seconds();
    let before = suite.balance(&p0, BOND_DENOM);
    suite.set_time(release_at - 1);
    assert_error(
        staking_exec(&mut suite, &p0, staking::ExecuteMsg::Claim {}),
        StakingError::NothingToClaim {},
    );
    suite.set_time(release_at);
    staking_exec(&mut suite, &p0, staking::ExecuteMsg::Claim {}).unwrap();
    assert_eq!(suite.balance(&p0, BOND_DENOM), before + 100);
    assert_error(
        staking_exec(
            &mut suite,
            &p0,
            staking::ExecuteMsg::Unbond {
                amount: Uint128::zero(),
            },
        ),
        StakingError::ZeroAmount {},
    );
    suite.assert_conservation();
}

fn unbond(suite: &mut Suite, who: &Addr, amount: u128) -> anyhow::Result<()> {
    let amount = Uint128::new(amount);
    staking_exec(suite, who, staking::ExecuteMsg::Unbond { amount })
}

#[test]
fn the_unbonding_queue_is_bounded_but_deregistering_always_works() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    // Unbonds released at the same moment share one entry.
    unbond(&mut suite, &p0, 1).unwrap();
    unbond(&mut suite, &p0, 1).unwrap();
    assert_eq!(suite.provider_info(&p0).unbonding.len(), 1);
    for _ in 1..7 {
        suite.advance_blocks(1);
        unbond(&mut suite, &p0, 1).unwrap();
    }
    suite.advance_blocks(1);
    assert_error(
        unbond(&mut suite, &p0, 1),
        StakingError::TooManyUnbondingEntries { max: 7 },
    );
    // A full queue takes the deregistration into its newest entry, released later.
    staking_exec(&mut suite, &p0, staking::ExecuteMsg::Deregister {}).unwrap();
    let info = suite.provider_info(&p0);
    assert_eq!(
        (info.status, info.bonded.u128(), info.unbonding.len()),
        (ProviderStatus::Deregistered, 0, 7)
    );
    let newest = info.unbonding.last().unwrap();
    assert_eq!(newest.amount.u128(), STAKE - 7);
    assert_eq!(newest.release_at.seconds(), suite.now() + 3600);
    let task_id = publish_with(&mut suite, |_| {});
    assert_error(
        suite.commit_result(&p0, task_id, b"r"),
        RegistryError::ProviderDeregistered {
            provider: p0.to_string(),
        },
    );
    // It may come back, keeping its record.
    suite.register(&p0, STAKE).unwrap();
    assert_eq!(suite.provider_info(&p0).status, ProviderStatus::Active);
    suite.assert_conservation();
}

/// Register/deregister cycles used to add one entry each past the bound, and the record
/// holding them was loaded in every settlement of the provider's tasks.
#[test]
fn register_deregister_cycles_never_outgrow_the_unbonding_bound() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    for _ in 0..20 {
        staking_exec(&mut suite, &p0, staking::ExecuteMsg::Deregister {}).unwrap();
        suite.advance_blocks(1);
        suite.register(&p0, MIN_STAKE).unwrap();
    }
    let info = suite.provider_info(&p0);
    assert_eq!(info.unbonding.len(), 7);
    let unbonding: u128 = info.unbonding.iter().map(|e| e.amount.u128()).sum();
    assert_eq!(unbonding, STAKE + 19 * MIN_STAKE);
    // Everything comes back once released.
    suite.advance_seconds(3600 + 20 * 5);
    let before = suite.balance(&p0, BOND_DENOM);
    staking_exec(&mut suite, &p0, staking::ExecuteMsg::Claim {}).unwrap();
    assert_eq!(suite.balance(&p0, BOND_DENOM), before + unbonding);
    assert!(suite.provider_info(&p0).unbonding.is_empty());
    suite.assert_conservation();
}

#[test]
fn registration_is_validated() {
    let mut suite = SuiteBuilder {
        provider_stake: 0,
        ..SuiteBuilder::new()
    }
    .build();
    let p0 = suite.provider(0);
    let staking = suite.staking.clone();
    assert_error(
        suite.register(&p0, MIN_STAKE - 1),
        StakingError::StakeBelowMinimum {
            amount: Uint128::new(MIN_STAKE - 1),
            min: Uint128::new(MIN_STAKE),
        },
    );
    let mut metadata = fixtures::metadata("x".repeat(65).as_str());
    let register = |metadata| staking::ExecuteMsg::Register { metadata };
    assert_error(
        suite.execute(
            &p0,
            &staking,
            &register(metadata.clone()),
            &coins(STAKE, BOND_DENOM),
        ),
        StakingError::InvalidMetadata {
            reason: "moniker must be 1..=64 bytes".into(),
        },
    );
    metadata.moniker = "ok".into();
    metadata.devices = vec![metadata.devices[0].clone(); 9];
    assert_error(
        suite.execute(
            &p0,
            &staking,
            &register(metadata.clone()),
            &coins(STAKE, BOND_DENOM),
        ),
        StakingError::InvalidMetadata {
            reason: "1..=8 devices".into(),
        },
    );
    metadata.devices.truncate(1);
    metadata.devices[0].vendor = "v".repeat(65);
    assert_error(
        suite.execute(
            &p0,
            &staking,
            &register(metadata),
            &coins(STAKE, BOND_DENOM),
        ),
        StakingError::InvalidMetadata {
            reason: "fields must be at most 64 bytes".into(),
        },
    );
    suite.register(&p0, STAKE).unwrap();
    assert_error(
        suite.register(&p0, STAKE),
        StakingError::AlreadyRegistered {
            provider: p0.to_string(),
        },
    );
    // The same account spelled in upper case cannot open a second record.
    let upper = Addr::unchecked(p0.as_str().to_uppercase());
    suite
        .app
        .send_tokens(p0.clone(), upper.clone(), &coins(STAKE, BOND_DENOM))
        .unwrap();
    assert!(suite.register(&upper, STAKE).is_err());
    suite
        .app
        .send_tokens(upper, p0, &coins(STAKE, BOND_DENOM))
        .unwrap();
    suite.assert_conservation();
}

#[test]
fn lists_are_paginated_and_capped() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    for _ in 0..35 {
        suite
            .publish(&client, fixtures::spec(fixtures::first_response()), 100)
            .unwrap();
    }
    let page: TasksResponse = suite.query_registry(&QueryMsg::Tasks {
        status: Some(TaskStatus::Open),
        start_after: None,
        limit: Some(100),
    });
    assert_eq!(page.tasks.len(), 30);
    let rest: TasksResponse = suite.query_registry(&QueryMsg::TasksByClient {
        client: client.to_string(),
        start_after: Some(30),
        limit: None,
    });
    assert_eq!(
        rest.tasks.iter().map(|t| t.id).collect::<Vec<_>>(),
        (31..=35).collect::<Vec<_>>()
    );
    let p0 = suite.provider(0);
    suite.commit_result(&p0, 7, b"r").unwrap();
    let mine: TasksResponse = suite.query_registry(&QueryMsg::TasksByProvider {
        provider: p0.to_string(),
        start_after: None,
        limit: None,
    });
    assert_eq!(mine.tasks.len(), 1);
    let providers: ProvidersResponse = suite
        .app
        .wrap()
        .query_wasm_smart(
            &suite.staking,
            &staking::QueryMsg::Providers {
                active_only: Some(true),
                start_after: None,
                limit: Some(2),
            },
        )
        .unwrap();
    assert_eq!(providers.providers.len(), 2);
}

#[test]
fn huge_amounts_are_refused_without_overflow() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    assert_error(
        staking_exec(
            &mut suite,
            &p0,
            staking::ExecuteMsg::Unbond {
                amount: Uint128::MAX,
            },
        ),
        StakingError::UnbondAboveBonded {
            bonded: Uint128::new(STAKE),
            amount: Uint128::MAX,
        },
    );
    let task_id = publish_with(&mut suite, |s| s.collateral = Uint128::MAX);
    assert_error(
        suite.commit_result(&p0, task_id, b"r"),
        RegistryError::InsufficientFreeStake {
            free: Uint128::new(STAKE),
            needed: Uint128::MAX,
        },
    );
    suite.assert_conservation();
}

/// The registry checks commitments against its copy of staking's minimum stake, which
/// changes only through the registry's own `UpdateConfig`: a raised minimum jails at once.
#[test]
fn a_raised_minimum_stake_jails_in_the_registry_at_once() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let raise = ogpu_types::registry::ExecuteMsg::UpdateConfig(ConfigUpdate {
        staking: Some(staking::StakingConfigUpdate {
            min_stake: Some(Uint128::new(STAKE + 1)),
            ..Default::default()
        }),
        ..Default::default()
    });
    suite.as_owner(&raise).unwrap();
    let task_id = assert_jailed(&mut suite, &p0);
    let staking = suite.staking.clone();
    let top_up = staking::ExecuteMsg::Bond {};
    suite
        .execute(&p0, &staking, &top_up, &coins(1, BOND_DENOM))
        .unwrap();
    suite.commit_result(&p0, task_id, b"r").unwrap();
    suite.assert_conservation();
}
