//! `ogpu-provider status`: where the provider stands, for its operator — its registration
//! and stake on chain (status, bonded, locked in which tasks, unbonding, reputation,
//! earnings the registry recorded) and what the daemon's ledger counted on this
//! chain (earned after the protocol fee, fees paid, net, refused transactions). Reads
//! the chain and `<state_dir>/ledger.json`, so it works while the daemon runs.

use std::fmt::Write as _;

use cosmwasm_std::Uint128;
use ogpu_client::{Client, Deployment};
use ogpu_types::page::MAX_PAGE as PAGE;
use ogpu_types::registry::{self, Lock, LocksResponse};
use ogpu_types::staking::{self, ProviderResponse};
use serde::Serialize;

use super::chain::ChainView;
use super::config::DaemonConfig;
use super::error::DaemonResult;
use super::ledger::LedgerFile;

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub provider: String,
    pub chain_id: String,
    pub registry: String,
    /// `None`: not registered.
    pub registration: Option<ProviderResponse>,
    /// Collateral locked per task.
    pub locks: Vec<Lock>,
    pub bond_denom: String,
    pub min_stake: Uint128,
    /// The daemon's profit and loss on this chain, if it ran here.
    pub ledger: Option<LedgerFile>,
    /// Earned (after the protocol fee) less fees paid, in the fee denom.
    pub net: Option<i128>,
}

/// Reads `address`'s standing on the chain and deployment of `config`.
pub async fn read(config: &DaemonConfig, address: &str) -> DaemonResult<Status> {
    let deployment = Deployment::load(&config.deployment)?;
    deployment.check_chain(&config.chain.chain_id)?;
    let client = std::sync::Arc::new(Client::connect(config.chain.clone()).await?);
    let staking_config: staking::ConfigResponse = client
        .smart(&deployment.staking, &staking::QueryMsg::Config {})
        .await?;
    let chain = ChainView::new(client.clone(), deployment.clone());
    let registration = chain.provider(address).await?;
    let mut locks = Vec::new();
    if registration.is_some() {
        loop {
            let query = registry::QueryMsg::Locks {
                provider: address.to_string(),
                start_after: locks.last().map(|l: &Lock| l.task_id),
                limit: Some(PAGE),
            };
            let page: LocksResponse = client.smart(&deployment.registry, &query).await?;
            let full = page.locks.len() == PAGE as usize;
            locks.extend(page.locks);
            if !full {
                break;
            }
        }
    }
    let ledger = LedgerFile::read(&config.state_dir)
        .filter(|l| l.chain.registry == deployment.registry && l.provider == address);
    let net = ledger.as_ref().map(|l| l.pnl.net(&l.fee_denom));
    Ok(Status {
        provider: address.to_string(),
        chain_id: config.chain.chain_id.clone(),
        registry: deployment.registry,
        registration,
        locks,
        bond_denom: staking_config.params.bond_denom,
        min_stake: staking_config.params.min_stake,
        ledger,
        net,
    })
}

impl Status {
    /// The status as text, one fact a line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let denom = &self.bond_denom;
        let _ = writeln!(out, "provider:     {}", self.provider);
        let _ = writeln!(
            out,
            "chain:        {} (registry {})",
            self.chain_id, self.registry
        );
        match &self.registration {
            None => {
                let _ = writeln!(
                    out,
                    "registration: not registered: run `ogpu-provider register --config FILE` (stake at least {}{denom})",
                    self.min_stake
                );
            }
            Some(p) => {
                let status = format!("{:?}", p.status).to_lowercase();
                let _ = writeln!(out, "registration: {status} as {:?}", p.metadata.moniker);
                let free = p.bonded.saturating_sub(p.locked);
                let _ = writeln!(
                    out,
                    "stake:        {}{denom} bonded (minimum {}{denom}), {}{denom} locked, {free}{denom} free",
                    p.bonded, self.min_stake, p.locked
                );
                for entry in &p.unbonding {
                    let _ = writeln!(
                        out,
                        "unbonding:    {}{denom}, released at {}",
                        entry.amount, entry.release_at
                    );
                }
                let tasks: Vec<String> = self
                    .locks
                    .iter()
                    .map(|l| format!("task {} ({}{denom})", l.task_id, l.amount))
                    .collect();
                if !tasks.is_empty() {
                    let _ = writeln!(out, "locks:        {}", tasks.join(", "));
                }
                let _ = writeln!(
                    out,
                    "reputation:   score {} ({} completed, {} failed, {} slashed)",
                    p.reputation_score,
                    p.reputation.completed,
                    p.reputation.failed,
                    p.reputation.slashed
                );
                for e in &p.earnings {
                    let _ = writeln!(
                        out,
                        "earned:       {} {} (on chain, before the protocol fee)",
                        e.amount, e.asset
                    );
                }
            }
        }
        match &self.ledger {
            None => {
                let _ = writeln!(
                    out,
                    "daemon:       no ledger for this chain yet (the daemon has not run here)"
                );
            }
            Some(ledger) => {
                let pnl = &ledger.pnl;
                let fee = &ledger.fee_denom;
                let earned: Vec<String> = pnl
                    .earned_net
                    .iter()
                    .map(|(asset, amount)| format!("{amount}{asset}"))
                    .collect();
                let earned = if earned.is_empty() {
                    "nothing".to_string()
                } else {
                    earned.join(", ")
                };
                let _ = writeln!(
                    out,
                    "tasks:        {} joined, {} won, {} lost, {} slashed, {} expired, {} declined",
                    pnl.joined, pnl.won, pnl.lost, pnl.slashed, pnl.expired, pnl.declined
                );
                let _ = writeln!(out, "earnings:     {earned} (after the protocol fee)");
                let _ = writeln!(
                    out,
                    "fees:         {}{fee} over {} transactions ({} refused in their block, {} at CheckTx)",
                    pnl.fees_paid,
                    pnl.txs + pnl.txs_failed,
                    pnl.txs_failed,
                    pnl.txs_rejected
                );
                let _ = writeln!(out, "net:          {}{fee}", pnl.net(fee));
            }
        }
        out
    }
}
