//! The conversion on mock storage; the whole upgrade of the real v1 wasm is
//! devnet/tests/upgrade.rs.

use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi};
use cosmwasm_std::{
    to_json_vec, Addr, Binary, ContractResult, MemoryStorage, Storage, SystemResult, Uint128,
    WasmQuery,
};
use cw_storage_plus::Map;
use ogpu_store::Table;
use ogpu_types::{Asset, AssetInfo};

use crate::contract::{execute, migrate};
use crate::error::ContractError;
use crate::msg::{ExecuteMsg, Import, Member, MigrateMsg};
use crate::progress::{Progress, PROGRESS};
use crate::sweep::{run, same, Change, Stage};
use crate::{settlement, staking, v1};

const A: Map<u64, Uint128> = Map::new("a");
const AB: Map<u64, Uint128> = Map::new("ab");
const A_V2: Table<u64, Uint128> = Table::new("a");

#[test]
fn steps_convert_in_key_order_across_stages_and_resume_where_they_stopped() {
    let mut storage = MemoryStorage::new();
    for id in 1..=3 {
        A.save(&mut storage, id, &Uint128::new(id.into())).unwrap();
    }
    // A namespace that starts with the same letters is another namespace.
    AB.save(&mut storage, 1, &Uint128::new(9)).unwrap();
    let stages = [
        Stage {
            namespace: b"a".to_vec(),
            convert: same::<Uint128>,
        },
        Stage {
            namespace: b"nothing".to_vec(),
            convert: same::<Uint128>,
        },
    ];
    let mut progress = Progress::start(Member::Settlement);
    let mut import = Import::default();

    assert_eq!(
        run(&mut storage, &stages, &mut progress, 2, &mut import).unwrap(),
        2
    );
    assert_eq!((progress.stage, progress.converted), (0, 2));
    assert_eq!(A_V2.load(&storage, 2).unwrap(), Uint128::new(2));
    assert!(A.load(&storage, 3).is_ok(), "record 3 is still v1 JSON");

    assert_eq!(
        run(&mut storage, &stages, &mut progress, 2, &mut import).unwrap(),
        1
    );
    assert_eq!((progress.stage, progress.converted), (2, 3));
    assert_eq!(A_V2.load(&storage, 3).unwrap(), Uint128::new(3));
    assert_eq!(AB.load(&storage, 1).unwrap(), Uint128::new(9), "untouched");
    assert_eq!(
        run(&mut storage, &stages, &mut progress, 2, &mut import).unwrap(),
        0
    );
    assert!(import.is_empty());
}

fn convert(stage: &Stage, key: &[u8], json: Vec<u8>, import: &mut Import) -> Change {
    (stage.convert)(key, &json, import).unwrap()
}

#[test]
fn settlement_drops_open_escrows_and_its_totals_stop_counting_them() {
    let [escrows, totals, _] = settlement::stages();
    let native = AssetInfo::Native {
        denom: "ustake".into(),
    };
    let escrow = |status| v1::Escrow {
        payer: Addr::unchecked("payer"),
        deposit: Asset {
            info: native.clone(),
            amount: Uint128::new(100),
        },
        status,
        paid_out: Uint128::zero(),
        fees: Uint128::zero(),
        refunded: Uint128::new(100),
    };
    let mut import = Import::default();
    let held = to_json_vec(&escrow(v1::EscrowStatus::Held)).unwrap();
    assert!(matches!(
        convert(&escrows, b"", held, &mut import),
        Change::Remove
    ));
    let refunded = to_json_vec(&escrow(v1::EscrowStatus::Refunded)).unwrap();
    let Change::Rewrite(bytes) = convert(&escrows, b"", refunded, &mut import) else {
        panic!("a closed escrow stays");
    };
    let closed: ogpu_settlement::state::Escrow = postcard_decode(&bytes);
    assert_eq!(
        closed.status,
        ogpu_types::settlement::EscrowStatus::Refunded
    );

    let sums = v1::AssetTotals {
        info: native,
        deposited: Uint128::new(1_000),
        paid_out: Uint128::new(500),
        fees: Uint128::new(5),
        refunded: Uint128::new(95),
        held: Uint128::new(400),
        credited: Uint128::new(7),
    };
    let Change::Rewrite(bytes) = convert(&totals, b"", to_json_vec(&sums).unwrap(), &mut import)
    else {
        panic!("totals stay");
    };
    let v2: ogpu_types::settlement::AssetTotals = postcard_decode(&bytes);
    assert_eq!(v2.deposited, v2.paid_out + v2.fees + v2.refunded);
    assert_eq!(v2.credited, Uint128::new(7));
}

fn postcard_decode<T: serde::de::DeserializeOwned + serde::Serialize>(bytes: &[u8]) -> T {
    let mut storage = MemoryStorage::new();
    storage.set(b"k", bytes);
    ogpu_store::Record::<T>::new("k").load(&storage).unwrap()
}

#[test]
fn staking_hands_its_locks_and_earnings_to_the_registry() {
    let [_, locks, earnings, _, _] = staking::stages();
    let provider = MockApi::default().addr_make("provider");
    let lock_key = Map::<(&Addr, u64), ()>::new("l").key((&provider, 7));
    let earning_key = Map::<(&Addr, &str), ()>::new("earn").key((&provider, "native:ustake"));
    let mut import = Import::default();
    let amount = to_json_vec(&Uint128::new(300)).unwrap();
    // The keys without their namespace, as a step hands them to a stage.
    let lock = convert(&locks, &lock_key[3..], amount.clone(), &mut import);
    let earning = convert(&earnings, &earning_key[6..], amount, &mut import);
    assert!(matches!((lock, earning), (Change::Remove, Change::Remove)));
    assert_eq!(import.locks[0].provider, provider.as_str());
    assert_eq!(
        (import.locks[0].task_id, import.locks[0].amount),
        (7, Uint128::new(300))
    );
    assert_eq!(import.earnings[0].asset, "native:ustake");
}

#[test]
fn migrate_takes_over_v1_state_only_once() {
    let mut deps = mock_dependencies();
    cw2::set_contract_version(&mut deps.storage, "ogpu-settlement", "0.2.0").unwrap();
    let refused = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert!(matches!(refused, ContractError::NotV1 { .. }), "{refused}");

    cw2::set_contract_version(&mut deps.storage, "cw20-base", "0.1.0").unwrap();
    let refused = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert!(matches!(refused, ContractError::NotV1 { .. }), "{refused}");

    PROGRESS
        .save(&mut deps.storage, &Progress::start(Member::Settlement))
        .unwrap();
    let refused = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert_eq!(refused, ContractError::AlreadyStarted {});
}

#[test]
fn a_child_waits_for_the_registry() {
    let mut deps = mock_dependencies();
    cw2::set_contract_version(&mut deps.storage, "ogpu-settlement", "0.1.0").unwrap();
    let registry = deps.api.addr_make("registry");
    let config = ogpu_settlement::state::Config {
        registry: registry.clone(),
        treasury: registry,
        protocol_fee_bps: 100,
    };
    deps.storage.set(b"cfg", &to_json_vec(&config).unwrap());
    // The registry does not run the upgrade code: no progress key in its storage.
    deps.querier
        .update_wasm(|_: &WasmQuery| SystemResult::Ok(ContractResult::Ok(Binary::default())));
    let refused = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert_eq!(refused, ContractError::RegistryFirst {});
    assert!(PROGRESS.may_load(&deps.storage).unwrap().is_none());
}

#[test]
fn only_the_registry_takes_imports_and_only_from_staking() {
    let mut deps = mock_dependencies();
    let stranger = deps.api.addr_make("stranger");
    PROGRESS
        .save(&mut deps.storage, &Progress::start(Member::Staking))
        .unwrap();
    let import = || ExecuteMsg::Import(Import::default());
    let info = message_info(&stranger, &[]);
    let refused = execute(deps.as_mut(), mock_env(), info.clone(), import()).unwrap_err();
    assert_eq!(refused, ContractError::NotTheRegistry {});

    let staking = deps.api.addr_make("staking");
    let config = ogpu_task_registry::state::Config {
        staking,
        settlement: stranger.clone(),
        treasury: stranger.clone(),
        accepted_assets: vec![],
        limits: ogpu_types::registry::TaskLimits::recommended(),
        paused: false,
        min_stake: Uint128::new(1),
    };
    ogpu_task_registry::state::CONFIG
        .save(&mut deps.storage, &config)
        .unwrap();
    PROGRESS
        .save(&mut deps.storage, &Progress::start(Member::Registry))
        .unwrap();
    let refused = execute(deps.as_mut(), mock_env(), info, import()).unwrap_err();
    assert!(
        matches!(refused, ContractError::Unauthorized { .. }),
        "{refused}"
    );
}

#[test]
fn a_finished_contract_steps_without_changing_anything() {
    let mut deps = mock_dependencies();
    let done = Progress {
        done: true,
        stage: 3,
        ..Progress::start(Member::Settlement)
    };
    PROGRESS.save(&mut deps.storage, &done).unwrap();
    let anyone = message_info(&deps.api.addr_make("anyone"), &[]);
    let step = ExecuteMsg::Step { limit: Some(10) };
    let response = execute(deps.as_mut(), mock_env(), anyone, step).unwrap();
    assert!(response.messages.is_empty());
    assert_eq!(PROGRESS.load(&deps.storage).unwrap(), done);
}
