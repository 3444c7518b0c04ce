//! Sending a transaction the way every command does, through `ogpu-client`'s one send
//! pipeline (estimate, sign, broadcast, sequence retry, wait): gas (`--gas`; a limit above
//! `max_gas` is refused), fee (`--gas-prices` or a fixed `--fees`), the confirmation prompt
//! (`-y` skips it), `--dry-run` (sign and print, never broadcast), `--broadcast-mode`.

use base64::Engine as _;
use cosmrs::proto::cosmwasm::wasm::v1::{
    MsgExecuteContract, MsgInstantiateContract, MsgMigrateContract, MsgStoreCode,
};
use cosmrs::rpc::Client as _;
use cosmrs::Any;
use cosmwasm_std::Decimal;
use ogpu_client::{Client, ClientError, Gas, Signer, TxOutcome};
use prost::Message;
use serde::Serialize;
use serde_json::{json, Value};

use crate::coin;
use crate::context::Ctx;
use crate::error::{CliError, CliResult};
use crate::output;
use crate::prompt;
use crate::settings::BroadcastMode;
use crate::tx_response::TxResponse;

/// An included transaction and the fee it paid.
pub struct Sent {
    pub outcome: TxOutcome,
    /// The same transaction as `-o json` prints it.
    pub response: TxResponse,
    pub fee: String,
}

/// What `--dry-run` prints.
#[derive(Serialize)]
struct DryRun {
    dry_run: bool,
    chain_id: String,
    signer: String,
    gas: u64,
    fee: String,
    messages: Vec<Value>,
    /// The signed `TxRaw`, base64: broadcast it later with any Cosmos tool.
    tx_bytes: String,
}

/// Signs and sends `msgs` from `signer`; `None` when there is no block to report on yet:
/// with `--dry-run` (the tx was printed, not sent) and `--broadcast-mode sync|async` (it was
/// sent and its hash printed).
pub async fn submit(
    ctx: &Ctx,
    client: &Client,
    signer: &mut Signer,
    msgs: Vec<Any>,
) -> CliResult<Option<Sent>> {
    let (fixed_fee_client, gas) = match &ctx.global.fees {
        Some(fees) => {
            let (client, gas) = fixed_fee(ctx, client, signer, &msgs, fees).await?;
            (Some(client), gas)
        }
        None => (None, ctx.gas()),
    };
    let client = fixed_fee_client.as_ref().unwrap_or(client);
    let mut gas = gas;
    if ctx.global.dry_run || !ctx.global.yes {
        let signed = client.sign(signer, &msgs, gas).await.map_err(failed)?;
        let fee = coin_text(&signed.fee);
        let messages = msgs.iter().map(describe).collect::<Vec<_>>();
        if ctx.global.dry_run {
            let dry = DryRun {
                dry_run: true,
                chain_id: client.config().chain_id.clone(),
                signer: signer.address().to_string(),
                gas: signed.gas,
                fee,
                messages,
                tx_bytes: base64::engine::general_purpose::STANDARD.encode(&signed.bytes),
            };
            if ctx.json() {
                output::json(&dry)?;
            } else {
                outln!("dry run: signed, not broadcast");
                outln!("signer:   {}", dry.signer);
                outln!("chain id: {}", dry.chain_id);
                outln!("gas:      {}", dry.gas);
                outln!("fee:      {}", dry.fee);
                for message in &dry.messages {
                    outln!("message:  {message}");
                }
                outln!("tx bytes: {}", dry.tx_bytes);
            }
            return Ok(None);
        }
        errln!("from {} on {}:", signer.address(), client.config().chain_id);
        for message in &messages {
            errln!("  {message}");
        }
        errln!("gas {}, fee {fee}", signed.gas);
        if !prompt::confirm("confirm transaction before signing and broadcasting")? {
            return Err(CliError::usage(
                "transaction not confirmed",
                "answer y, or pass -y to skip the question",
            ));
        }
        gas = Gas::Fixed(signed.gas);
    }
    if ctx.broadcast_mode != BroadcastMode::Wait {
        let (response, fee) = broadcast(ctx, client, signer, &msgs, gas).await?;
        print_broadcast(ctx, &response, &fee)?;
        return Ok(None);
    }
    let outcome = client.send(signer, msgs, gas).await.map_err(failed)?;
    let fee = client.fee_for(outcome.gas_wanted)?;
    let response = included(client, &outcome.hash).await?;
    Ok(Some(Sent {
        fee: coin_text(&fee),
        response,
        outcome,
    }))
}

/// `--broadcast-mode sync` (the send pipeline up to the node's CheckTx) or `async` (signed
/// and sent, unchecked): the SDK's response and the fee.
async fn broadcast(
    ctx: &Ctx,
    client: &Client,
    signer: &mut Signer,
    msgs: &[Any],
    gas: Gas,
) -> CliResult<(TxResponse, String)> {
    if ctx.broadcast_mode == BroadcastMode::Sync {
        let (hash, signed) = client.submit(signer, msgs, gas).await.map_err(failed)?;
        let response = TxResponse::broadcast(hash.to_string(), 0, String::new(), String::new());
        return Ok((response, coin_text(&signed.fee)));
    }
    let signed = client.sign(signer, msgs, gas).await.map_err(failed)?;
    let answer = client
        .rpc()
        .broadcast_tx_async(signed.bytes)
        .await
        .map_err(|e| crate::error::unreachable(&client.config().node, &e))?;
    let response = TxResponse::broadcast(
        answer.hash.to_string(),
        answer.code.value(),
        answer.codespace,
        answer.log,
    );
    Ok((response, coin_text(&signed.fee)))
}

fn coin_text(coin: &cosmrs::Coin) -> String {
    format!("{}{}", coin.amount, coin.denom)
}

fn print_broadcast(ctx: &Ctx, response: &TxResponse, fee: &str) -> CliResult<()> {
    if ctx.json() {
        return output::json(&document(response, fee, json!({})));
    }
    let state = match ctx.broadcast_mode {
        BroadcastMode::Sync => "accepted by the node, not in a block yet",
        _ => "sent, not checked by the node yet",
    };
    outln!("tx {} {state} (fee {fee})", response.txhash);
    outln!("see what it did with `ogpu query tx {}`", response.txhash);
    Ok(())
}

/// The node's record of an included transaction, in the SDK's shape.
async fn included(client: &Client, hash: &str) -> CliResult<TxResponse> {
    let parsed: cosmrs::tendermint::Hash = hash
        .parse()
        .map_err(|_| CliError::chain(format!("the node returned a bad tx hash {hash:?}")))?;
    let tx = client
        .rpc()
        .tx(parsed, false)
        .await
        .map_err(|e| crate::error::unreachable(&client.config().node, &e))?;
    Ok(TxResponse::included(&tx))
}

/// `--fees`: a client whose gas price makes exactly this fee for the gas, and that gas.
async fn fixed_fee(
    ctx: &Ctx,
    client: &Client,
    signer: &mut Signer,
    msgs: &[Any],
    fees: &str,
) -> CliResult<(Client, Gas)> {
    let fee = coin::parse("--fees", fees)?;
    let denom = fee.denom.ok_or_else(|| {
        CliError::usage(
            format!("--fees {fees:?} has no denom"),
            format!("write it like {fees}{}", fee_denom(client)),
        )
    })?;
    let gas = client
        .estimate(signer, msgs, ctx.gas())
        .await
        .map_err(failed)?;
    if gas == 0 {
        return Err(CliError::usage(
            "--gas 0",
            "give a positive gas limit or --gas auto",
        ));
    }
    // price = fee / gas, floored at 18 decimals: gas × price rounded up is the fee again
    // for any gas below 10^18.
    let price = Decimal::checked_from_ratio(fee.amount, gas).map_err(|_| {
        CliError::usage(
            format!("--fees {fees:?} is too large"),
            "give a smaller fee",
        )
    })?;
    let mut config = client.config().clone();
    config.gas_prices = format!("{price}{denom}");
    Ok((ctx.connect_to(config).await?, Gas::Fixed(gas)))
}

/// A failed simulation means nothing was sent: say so, with the chain's reason.
pub fn failed(err: ClientError) -> CliError {
    match err {
        ClientError::Query {
            path, code, log, ..
        } if path.contains("Simulate") => CliError::chain(format!(
            "the transaction would fail (simulation, code {code}): {}: nothing was sent",
            contract_reason(&log)
        )),
        other => other.into(),
    }
}

/// The contract's own words out of an SDK log: without the `failed to execute message;
/// message index: N:` prefix and the `: execute wasm contract failed …` suffix.
pub fn contract_reason(log: &str) -> &str {
    const INDEX: &str = "message index: ";
    let start = log
        .find(INDEX)
        .map(|i| i + INDEX.len())
        .and_then(|i| log[i..].find(": ").map(|j| i + j + 2))
        .unwrap_or(0);
    let rest = &log[start..];
    let end = [
        ": execute wasm contract failed",
        ": instantiate wasm contract failed",
        ": migrate wasm contract failed",
        ": query wasm contract failed",
        " With gas wanted:",
    ]
    .iter()
    .filter_map(|suffix| rest.find(suffix))
    .min()
    .unwrap_or(rest.len());
    rest[..end].trim()
}

fn fee_denom(client: &Client) -> String {
    client
        .config()
        .gas_price()
        .map(|p| p.denom)
        .unwrap_or_default()
}

/// A message as JSON for people: contract messages decoded, code bytes summarized.
pub fn describe(any: &Any) -> Value {
    let funds = |funds: &[cosmrs::proto::cosmos::base::v1beta1::Coin]| {
        funds
            .iter()
            .map(|c| format!("{}{}", c.amount, c.denom))
            .collect::<Vec<_>>()
    };
    let msg_json = |bytes: &[u8]| {
        serde_json::from_slice::<Value>(bytes)
            .unwrap_or_else(|_| json!(String::from_utf8_lossy(bytes)))
    };
    match any.type_url.as_str() {
        "/cosmwasm.wasm.v1.MsgExecuteContract" => {
            match MsgExecuteContract::decode(any.value.as_slice()) {
                Ok(m) => {
                    json!({"@type": any.type_url, "sender": m.sender, "contract": m.contract, "msg": msg_json(&m.msg), "funds": funds(&m.funds)})
                }
                Err(_) => opaque(any),
            }
        }
        "/cosmwasm.wasm.v1.MsgStoreCode" => match MsgStoreCode::decode(any.value.as_slice()) {
            Ok(m) => {
                json!({"@type": any.type_url, "sender": m.sender, "wasm_byte_code_bytes": m.wasm_byte_code.len()})
            }
            Err(_) => opaque(any),
        },
        "/cosmwasm.wasm.v1.MsgInstantiateContract" => {
            match MsgInstantiateContract::decode(any.value.as_slice()) {
                Ok(m) => {
                    json!({"@type": any.type_url, "sender": m.sender, "admin": m.admin, "code_id": m.code_id, "label": m.label, "msg": msg_json(&m.msg), "funds": funds(&m.funds)})
                }
                Err(_) => opaque(any),
            }
        }
        "/cosmwasm.wasm.v1.MsgMigrateContract" => {
            match MsgMigrateContract::decode(any.value.as_slice()) {
                Ok(m) => {
                    json!({"@type": any.type_url, "sender": m.sender, "contract": m.contract, "code_id": m.code_id, "msg": msg_json(&m.msg)})
                }
                Err(_) => opaque(any),
            }
        }
        _ => opaque(any),
    }
}

fn opaque(any: &Any) -> Value {
    json!({"@type": any.type_url, "value": base64::engine::general_purpose::STANDARD.encode(&any.value)})
}

/// The text line of an included transaction.
pub fn summary(sent: &Sent) -> String {
    let o = &sent.outcome;
    format!(
        "tx {} included at height {} (gas {}/{}, fee {})",
        o.hash, o.height, o.gas_used, o.gas_wanted, sent.fee
    )
}

/// A transaction command's JSON: the SDK's TxResponse fields, `fee`, then the command's
/// own fields (`task_id`, `code_id`, …).
pub fn document(response: &TxResponse, fee: &str, extra: Value) -> Value {
    let mut doc = serde_json::to_value(response).unwrap_or_default();
    if let (Value::Object(doc), Value::Object(extra)) = (&mut doc, extra) {
        doc.insert("fee".into(), json!(fee));
        doc.extend(extra);
    }
    doc
}

/// Prints a transaction command's result: [`document`] in JSON, the summary and the `text`
/// lines otherwise.
pub fn print(ctx: &Ctx, sent: &Sent, extra: Value, text: &[String]) -> CliResult<()> {
    if ctx.json() {
        output::json(&document(&sent.response, &sent.fee, extra))
    } else {
        outln!("{}", summary(sent));
        for line in text {
            outln!("{line}");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn contract_reasons_are_cut_out_of_sdk_logs() {
        let log = "failed to execute message; message index: 0: invalid metadata: 1..=8 devices: \
                   execute wasm contract failed With gas wanted: '0' and gas used: '89266'";
        assert_eq!(
            super::contract_reason(log),
            "invalid metadata: 1..=8 devices"
        );
        assert_eq!(super::contract_reason("out of gas"), "out of gas");
        let log = "can not migrate: unauthorized With gas wanted: '0' and gas used: '23335'";
        assert_eq!(super::contract_reason(log), "can not migrate: unauthorized");
        let log = "Missing export migrate: migrate wasm contract failed";
        assert_eq!(super::contract_reason(log), "Missing export migrate");
    }
}
