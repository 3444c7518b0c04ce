//! `ogpu deploy` and `ogpu migrate`.

use std::path::Path;

use cosmwasm_std::Uint128;
use ogpu_client::deploy::ARTIFACTS;
use ogpu_client::{Client, Deployment, Gas};
use ogpu_types::fee;
use ogpu_types::registry::{self, AcceptedAsset, InstantiateMsg, TaskLimits};
use ogpu_types::staking::StakingParams;
use ogpu_types::AssetInfo;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::args::{DeployArgs, MigrateArgs};
use crate::coin;
use crate::context::Ctx;
use crate::error::{CliError, CliResult};
use crate::output;
use crate::prompt;
use crate::tx;

/// Defaults of a new suite; the limits and staking parameters are `ogpu-types`'
/// recommended ones (which the contract tests use too).
pub const DEFAULT_FEE_BPS: u16 = 100;
pub use ogpu_client::deploy::DEFAULT_MIN_REWARD;

pub fn default_limits() -> TaskLimits {
    TaskLimits::recommended()
}

pub fn default_staking(bond_denom: &str) -> StakingParams {
    StakingParams::recommended(bond_denom)
}

/// `--params FILE`: the registry's `InstantiateMsg` without the code ids, every field
/// optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamsFile {
    owner: Option<String>,
    treasury: Option<String>,
    protocol_fee_bps: Option<u16>,
    accepted_assets: Option<Vec<AcceptedAsset>>,
    limits: Option<TaskLimits>,
    staking: Option<StakingParams>,
}

fn read_params(path: &Path) -> CliResult<ParamsFile> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(
            format!("cannot read --params {}: {e}", path.display()),
            "check the path",
        )
    })?;
    serde_json::from_str(&text).map_err(|e| {
        let hint = if e.to_string().contains("code_id") {
            "leave the code ids out: deploy fills them in"
        } else {
            "it is the JSON of the registry's InstantiateMsg without the code ids (see docs/cli.md)"
        };
        let e = crate::error::plain_parse_error(&e.to_string());
        CliError::usage(format!("--params {}: {e}", path.display()), hint)
    })
}

/// `--accept DENOM=MIN` or `--accept cw20:ADDR=MIN`.
fn parse_accept(ctx: &Ctx, text: &str) -> CliResult<AcceptedAsset> {
    let bad = || {
        CliError::usage(
            format!("--accept {text:?}"),
            "write DENOM=MIN or cw20:ADDR=MIN, e.g. ustake=1000",
        )
    };
    let (asset, min) = text.split_once('=').ok_or_else(bad)?;
    let min_reward = min.trim().parse::<u128>().map_err(|_| bad())?;
    let info = match asset.strip_prefix("cw20:") {
        Some(addr) => AssetInfo::cw20(ctx.address("--accept cw20 token", addr)?),
        None if coin::valid_denom(asset) => AssetInfo::native(asset),
        None => {
            return Err(CliError::usage(
                format!("--accept {text:?}: {asset:?} is not a valid denom"),
                "write DENOM=MIN, e.g. ustake=1000",
            ))
        }
    };
    Ok(AcceptedAsset {
        info,
        min_reward: Uint128::new(min_reward),
    })
}

/// The instantiate message: defaults, then the params file, then the flags.
fn instantiate_msg(ctx: &Ctx, args: &DeployArgs, sender: &str) -> CliResult<InstantiateMsg> {
    let file = match &args.params {
        Some(path) => read_params(path)?,
        None => ParamsFile::default(),
    };
    let fee_denom = ctx.config.gas_price()?.denom;
    let owner = args
        .owner
        .clone()
        .or(file.owner)
        .map(|o| ctx.address("owner", &o))
        .transpose()?;
    let treasury = match args.treasury.clone().or(file.treasury) {
        Some(t) => ctx.address("treasury", &t)?,
        None => sender.to_string(),
    };
    let accepted_assets = if !args.accept.is_empty() {
        args.accept
            .iter()
            .map(|a| parse_accept(ctx, a))
            .collect::<CliResult<Vec<_>>>()?
    } else if let Some(assets) = file.accepted_assets {
        assets
    } else {
        vec![AcceptedAsset {
            info: AssetInfo::native(&fee_denom),
            min_reward: Uint128::new(args.min_reward.unwrap_or(DEFAULT_MIN_REWARD)),
        }]
    };
    let mut limits = file.limits.unwrap_or_else(default_limits);
    if let Some(v) = args.min_window {
        limits.min_window = v;
    }
    if let Some(v) = args.max_window {
        limits.max_window = v;
    }
    if let Some(v) = args.min_collateral {
        limits.min_collateral = Uint128::new(v);
    }
    let mut staking = file.staking.unwrap_or_else(|| default_staking(&fee_denom));
    if let Some(denom) = &args.bond_denom {
        if !coin::valid_denom(denom) {
            return Err(CliError::usage(
                format!("--bond-denom {denom:?} is not a valid denom"),
                "e.g. --bond-denom ustake",
            ));
        }
        staking.bond_denom = denom.clone();
    }
    if let Some(v) = args.min_stake {
        staking.min_stake = Uint128::new(v);
    }
    if let Some(v) = args.unbonding_period {
        staking.unbonding_period = v;
    }
    let protocol_fee_bps = args
        .protocol_fee_bps
        .or(file.protocol_fee_bps)
        .unwrap_or(DEFAULT_FEE_BPS);
    if !fee::is_rate(protocol_fee_bps) {
        return Err(CliError::usage(
            format!("protocol fee {protocol_fee_bps} bps"),
            "it is at most 10000 (100%)",
        ));
    }
    Ok(InstantiateMsg {
        owner,
        treasury,
        protocol_fee_bps,
        accepted_assets,
        limits,
        staking_code_id: 0,
        settlement_code_id: 0,
        staking,
    })
}

/// Every artifact is there (a clear error before anything is sent).
fn check_artifacts(dir: &Path) -> CliResult<Vec<(String, String)>> {
    ARTIFACTS
        .iter()
        .map(|name| {
            let path = dir.join(name);
            let wasm = std::fs::read(&path).map_err(|e| {
                CliError::usage(
                    format!("cannot read {}: {e}", path.display()),
                    "build the contracts with `bash ci/build-wasm.sh`, or pass --artifacts DIR",
                )
            })?;
            Ok((name.to_string(), hex::encode(Sha256::digest(&wasm))))
        })
        .collect()
}

fn multi_tx_flags(ctx: &Ctx, command: &str) -> CliResult<()> {
    ctx.require_wait(command)?;
    if ctx.global.fees.is_some() || matches!(ctx.global.gas, Some(Gas::Fixed(_))) {
        return Err(CliError::usage(
            format!("`ogpu {command}` sends several transactions, each with --gas auto"),
            "leave out --fees and --gas N (set the price with --gas-prices)",
        ));
    }
    Ok(())
}

/// Refuses to overwrite a deployment file whose registry still answers, unless `--force`.
async fn check_overwrite(ctx: &Ctx, client: &Client, path: &Path, force: bool) -> CliResult<()> {
    if force || !path.exists() {
        return Ok(());
    }
    let existing = Deployment::load(path)?;
    let live = existing.chain_id != ctx.config.chain_id
        || client
            .smart::<registry::ConfigResponse>(&existing.registry, &registry::QueryMsg::Config {})
            .await
            .is_ok();
    if live {
        return Err(CliError::usage(
            format!(
                "{} already holds a deployment (registry {} on {})",
                path.display(),
                existing.registry,
                existing.chain_id
            ),
            "pass --deployment NEW.json to keep it, or --force to replace it",
        ));
    }
    errln!(
        "{}: its contracts are gone from the chain; replacing it",
        path.display()
    );
    Ok(())
}

pub async fn deploy(ctx: &Ctx, args: DeployArgs) -> CliResult<()> {
    multi_tx_flags(ctx, "deploy")?;
    let artifacts = check_artifacts(&args.artifacts)?;
    let mut signer = ctx.signer()?;
    let init = instantiate_msg(ctx, &args, signer.address())?;
    let client = ctx.connect().await?;
    let path = ctx.deployment_path();
    check_overwrite(ctx, &client, &path, args.force).await?;
    if ctx.global.dry_run || !ctx.global.yes {
        let plan = serde_json::json!({
            "dry_run": ctx.global.dry_run,
            "chain_id": ctx.config.chain_id,
            "sender": signer.address(),
            "artifacts": artifacts.iter().map(|(name, sum)| serde_json::json!({"file": name, "checksum": sum})).collect::<Vec<_>>(),
            "instantiate_msg": init,
            "label": args.label,
        });
        if ctx.global.dry_run {
            return if ctx.json() {
                output::json(&plan)
            } else {
                outln!("dry run: would store the codes not yet on chain and instantiate the registry with");
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&plan).unwrap_or_default()
                );
                Ok(())
            };
        }
        errln!(
            "{}",
            serde_json::to_string_pretty(&plan).unwrap_or_default()
        );
        if !prompt::confirm("deploy the suite with these parameters")? {
            return Err(CliError::usage(
                "deployment not confirmed",
                "answer y, or pass -y",
            ));
        }
    }
    let deployment =
        ogpu_client::deploy::deploy(&client, &mut signer, &args.artifacts, init, &args.label)
            .await
            .map_err(tx::failed)?;
    deployment.save(&path)?;
    if ctx.json() {
        output::json(&serde_json::json!({ "deployment": deployment, "file": path }))
    } else {
        print_deployment(&deployment);
        outln!("written to {}", path.display());
        Ok(())
    }
}

pub async fn migrate(ctx: &Ctx, args: MigrateArgs) -> CliResult<()> {
    multi_tx_flags(ctx, "migrate")?;
    let artifacts = check_artifacts(&args.artifacts)?;
    let deployment = ctx.deployment()?;
    let current = [
        &deployment.codes.registry,
        &deployment.codes.staking,
        &deployment.codes.settlement,
    ];
    let changed: Vec<&str> = artifacts
        .iter()
        .zip(current)
        .filter(|((_, sum), record)| *sum != record.checksum)
        .map(|((name, _), _)| name.as_str())
        .collect();
    if changed.is_empty() {
        return if ctx.json() {
            output::json(&serde_json::json!({ "deployment": deployment, "migrated": changed }))
        } else {
            outln!("nothing to migrate: the deployment already runs these artifacts");
            Ok(())
        };
    }
    if ctx.global.dry_run {
        return if ctx.json() {
            output::json(&serde_json::json!({ "dry_run": true, "would_migrate": changed }))
        } else {
            outln!("dry run: would migrate {}", changed.join(", "));
            Ok(())
        };
    }
    if !ctx.global.yes && !prompt::confirm(&format!("migrate {}", changed.join(", ")))? {
        return Err(CliError::usage(
            "migration not confirmed",
            "answer y, or pass -y",
        ));
    }
    let mut signer = ctx.signer()?;
    let client = ctx.connect().await?;
    let upgraded = ogpu_client::deploy::migrate(&client, &mut signer, &deployment, &args.artifacts)
        .await
        .map_err(tx::failed)?;
    let path = ctx.deployment_path();
    upgraded.save(&path)?;
    if ctx.json() {
        output::json(
            &serde_json::json!({ "deployment": upgraded, "migrated": changed, "file": path }),
        )
    } else {
        outln!("migrated {}", changed.join(", "));
        print_deployment(&upgraded);
        Ok(())
    }
}

fn print_deployment(d: &Deployment) {
    outln!("chain id:   {}", d.chain_id);
    outln!(
        "registry:   {} (code {})",
        d.registry,
        d.codes.registry.code_id
    );
    outln!(
        "staking:    {} (code {})",
        d.staking,
        d.codes.staking.code_id
    );
    outln!(
        "settlement: {} (code {})",
        d.settlement,
        d.codes.settlement.code_id
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_files_reject_code_ids_and_typos() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.json");
        std::fs::write(&path, r#"{"staking_code_id": 1}"#).unwrap();
        let err = read_params(&path).unwrap_err();
        assert!(
            err.message.contains("leave the code ids out"),
            "{}",
            err.message
        );
        std::fs::write(&path, r#"{"protocol_fee_bps": 50, "limits": null}"#).unwrap();
        assert_eq!(read_params(&path).unwrap().protocol_fee_bps, Some(50));
    }
}
