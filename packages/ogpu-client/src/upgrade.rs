//! Carrying a v1 deployment (contracts 0.1.x) to v2 (docs/upgrade.md): v2 stores its
//! records differently and keeps the collateral books in the registry, so the contracts
//! first pass through `ogpu-upgrade-v2`, which converts their storage in bounded steps;
//! `deploy::migrate` then moves them to v2 as it moves any release to the next.

use std::path::Path;

use cosmrs::proto::cosmwasm::wasm::v1::{
    QueryRawContractStateRequest, QueryRawContractStateResponse,
};
use ogpu_types::registry::Child;
use ogpu_upgrade_v2::msg::{ExecuteMsg, ProgressResponse, QueryMsg};

use crate::client::Client;
use crate::contract::Contract;
use crate::deploy::{migrate_child, migrate_registry, read_artifact, store_or_reuse};
use crate::deployment::Deployment;
use crate::error::{ClientError, ClientResult};
use crate::gas::Gas;
use crate::signer::Signer;

/// The upgrade code's artifact, built by `ci/build-wasm.sh` beside the contracts.
pub const UPGRADE_ARTIFACT: &str = "ogpu_upgrade_v2.wasm";
/// Steps sent to one contract before giving up: each converts up to 500 records.
const MAX_STEPS: usize = 10_000;

/// A contract of the suite while it runs the upgrade code.
type Upgrading<'a> = Contract<'a, ExecuteMsg, QueryMsg>;

/// The version a contract's `cw2` record names (`contract_info`, JSON).
pub async fn contract_version(client: &Client, contract: &str) -> ClientResult<String> {
    let req = QueryRawContractStateRequest {
        address: contract.to_string(),
        query_data: cw2::CONTRACT.as_slice().to_vec(),
    };
    let resp: QueryRawContractStateResponse = client
        .query("/cosmwasm.wasm.v1.Query/RawContractState", &req)
        .await?;
    let info: cw2::ContractVersion = serde_json::from_slice(&resp.data)
        .map_err(|e| ClientError::invalid(format!("cw2 version of {contract}"), e))?;
    Ok(info.version)
}

/// Whether the deployment still runs v1 code.
pub async fn is_v1(client: &Client, deployment: &Deployment) -> ClientResult<bool> {
    Ok(contract_version(client, &deployment.registry)
        .await?
        .starts_with("0.1."))
}

/// Moves the three contracts onto the upgrade code (the registry first: the signer must
/// be its wasm admin and the suite's owner) and steps each until its storage is v2's.
pub async fn convert(
    client: &Client,
    signer: &mut Signer,
    deployment: &Deployment,
    artifacts: &Path,
) -> ClientResult<()> {
    let wasm = read_artifact(artifacts, UPGRADE_ARTIFACT)?;
    let (code, _) = store_or_reuse(client, signer, &wasm).await?;
    let to_upgrade = migrate_registry(signer, deployment, code.code_id)?;
    client.send(signer, vec![to_upgrade], Gas::Auto).await?;
    for child in [Child::Staking, Child::Settlement] {
        let any = migrate_child(signer, deployment, child, code.code_id)?;
        client.send(signer, vec![any], Gas::Auto).await?;
    }
    // The registry last: it is done once both children are.
    for contract in [
        &deployment.staking,
        &deployment.settlement,
        &deployment.registry,
    ] {
        step_until_done(client, signer, contract).await?;
    }
    Ok(())
}

async fn step_until_done(client: &Client, signer: &mut Signer, contract: &str) -> ClientResult<()> {
    let step = ExecuteMsg::Step {
        limit: Some(ogpu_upgrade_v2::msg::MAX_STEP),
    };
    let upgrading = Upgrading::new(contract);
    for _ in 0..MAX_STEPS {
        let progress: ProgressResponse = upgrading.query(client, &QueryMsg::Progress {}).await?;
        if progress.done {
            return Ok(());
        }
        let any = upgrading.execute(signer.address(), &step, vec![])?;
        client.send(signer, vec![any], Gas::Auto).await?;
    }
    Err(ClientError::invalid(
        format!("upgrade of {contract}"),
        format!("not done after {MAX_STEPS} steps"),
    ))
}
