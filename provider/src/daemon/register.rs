//! `ogpu-provider register`: registers the provider on the staking contract — or updates
//! its metadata and tops its stake up when it is registered already — with metadata built
//! from the detected device and its benchmark.

use std::sync::Arc;

use cosmrs::crypto::secp256k1::SigningKey;
use cosmwasm_std::Uint128;
use ogpu_client::deployment::coin;
use ogpu_client::{Client, Deployment, Gas, Signer};
use ogpu_types::staking::{ConfigResponse, ExecuteMsg, QueryMsg};
use ogpu_types::ProviderMetadata;

use super::chain::ChainView;
use super::config::DaemonConfig;
use super::error::{DaemonError, DaemonResult};
use crate::DeviceInfo;

/// What `register` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub address: String,
    /// A new registration (else an update).
    pub new: bool,
    /// Stake added by this transaction (bond denom).
    pub staked: u128,
    pub bond_denom: String,
    pub tx_hash: String,
}

/// The metadata advertised for `device` benchmarked at `gflops`, cut to the staking
/// contract's limits.
pub fn metadata(
    moniker: &str,
    device: &DeviceInfo,
    gflops: u64,
    task_kinds: &[String],
    staking: &ConfigResponse,
) -> ProviderMetadata {
    let limits = &staking.params.metadata_limits;
    ProviderMetadata {
        moniker: moniker
            .chars()
            .take(limits.max_moniker_len as usize)
            .collect(),
        devices: vec![device.to_metadata(gflops, limits.max_field_len as usize)],
        task_kinds: task_kinds
            .iter()
            .take(limits.max_task_kinds as usize)
            .cloned()
            .collect(),
    }
}

/// The staking contract's configuration (its limits and bond denom).
pub async fn staking_config(
    config: &DaemonConfig,
) -> DaemonResult<(Arc<Client>, Deployment, ConfigResponse)> {
    let deployment = Deployment::load(&config.deployment)?;
    deployment.check_chain(&config.chain.chain_id)?;
    let client = Arc::new(Client::connect(config.chain.clone()).await?);
    let staking = client
        .smart(&deployment.staking, &QueryMsg::Config {})
        .await?;
    Ok((client, deployment, staking))
}

/// Registers with `stake` (default: the contract's minimum), or updates the metadata and
/// bonds up to `stake` when registered already.
pub async fn register(
    config: &DaemonConfig,
    key: SigningKey,
    metadata: ProviderMetadata,
    stake: Option<Uint128>,
) -> DaemonResult<Registered> {
    let (client, deployment, staking) = staking_config(config).await?;
    let mut signer = Signer::new(key, &config.chain.prefix)?;
    let address = signer.address().to_string();
    let params = &staking.params;
    let denom = params.bond_denom.clone();
    let current = ChainView::new(client.clone(), deployment.clone())
        .provider(&address)
        .await?;
    let new = current.is_none();
    let (msgs, staked) = match current {
        None => {
            let stake = stake.unwrap_or(params.min_stake);
            if stake < params.min_stake {
                return Err(DaemonError::Config(format!(
                    "stake {stake}{denom} is below the contract's minimum {}{denom}: raise --stake",
                    params.min_stake
                )));
            }
            let funds = vec![coin(&denom, stake.u128())?];
            let msg = deployment.staking().execute(
                &address,
                &ExecuteMsg::Register { metadata },
                funds,
            )?;
            (vec![msg], stake.u128())
        }
        Some(current) => {
            let update = ExecuteMsg::UpdateMetadata { metadata };
            let mut msgs = vec![deployment.staking().execute(&address, &update, vec![])?];
            let more = stake.map_or(0, |s| s.saturating_sub(current.bonded).u128());
            if more > 0 {
                let funds = vec![coin(&denom, more)?];
                msgs.push(
                    deployment
                        .staking()
                        .execute(&address, &ExecuteMsg::Bond {}, funds)?,
                );
            }
            (msgs, more)
        }
    };
    let outcome = client.send(&mut signer, msgs, Gas::Auto).await?;
    Ok(Registered {
        address,
        new,
        staked,
        bond_denom: denom,
        tx_hash: outcome.hash,
    })
}
