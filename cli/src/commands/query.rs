//! `ogpu query config|escrow|totals|tx|balance`.

use cosmrs::proto::cosmos::bank::v1beta1::{QueryAllBalancesRequest, QueryAllBalancesResponse};
use cosmrs::rpc::Client as _;
use ogpu_types::{registry, settlement, staking};
use serde_json::json;

use crate::args::QueryCmd;
use crate::context::Ctx;
use crate::error::{contract_log, CliError, CliResult};
use crate::output;
use crate::tx_response::TxResponse;

pub async fn run(ctx: &Ctx, cmd: QueryCmd) -> CliResult<()> {
    match cmd {
        QueryCmd::Config => {
            let deployment = ctx.deployment()?;
            let client = ctx.connect().await?;
            let registry: registry::ConfigResponse = client
                .smart(&deployment.registry, &registry::QueryMsg::Config {})
                .await?;
            let staking: staking::ConfigResponse = client
                .smart(&deployment.staking, &staking::QueryMsg::Config {})
                .await?;
            let settlement: settlement::ConfigResponse = client
                .smart(&deployment.settlement, &settlement::QueryMsg::Config {})
                .await?;
            if ctx.json() {
                return output::json(
                    &json!({ "registry": registry, "staking": staking, "settlement": settlement }),
                );
            }
            let l = &registry.limits;
            let p = &staking.params;
            outln!("registry:        {}", deployment.registry);
            outln!("staking:         {}", deployment.staking);
            outln!("settlement:      {}", deployment.settlement);
            outln!("treasury:        {}", registry.treasury);
            outln!("paused:          {}", registry.paused);
            outln!("protocol fee:    {} bps", settlement.protocol_fee_bps);
            for asset in &registry.accepted_assets {
                outln!(
                    "reward asset:    {} (min {})",
                    asset.info,
                    output::amount(asset.min_reward, &asset.info)
                );
            }
            outln!("windows:         {}..={} s", l.min_window, l.max_window);
            outln!("min collateral:  {}{}", l.min_collateral, p.bond_denom);
            outln!(
                "inline limits:   kernel {} B, inputs {} B, result {} B; at most {} args, {} commitments",
                l.max_kernel_bytes, l.max_inline_input_bytes, l.max_inline_result_bytes, l.max_args, l.max_commitments
            );
            outln!("min stake:       {}{}", p.min_stake, p.bond_denom);
            outln!("unbonding:       {} s", p.unbonding_period);
            outln!("slash to client: {} bps", p.slash_client_share_bps);
            outln!("next task id:    {}", registry.next_task_id);
            Ok(())
        }
        QueryCmd::Escrow { task_id } => {
            let deployment = ctx.deployment()?;
            let client = ctx.connect().await?;
            let escrow: Option<settlement::EscrowResponse> = client
                .smart(
                    &deployment.settlement,
                    &settlement::QueryMsg::Escrow { task_id },
                )
                .await?;
            let Some(escrow) = escrow else {
                // Settlement holds an open task's reward but learns of the task at its end.
                let task: ogpu_types::Task = client
                    .smart(
                        &deployment.registry,
                        &registry::QueryMsg::TaskHeader { task_id },
                    )
                    .await
                    .map_err(|e| {
                        if contract_log(&e).is_some_and(|log| log.contains("not found")) {
                            CliError::usage(
                                format!("no task {task_id}"),
                                "list the tasks with `ogpu task list`",
                            )
                        } else {
                            e.into()
                        }
                    })?;
                if ctx.json() {
                    return output::json(&json!({ "task_id": task_id, "held": task.reward }));
                }
                outln!("task:      {task_id} (open)");
                outln!("payer:     {}", task.client);
                outln!("held:      {}", output::asset(&task.reward));
                return Ok(());
            };
            if ctx.json() {
                return output::json(&escrow);
            }
            outln!("task:      {}", escrow.task_id);
            outln!("payer:     {}", escrow.payer);
            outln!("deposit:   {}", output::asset(&escrow.deposit));
            outln!("status:    {}", output::name(&escrow.status));
            outln!("paid out:  {}", escrow.paid_out);
            outln!("fees:      {}", escrow.fees);
            outln!("refunded:  {}", escrow.refunded);
            Ok(())
        }
        QueryCmd::Totals => {
            let deployment = ctx.deployment()?;
            let client = ctx.connect().await?;
            let settlement: settlement::TotalsResponse = client
                .smart(&deployment.settlement, &settlement::QueryMsg::Totals {})
                .await?;
            let staking: staking::StakingTotals = client
                .smart(&deployment.staking, &staking::QueryMsg::Totals {})
                .await?;
            if ctx.json() {
                return output::json(&json!({ "settlement": settlement, "staking": staking }));
            }
            let rows = settlement
                .totals
                .iter()
                .map(|t| {
                    vec![
                        t.info.to_string(),
                        t.deposited.to_string(),
                        t.paid_out.to_string(),
                        t.fees.to_string(),
                        t.refunded.to_string(),
                        t.credited.to_string(),
                    ]
                })
                .collect::<Vec<_>>();
            output::table(
                &[
                    "ASSET",
                    "DEPOSITED",
                    "PAID OUT",
                    "FEES",
                    "REFUNDED",
                    "CREDITED",
                ],
                &rows,
            );
            outln!();
            outln!(
                "stake ({}): bonded {}, unbonding {}, slashed {}",
                staking.bond_denom,
                staking.bonded,
                staking.unbonding,
                staking.slashed
            );
            Ok(())
        }
        QueryCmd::Tx { hash } => {
            let bad = || {
                CliError::usage(
                    format!("{hash:?} is not a transaction hash"),
                    "give its 64 hex characters",
                )
            };
            let bytes = hex::decode(&hash).map_err(|_| bad())?;
            let parsed = cosmrs::tendermint::Hash::try_from(bytes).map_err(|_| bad())?;
            let client = ctx.connect().await?;
            let found = client.rpc().tx(parsed, false).await.map_err(|e| {
                if e.to_string().contains("not found") {
                    CliError::usage(
                        format!("tx {hash} not found on {}", ctx.config.chain_id),
                        "check the hash and --node (a tx sent with --broadcast-mode sync|async may not be in a block yet)",
                    )
                } else {
                    crate::error::unreachable(&ctx.config.node, &e)
                }
            })?;
            let tx = TxResponse::included(&found);
            if ctx.json() {
                return output::json(&tx);
            }
            outln!("hash:     {}", tx.txhash);
            outln!("height:   {}", tx.height);
            outln!(
                "code:     {}{}",
                tx.code,
                if tx.code == 0 { " (success)" } else { "" }
            );
            if tx.code != 0 {
                outln!("log:      {}", tx.raw_log);
            }
            outln!("gas:      {} used of {}", tx.gas_used, tx.gas_wanted);
            for event in &tx.events {
                let attrs = event
                    .attributes
                    .iter()
                    .map(|a| format!("{}={}", a.key, a.value))
                    .collect::<Vec<_>>()
                    .join(" ");
                outln!("event:    {} {attrs}", event.kind);
            }
            Ok(())
        }
        QueryCmd::Wasm(cmd) => crate::commands::wasm::query(ctx, cmd).await,
        QueryCmd::Balance { address, denom } => {
            let address = ctx.address_or_key("address", &address)?;
            let client = ctx.connect().await?;
            let balances: Vec<(String, String)> = match denom {
                Some(denom) => {
                    if !crate::coin::valid_denom(&denom) {
                        return Err(CliError::usage(
                            format!("--denom {denom:?} is not a valid denom"),
                            "e.g. --denom ustake",
                        ));
                    }
                    vec![(
                        denom.clone(),
                        client.balance(&address, &denom).await?.to_string(),
                    )]
                }
                None => {
                    let req = QueryAllBalancesRequest {
                        address: address.clone(),
                        pagination: None,
                        resolve_denom: false,
                    };
                    let resp: QueryAllBalancesResponse = client
                        .query("/cosmos.bank.v1beta1.Query/AllBalances", &req)
                        .await?;
                    resp.balances
                        .into_iter()
                        .map(|c| (c.denom, c.amount))
                        .collect()
                }
            };
            if ctx.json() {
                let list: Vec<_> = balances
                    .iter()
                    .map(|(d, a)| json!({ "denom": d, "amount": a }))
                    .collect();
                return output::json(&json!({ "address": address, "balances": list }));
            }
            if balances.is_empty() {
                outln!("{address} holds nothing");
            }
            for (denom, amount) in balances {
                outln!("{amount}{denom}");
            }
            Ok(())
        }
    }
}
