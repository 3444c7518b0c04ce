//! `ogpu provider register|update|bond|unbond|claim|deregister|bid|reveal-bid|show|list`.

mod bid;

use cosmwasm_std::Uint128;
use ogpu_client::deployment::coin;
use ogpu_client::{Client, Deployment};
use ogpu_types::staking::{
    ConfigResponse, ExecuteMsg, ProviderResponse, ProvidersResponse, QueryMsg,
};
use ogpu_types::{Device, DeviceType, ProviderMetadata};
use serde_json::json;

use crate::args::{MetadataArgs, ProviderCmd};
use crate::coin as amount;
use crate::context::Ctx;
use crate::error::{contract_log, CliError, CliResult};
use crate::output;
use crate::tx;

/// Task kinds a provider accepts when none are given.
const DEFAULT_TASK_KINDS: [&str; 2] = ["opencl", "hash_search"];

pub async fn run(ctx: &Ctx, cmd: ProviderCmd) -> CliResult<()> {
    match cmd {
        ProviderCmd::Register { metadata, stake } => {
            let metadata = build_metadata(&metadata, None)?;
            let (deployment, client, config) = staking(ctx).await?;
            let bond_denom = &config.params.bond_denom;
            let stake = match stake {
                Some(text) => amount::parse_in("--stake", &text, bond_denom)?,
                None => config.params.min_stake.u128(),
            };
            if stake < config.params.min_stake.u128() {
                return Err(CliError::usage(
                    format!(
                        "stake {stake}{bond_denom} is below the minimum of {}{bond_denom}",
                        config.params.min_stake
                    ),
                    "raise --stake",
                ));
            }
            let msg = ExecuteMsg::Register { metadata };
            let done = format!("registered with {stake}{bond_denom} staked");
            send(
                ctx,
                &deployment,
                &client,
                &msg,
                Some((bond_denom, stake)),
                done,
            )
            .await
        }
        ProviderCmd::Update { metadata } => {
            let (deployment, client, _) = staking(ctx).await?;
            let address = ctx.sender_address()?;
            let current = provider(&client, &deployment, &address).await?;
            let metadata = build_metadata(&metadata, Some(current.metadata))?;
            send(
                ctx,
                &deployment,
                &client,
                &ExecuteMsg::UpdateMetadata { metadata },
                None,
                "metadata updated".into(),
            )
            .await
        }
        ProviderCmd::Bond { amount: text } => {
            let (deployment, client, config) = staking(ctx).await?;
            let bond_denom = &config.params.bond_denom;
            let value = positive("amount", amount::parse_in("amount", &text, bond_denom)?)?;
            let done = format!("bonded {value}{bond_denom}");
            send(
                ctx,
                &deployment,
                &client,
                &ExecuteMsg::Bond {},
                Some((bond_denom, value)),
                done,
            )
            .await
        }
        ProviderCmd::Unbond {
            amount: text,
            force,
        } => {
            let (deployment, client, config) = staking(ctx).await?;
            let bond_denom = &config.params.bond_denom;
            let value = positive("amount", amount::parse_in("amount", &text, bond_denom)?)?;
            let current = provider(&client, &deployment, &ctx.sender_address()?).await?;
            let free = current.bonded.saturating_sub(current.locked);
            if Uint128::new(value) > free {
                return Err(CliError::usage(
                    format!("cannot unbond {value}{bond_denom}: only {free}{bond_denom} is free ({} locked as collateral)", current.locked),
                    "unbond less, or wait for your tasks to settle",
                ));
            }
            jail_check(&current, value, &config, force)?;
            let done = format!(
                "unbonding {value}{bond_denom}: claim it with `ogpu provider claim` after {} s",
                config.params.unbonding_period
            );
            send(
                ctx,
                &deployment,
                &client,
                &ExecuteMsg::Unbond {
                    amount: Uint128::new(value),
                },
                None,
                done,
            )
            .await
        }
        ProviderCmd::Claim => {
            let (deployment, client, _) = staking(ctx).await?;
            send(
                ctx,
                &deployment,
                &client,
                &ExecuteMsg::Claim {},
                None,
                "claimed the released stake".into(),
            )
            .await
        }
        ProviderCmd::Deregister => {
            let (deployment, client, config) = staking(ctx).await?;
            let done = format!(
                "deregistered: all stake is unbonding; claim it after {} s with `ogpu provider claim`",
                config.params.unbonding_period
            );
            send(
                ctx,
                &deployment,
                &client,
                &ExecuteMsg::Deregister {},
                None,
                done,
            )
            .await
        }
        ProviderCmd::Bid { task_id, price } => bid::bid(ctx, task_id, &price).await,
        ProviderCmd::RevealBid {
            task_id,
            price,
            salt,
        } => bid::reveal(ctx, task_id, price.zip(salt)).await,
        ProviderCmd::Show { address } => {
            let address = match address {
                Some(a) => ctx.address("provider", &a)?,
                None if ctx.has_key() => ctx.sender_address()?,
                None => {
                    return Err(CliError::usage(
                        "no provider given",
                        "pass its ADDRESS or --from KEY",
                    ))
                }
            };
            let deployment = ctx.deployment()?;
            let client = ctx.connect().await?;
            let found = provider(&client, &deployment, &address).await?;
            if ctx.json() {
                output::json(&found)
            } else {
                print_provider(&found);
                Ok(())
            }
        }
        ProviderCmd::List {
            active_only,
            start_after,
            limit,
        } => {
            let start_after = start_after
                .map(|a| ctx.address("--start-after", &a))
                .transpose()?;
            let deployment = ctx.deployment()?;
            let client = ctx.connect().await?;
            let query = QueryMsg::Providers {
                active_only: Some(active_only),
                start_after,
                limit: Some(limit.min(30)),
            };
            let providers = client
                .smart::<ProvidersResponse>(&deployment.staking, &query)
                .await?
                .providers;
            if ctx.json() {
                return output::json(&json!({ "providers": providers }));
            }
            if providers.is_empty() {
                errln!("no providers");
                return Ok(());
            }
            let rows = providers
                .iter()
                .map(|p| {
                    vec![
                        p.address.to_string(),
                        p.metadata.moniker.clone(),
                        output::name(&p.status),
                        p.bonded.to_string(),
                        p.locked.to_string(),
                        p.reputation_score.to_string(),
                    ]
                })
                .collect::<Vec<_>>();
            output::table(
                &["ADDRESS", "MONIKER", "STATUS", "BONDED", "LOCKED", "SCORE"],
                &rows,
            );
            Ok(())
        }
    }
}

/// Unbonding `value` must not leave the provider below the minimum stake — which jails
/// it: it then takes no task until it bonds back up — unless the operator says so.
fn jail_check(
    current: &ProviderResponse,
    value: u128,
    config: &ConfigResponse,
    force: bool,
) -> CliResult<()> {
    let left = current.bonded.u128().saturating_sub(value);
    let min = config.params.min_stake.u128();
    if left >= min || force || current.status != ogpu_types::staking::ProviderStatus::Active {
        return Ok(());
    }
    let denom = &config.params.bond_denom;
    Err(CliError::usage(
        format!(
            "unbonding {value}{denom} leaves {left}{denom} bonded, below the minimum stake of {min}{denom}: the provider would be jailed and pass over every task"
        ),
        format!(
            "unbond at most {}{denom}, or pass --force to be jailed anyway (`ogpu provider deregister` leaves for good)",
            current.bonded.u128().saturating_sub(min)
        ),
    ))
}

fn positive(what: &str, value: u128) -> CliResult<u128> {
    if value == 0 {
        return Err(CliError::usage(
            format!("{what} is zero"),
            "give a positive amount",
        ));
    }
    Ok(value)
}

/// The deployment, the connection and staking's configuration.
async fn staking(ctx: &Ctx) -> CliResult<(Deployment, Client, ConfigResponse)> {
    let deployment = ctx.deployment()?;
    let client = ctx.connect().await?;
    let config = client
        .smart(&deployment.staking, &QueryMsg::Config {})
        .await?;
    Ok((deployment, client, config))
}

async fn provider(
    client: &Client,
    deployment: &Deployment,
    address: &str,
) -> CliResult<ProviderResponse> {
    client
        .smart(
            &deployment.staking,
            &QueryMsg::Provider {
                address: address.to_string(),
            },
        )
        .await
        .map_err(|e| {
            if contract_log(&e).is_some_and(|log| log.contains("is not registered")) {
                CliError::usage(
                    format!("provider {address} is not registered"),
                    "register it with `ogpu provider register`",
                )
            } else {
                e.into()
            }
        })
}

async fn send(
    ctx: &Ctx,
    deployment: &Deployment,
    client: &Client,
    msg: &ExecuteMsg,
    funds: Option<(&String, u128)>,
    done: String,
) -> CliResult<()> {
    let mut signer = ctx.signer()?;
    let funds = match funds {
        Some((denom, value)) => vec![coin(denom, value)?],
        None => vec![],
    };
    let any = deployment.staking().execute(signer.address(), msg, funds)?;
    match tx::submit(ctx, client, &mut signer, vec![any]).await? {
        Some(sent) => tx::print(ctx, &sent, json!({ "provider": signer.address() }), &[done]),
        None => Ok(()),
    }
}

/// Metadata from `--metadata FILE`, else `base` (the current one for `update`), with the
/// flags on top.
fn build_metadata(
    args: &MetadataArgs,
    base: Option<ProviderMetadata>,
) -> CliResult<ProviderMetadata> {
    let from_file = match &args.metadata {
        Some(path) => Some(read_metadata(path)?),
        None => None,
    };
    let mut metadata = match from_file.or(base) {
        Some(m) => m,
        None => ProviderMetadata {
            moniker: args.moniker.clone().ok_or_else(|| {
                CliError::usage("no moniker", "pass --moniker NAME (or --metadata FILE)")
            })?,
            devices: vec![],
            task_kinds: DEFAULT_TASK_KINDS.map(String::from).to_vec(),
        },
    };
    if let Some(moniker) = &args.moniker {
        metadata.moniker = moniker.clone();
    }
    if !args.devices.is_empty() {
        metadata.devices = args
            .devices
            .iter()
            .map(|d| parse_device(d))
            .collect::<CliResult<_>>()?;
    }
    if !args.task_kinds.is_empty() {
        metadata.task_kinds = args.task_kinds.clone();
    }
    if metadata.devices.is_empty() {
        return Err(CliError::usage(
            "no device",
            "describe at least one with --device TYPE:VENDOR:NAME:MEMORY_MB:GFLOPS[:OPENCL_VERSION] (or --metadata FILE)",
        ));
    }
    Ok(metadata)
}

fn read_metadata(path: &std::path::Path) -> CliResult<ProviderMetadata> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(
            format!("cannot read --metadata {}: {e}", path.display()),
            "check the path",
        )
    })?;
    let parsed = if path.extension().is_some_and(|e| e == "toml") {
        toml::from_str(&text).map_err(|e| e.to_string())
    } else {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| {
        CliError::usage(
            format!(
                "--metadata {}: {}",
                path.display(),
                crate::error::plain_parse_error(e.trim())
            ),
            "it holds moniker, devices and task_kinds (see docs/cli.md)",
        )
    })
}

/// `TYPE:VENDOR:NAME:MEMORY_MB:GFLOPS[:OPENCL_VERSION]`.
fn parse_device(text: &str) -> CliResult<Device> {
    let bad = |why: &str| {
        CliError::usage(
            format!("--device {text:?}: {why}"),
            "write TYPE:VENDOR:NAME:MEMORY_MB:GFLOPS[:OPENCL_VERSION], e.g. gpu:NVIDIA:H100:81920:60000:OpenCL 3.0",
        )
    };
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    if parts.len() < 5 {
        return Err(bad("too few fields"));
    }
    let device_type = match parts[0].to_ascii_lowercase().as_str() {
        "gpu" => DeviceType::Gpu,
        "cpu" => DeviceType::Cpu,
        "accelerator" => DeviceType::Accelerator,
        _ => return Err(bad("TYPE is gpu, cpu or accelerator")),
    };
    Ok(Device {
        device_type,
        vendor: parts[1].to_string(),
        name: parts[2].to_string(),
        memory_mb: parts[3]
            .parse()
            .map_err(|_| bad("MEMORY_MB is not a number"))?,
        gflops: parts[4]
            .parse()
            .map_err(|_| bad("GFLOPS is not a number"))?,
        opencl_version: parts.get(5).map_or("OpenCL 1.2", |v| v).to_string(),
    })
}

fn print_provider(p: &ProviderResponse) {
    outln!("address:    {}", p.address);
    outln!("moniker:    {}", p.metadata.moniker);
    outln!("status:     {}", output::name(&p.status));
    outln!("bonded:     {} ({} locked)", p.bonded, p.locked);
    for entry in &p.unbonding {
        outln!(
            "unbonding:  {} at {}",
            entry.amount,
            output::time(entry.release_at)
        );
    }
    outln!(
        "reputation: score {} ({} completed, {} failed, {} slashed)",
        p.reputation_score,
        p.reputation.completed,
        p.reputation.failed,
        p.reputation.slashed
    );
    for e in &p.earnings {
        outln!("earned:     {} {}", e.amount, e.asset);
    }
    if let Some(seconds) = ogpu_client::retention::declared(&p.metadata) {
        outln!(
            "results:    kept and served for {} after delivery",
            ogpu_client::retention::human(seconds)
        );
    }
    for d in &p.metadata.devices {
        outln!(
            "device:     {} {} {} ({} MiB, {} GFLOP/s, {})",
            output::name(&d.device_type),
            d.vendor,
            d.name,
            d.memory_mb,
            d.gflops,
            d.opencl_version
        );
    }
    let kinds: Vec<&str> = p
        .metadata
        .task_kinds
        .iter()
        .map(String::as_str)
        .filter(|k| !ogpu_client::retention::is_tag(k))
        .collect();
    outln!("task kinds: {}", kinds.join(", "));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_parse() {
        let d = parse_device("gpu:NVIDIA:H100:81920:60000:OpenCL 3.0").unwrap();
        assert_eq!(
            (d.device_type, d.memory_mb, d.opencl_version.as_str()),
            (DeviceType::Gpu, 81920, "OpenCL 3.0")
        );
        assert_eq!(
            parse_device("cpu:pocl:cpu:1024:5").unwrap().opencl_version,
            "OpenCL 1.2"
        );
        assert!(parse_device("tpu:x:y:1:1").is_err());
        assert!(parse_device("gpu:x:y:lots:1")
            .unwrap_err()
            .message
            .contains("MEMORY_MB"));
    }
}
