//! Every rejection of the config, reward and bond validation, with the exact error; the
//! spec rules' own tests are in `ogpu_types::validate`.

use super::*;
use cosmwasm_std::testing::MockApi;
use ogpu_types::validate::SpecError;

#[test]
fn a_spec_breaking_the_rules_or_naming_a_malformed_address_is_refused() {
    let api = MockApi::default();
    let limits = ogpu_fixtures::limits();
    let mut spec = ogpu_fixtures::spec(ogpu_fixtures::first_response());
    let a = api.addr_make("a").to_string();
    spec.requirements.allowed_providers = vec![a.clone()];
    assert_eq!(task_spec(&api, &limits, &spec), Ok(()));
    // An upper-case spelling of a listed address is not its normalized form.
    spec.requirements.allowed_providers = vec![a.to_uppercase()];
    assert!(matches!(
        task_spec(&api, &limits, &spec),
        Err(ContractError::Std(_))
    ));
    spec.requirements.allowed_providers = vec![a.clone(), a.clone()];
    assert_eq!(
        task_spec(&api, &limits, &spec),
        Err(ContractError::Spec(SpecError::DuplicateProvider {
            provider: a
        }))
    );
}

#[test]
fn rewards_are_checked() {
    let usdc = AssetInfo::native("uusdc");
    let assets = vec![AcceptedAsset {
        info: usdc.clone(),
        min_reward: Uint128::new(100),
    }];
    assert_eq!(reward(&assets, &usdc, Uint128::new(100)), Ok(()));
    assert_eq!(
        reward(&assets, &usdc, Uint128::new(99)),
        Err(ContractError::RewardTooLow {
            reward: Uint128::new(99),
            min: Uint128::new(100)
        })
    );
    assert_eq!(
        reward(&assets, &AssetInfo::native("uatom"), Uint128::new(1000)),
        Err(ContractError::AssetNotAccepted {
            asset: "native:uatom".into()
        })
    );
    let free = vec![AcceptedAsset {
        info: usdc.clone(),
        min_reward: Uint128::zero(),
    }];
    assert_eq!(
        reward(&free, &usdc, Uint128::zero()),
        Err(ContractError::RewardTooLow {
            reward: Uint128::zero(),
            min: Uint128::zero()
        })
    );
}

#[test]
fn config_limits_respect_hard_caps() {
    let reason = |r: &str| {
        Err(ContractError::InvalidLimits {
            reason: r.to_string(),
        })
    };
    assert_eq!(limits(&ogpu_fixtures::limits()), Ok(()));
    let mut l = ogpu_fixtures::limits();
    l.max_commitments = 65;
    assert_eq!(limits(&l), reason("max_commitments must be 1..=64"));
    l = ogpu_fixtures::limits();
    l.max_commitments = 0;
    assert_eq!(limits(&l), reason("max_commitments must be 1..=64"));
    l = ogpu_fixtures::limits();
    l.max_allowed_providers = 65;
    assert_eq!(
        limits(&l),
        reason("max_allowed_providers must be at most 64")
    );
    l = ogpu_fixtures::limits();
    l.max_args = 65;
    assert_eq!(limits(&l), reason("max_args must be 1..=64"));
    l = ogpu_fixtures::limits();
    l.max_inline_result_bytes = HARD_MAX_INLINE_BYTES + 1;
    assert_eq!(
        limits(&l),
        reason("inline byte limits must be at most 262144")
    );
    l = ogpu_fixtures::limits();
    l.max_uri_len = 0;
    assert_eq!(limits(&l), reason("max_uri_len must be 1..=2048"));
    l = ogpu_fixtures::limits();
    l.max_output_bytes = 0;
    assert_eq!(limits(&l), reason("max_output_bytes must be positive"));
    l = ogpu_fixtures::limits();
    l.min_window = l.max_window + 1;
    assert_eq!(
        limits(&l),
        reason("windows need 0 < min_window <= max_window")
    );
    l = ogpu_fixtures::limits();
    l.unrevealed_bid_penalty_bps = 10_001;
    assert_eq!(
        limits(&l),
        reason("unrevealed_bid_penalty_bps must be at most 10000")
    );
    for replicas in [0, HARD_MAX_REPLICAS + 1] {
        l = ogpu_fixtures::limits();
        l.max_replicas = replicas;
        assert_eq!(limits(&l), reason("max_replicas must be 1..=16"));
    }
}

/// A configuration stored before auctions and consensus existed still decodes, with the
/// defaults of the new fields.
#[test]
fn limits_stored_before_the_new_models_decode() {
    let current = cosmwasm_std::to_json_string(&ogpu_fixtures::limits()).unwrap();
    let new_fields = r#","unrevealed_bid_penalty_bps":5000,"max_replicas":5"#;
    assert!(current.contains(new_fields));
    let stored = current.replace(new_fields, "");
    let decoded: TaskLimits = cosmwasm_std::from_json(stored).unwrap();
    assert_eq!(decoded.unrevealed_bid_penalty_bps, 5_000);
    assert_eq!(decoded.max_replicas, 5);
}

#[test]
fn fee_and_assets_are_checked() {
    assert_eq!(fee_bps(10_000), Ok(10_000));
    assert_eq!(
        fee_bps(10_001),
        Err(ContractError::InvalidFee { bps: 10_001 })
    );

    let api = MockApi::default();
    let asset = |info: AssetInfo| AcceptedAsset {
        info,
        min_reward: Uint128::one(),
    };
    let invalid = |r: &str| {
        Err(ContractError::InvalidAssets {
            reason: r.to_string(),
        })
    };
    assert_eq!(
        accepted_assets(&api, &[]),
        invalid("between 1 and 16 assets")
    );
    assert_eq!(
        accepted_assets(&api, &[asset(AssetInfo::native(""))]),
        invalid("empty native denom")
    );
    assert_eq!(
        accepted_assets(
            &api,
            &[asset(AssetInfo::native("u")), asset(AssetInfo::native("u"))]
        ),
        invalid("native:u listed twice")
    );
    assert!(matches!(
        accepted_assets(&api, &[asset(AssetInfo::cw20("not-an-address"))]),
        Err(ContractError::Std(_))
    ));
    let token = api.addr_make("token").to_string();
    assert_eq!(
        accepted_assets(
            &api,
            &[asset(AssetInfo::native("u")), asset(AssetInfo::cw20(token))]
        ),
        Ok(())
    );
}
