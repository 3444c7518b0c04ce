//! Deploying the suite (`ogpu deploy`) and upgrading it (`ogpu migrate`): codes whose
//! checksum is already on chain are reused, new ones are stored gzip-compressed (wasmd
//! accepts gzip and it cuts the per-byte tx-size gas by about two thirds).

use std::io::Write;
use std::path::Path;

use cosmrs::cosmwasm::{MsgInstantiateContract, MsgMigrateContract, MsgStoreCode};
use cosmrs::proto::cosmos::base::query::v1beta1::PageRequest;
use cosmrs::proto::cosmwasm::wasm::v1::{QueryCodesRequest, QueryCodesResponse};
use cosmrs::tx::Msg as _;
use cosmrs::Any;
use ogpu_types::registry::{self, Child};
use sha2::{Digest, Sha256};

use crate::client::Client;
use crate::deployment::{account_id, CodeRecord, Codes, Deployment};
use crate::error::{ClientError, ClientResult};
use crate::gas::Gas;
use crate::signer::Signer;

/// The artifacts `ci/build-wasm.sh` writes, in (registry, staking, settlement) order.
pub const ARTIFACTS: [&str; 3] = [
    "ogpu_task_registry.wasm",
    "ogpu_provider_staking.wasm",
    "ogpu_settlement.wasm",
];
/// The least reward a new deployment accepts by default, in the fee denom's base unit:
/// enough that providers competing for a task are paid more than the fees they spend on
/// it. At 0.025ustake a gas unit, a First Response task costs its winner a commitment
/// (≈240k gas) and a reveal that pays (≈380k for a small result), about 18 000ustake
/// with the provider daemon's 15% gas margin, and each loser one commitment, about
/// 7 000ustake: at 50 000ustake two providers sharing such tasks each end ahead
/// (docs/provider.md, "Fees and profit"; the performance report's P&L table shows it).
pub const DEFAULT_MIN_REWARD: u128 = 50_000;
/// Pages of `Codes` read while looking for a checksum (100 codes each).
const MAX_CODE_PAGES: usize = 100;

pub(crate) fn read_artifact(dir: &Path, name: &str) -> ClientResult<Vec<u8>> {
    let path = dir.join(name);
    std::fs::read(&path).map_err(|e| {
        ClientError::Config(format!(
            "cannot read {}: {e} (build the contracts with `bash ci/build-wasm.sh` or pass --artifacts)",
            path.display()
        ))
    })
}

/// The code id of a code with this checksum already on chain, if any.
async fn find_code(client: &Client, checksum: &[u8]) -> ClientResult<Option<u64>> {
    let mut key = Vec::new();
    for _ in 0..MAX_CODE_PAGES {
        let pagination = Some(PageRequest {
            key: key.clone(),
            limit: 100,
            ..Default::default()
        });
        let page: QueryCodesResponse = client
            .query(
                "/cosmwasm.wasm.v1.Query/Codes",
                &QueryCodesRequest { pagination },
            )
            .await?;
        if let Some(code) = page.code_infos.iter().find(|c| c.data_hash == checksum) {
            return Ok(Some(code.code_id));
        }
        match page
            .pagination
            .map(|p| p.next_key)
            .filter(|k| !k.is_empty())
        {
            Some(next) => key = next,
            None => return Ok(None),
        }
    }
    Ok(None)
}

/// Stores `wasm` unless a code with its checksum exists.
pub async fn store_or_reuse(
    client: &Client,
    signer: &mut Signer,
    wasm: &[u8],
) -> ClientResult<(CodeRecord, bool)> {
    let checksum = Sha256::digest(wasm).to_vec();
    if let Some(code_id) = find_code(client, &checksum).await? {
        return Ok((
            CodeRecord {
                code_id,
                checksum: hex::encode(checksum),
            },
            false,
        ));
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(wasm)
        .map_err(|e| ClientError::invalid("gzip", e))?;
    let compressed = encoder
        .finish()
        .map_err(|e| ClientError::invalid("gzip", e))?;
    let msg = MsgStoreCode {
        sender: account_id(signer.address())?,
        wasm_byte_code: compressed,
        instantiate_permission: None,
    };
    let any = msg
        .to_any()
        .map_err(|e| ClientError::invalid("store code", e))?;
    let outcome = client.send(signer, vec![any], Gas::Auto).await?;
    let code_id = outcome
        .attribute("store_code", "code_id")
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| ClientError::invalid("store code", "no code_id in the tx events"))?;
    Ok((
        CodeRecord {
            code_id,
            checksum: hex::encode(checksum),
        },
        true,
    ))
}

/// Stores the three codes (reusing stored ones) and instantiates the registry, which
/// instantiates staking and settlement. `init`'s code ids are filled in here.
pub async fn deploy(
    client: &Client,
    signer: &mut Signer,
    artifacts: &Path,
    mut init: registry::InstantiateMsg,
    label: &str,
) -> ClientResult<Deployment> {
    let mut records = Vec::new();
    for name in ARTIFACTS {
        let wasm = read_artifact(artifacts, name)?;
        let (record, stored) = store_or_reuse(client, signer, &wasm).await?;
        tracing::info!(artifact = name, code_id = record.code_id, stored, "code");
        records.push(record);
    }
    let [registry_code, staking_code, settlement_code]: [CodeRecord; 3] =
        records.try_into().expect("one record per artifact");
    init.staking_code_id = staking_code.code_id;
    init.settlement_code_id = settlement_code.code_id;
    let msg = MsgInstantiateContract {
        sender: account_id(signer.address())?,
        admin: Some(account_id(signer.address())?),
        code_id: registry_code.code_id,
        label: Some(label.to_string()),
        msg: serde_json::to_vec(&init)
            .map_err(|e| ClientError::invalid("instantiate message", e))?,
        funds: vec![],
    };
    let any = msg
        .to_any()
        .map_err(|e| ClientError::invalid("instantiate", e))?;
    let outcome = client.send(signer, vec![any], Gas::Auto).await?;
    let registry = outcome
        .attribute("instantiate", "_contract_address")
        .ok_or_else(|| ClientError::invalid("instantiate", "no contract address in the tx events"))?
        .to_string();
    let config: registry::ConfigResponse = client
        .smart(&registry, &registry::QueryMsg::Config {})
        .await?;
    Ok(Deployment {
        chain_id: client.config().chain_id.clone(),
        codes: Codes {
            registry: registry_code,
            staking: staking_code,
            settlement: settlement_code,
        },
        registry,
        staking: config.staking.to_string(),
        settlement: config.settlement.to_string(),
    })
}

/// `MsgMigrateContract` of the registry to `code_id` (the signer must be its wasm admin),
/// with an empty migrate message.
pub(crate) fn migrate_registry(
    signer: &Signer,
    deployment: &Deployment,
    code_id: u64,
) -> ClientResult<Any> {
    MsgMigrateContract {
        sender: account_id(signer.address())?,
        contract: account_id(&deployment.registry)?,
        code_id,
        msg: b"{}".to_vec(),
    }
    .to_any()
    .map_err(|e| ClientError::invalid("migrate", e))
}

/// The registry's `MigrateChild` of `child` to `code_id` (the signer must be the suite's
/// owner), with an empty migrate message. v1, v2 and the upgrade code all take it.
pub(crate) fn migrate_child(
    signer: &Signer,
    deployment: &Deployment,
    child: Child,
    code_id: u64,
) -> ClientResult<Any> {
    let migrate = registry::ExecuteMsg::MigrateChild {
        child,
        new_code_id: code_id,
        msg: cosmwasm_std::Binary::from(b"{}".to_vec()),
    };
    deployment
        .registry()
        .execute(signer.address(), &migrate, vec![])
}

/// Upgrades a deployment to the artifacts' codes: the registry by `MsgMigrateContract`
/// (the signer must be its admin), each child through the registry's `MigrateChild` (the
/// signer must be the suite's owner). Unchanged codes are left alone. A v1 deployment
/// first has its storage converted ([`crate::upgrade`]).
pub async fn migrate(
    client: &Client,
    signer: &mut Signer,
    deployment: &Deployment,
    artifacts: &Path,
) -> ClientResult<Deployment> {
    if crate::upgrade::is_v1(client, deployment).await? {
        crate::upgrade::convert(client, signer, deployment, artifacts).await?;
    }
    let mut upgraded = deployment.clone();
    let current = [
        &deployment.codes.registry,
        &deployment.codes.staking,
        &deployment.codes.settlement,
    ];
    for (index, name) in ARTIFACTS.iter().enumerate() {
        let wasm = read_artifact(artifacts, name)?;
        if hex::encode(Sha256::digest(&wasm)) == current[index].checksum {
            continue;
        }
        let (record, _) = store_or_reuse(client, signer, &wasm).await?;
        let msg = match index {
            0 => migrate_registry(signer, deployment, record.code_id)?,
            1 => migrate_child(signer, deployment, Child::Staking, record.code_id)?,
            _ => migrate_child(signer, deployment, Child::Settlement, record.code_id)?,
        };
        client.send(signer, vec![msg], Gas::Auto).await?;
        match index {
            0 => upgraded.codes.registry = record,
            1 => upgraded.codes.staking = record,
            _ => upgraded.codes.settlement = record,
        }
    }
    Ok(upgraded)
}
