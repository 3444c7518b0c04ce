//! wasmd's wasm commands on any contract: `query wasm contract-state smart|raw` and
//! `tx wasm store|instantiate|execute|migrate`, with wasmd's arguments and flags.

use std::io::Write as _;

use base64::Engine as _;
use cosmrs::proto::cosmos::base::v1beta1::Coin;
use cosmrs::proto::cosmwasm::wasm::v1::{
    MsgExecuteContract, MsgInstantiateContract, MsgMigrateContract, MsgStoreCode,
    QueryRawContractStateRequest, QueryRawContractStateResponse, QuerySmartContractStateRequest,
    QuerySmartContractStateResponse,
};
use cosmrs::Any;
use ogpu_client::ClientError;
use prost::Message;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::args::wasm::{AmountArg, ContractStateCmd, Encoding, WasmTxCmd};
use crate::args::{TxCmd, WasmQueryCmd};
use crate::coin;
use crate::context::Ctx;
use crate::error::{CliError, CliResult};
use crate::output;
use crate::tx;

/// The first bytes of a wasm module and of a gzip stream: what `tx wasm store` accepts.
const WASM_MAGIC: &[u8] = b"\0asm";
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

pub async fn query(ctx: &Ctx, cmd: WasmQueryCmd) -> CliResult<()> {
    let WasmQueryCmd::ContractState(cmd) = cmd;
    match cmd {
        ContractStateCmd::Smart {
            contract,
            query,
            encoding,
        } => {
            let contract = ctx.address("contract", &contract)?;
            let query_data = decode("query", &query, encoding, false)?;
            json_message("query", &query_data)?;
            let client = ctx.connect().await?;
            let req = QuerySmartContractStateRequest {
                address: contract.clone(),
                query_data,
            };
            let resp: QuerySmartContractStateResponse = client
                .query("/cosmwasm.wasm.v1.Query/SmartContractState", &req)
                .await
                .map_err(|e| refused(e, &contract))?;
            let data = serde_json::from_slice::<Value>(&resp.data).map_err(|e| {
                CliError::chain(format!(
                    "contract {contract} answered with invalid JSON ({e})"
                ))
            })?;
            if ctx.json() {
                return output::json(&json!({ "data": data }));
            }
            output::json(&data)
        }
        ContractStateCmd::Raw {
            contract,
            key,
            encoding,
        } => {
            let contract = ctx.address("contract", &contract)?;
            let query_data = decode("key", &key, encoding, true)?;
            let client = ctx.connect().await?;
            let req = QueryRawContractStateRequest {
                address: contract.clone(),
                query_data,
            };
            let resp: QueryRawContractStateResponse = client
                .query("/cosmwasm.wasm.v1.Query/RawContractState", &req)
                .await
                .map_err(|e| refused(e, &contract))?;
            let data = base64::engine::general_purpose::STANDARD.encode(&resp.data);
            if ctx.json() {
                return output::json(&json!({ "data": data }));
            }
            if resp.data.is_empty() {
                errln!("no value at this key");
                return Ok(());
            }
            match std::str::from_utf8(&resp.data) {
                Ok(text) => outln!("{text}"),
                Err(_) => outln!("{data}"),
            }
            Ok(())
        }
    }
}

pub async fn tx(ctx: &Ctx, cmd: TxCmd) -> CliResult<()> {
    let TxCmd::Wasm(cmd) = cmd;
    let mut signer = ctx.signer()?;
    let sender = signer.address().to_string();
    let (any, what) = match cmd {
        WasmTxCmd::Store { file } => {
            let wasm = std::fs::read(&file).map_err(|e| {
                CliError::usage(
                    format!("cannot read {}: {e}", file.display()),
                    "give the path of a .wasm file",
                )
            })?;
            let checksum = hex::encode(Sha256::digest(&wasm));
            let msg = MsgStoreCode {
                sender,
                wasm_byte_code: gzipped(&file, wasm)?,
                instantiate_permission: None,
            };
            (any("MsgStoreCode", &msg), Made::Code { checksum })
        }
        WasmTxCmd::Instantiate {
            code_id,
            msg,
            label,
            admin,
            no_admin,
            amount,
        } => {
            let admin = match (admin, no_admin) {
                (Some(admin), _) => ctx.address_or_key("--admin", &admin)?,
                (None, true) => String::new(),
                (None, false) => {
                    return Err(CliError::usage(
                        "neither --admin nor --no-admin was given",
                        "pass --admin ADDR (who may migrate the contract) or --no-admin (nobody may), as wasmd asks",
                    ))
                }
            };
            let msg = MsgInstantiateContract {
                sender,
                admin,
                code_id,
                label,
                msg: json_message("instantiate message", msg.as_bytes())?,
                funds: funds(&amount)?,
            };
            (any("MsgInstantiateContract", &msg), Made::Contract)
        }
        WasmTxCmd::Execute {
            contract,
            msg,
            amount,
        } => {
            let msg = MsgExecuteContract {
                sender,
                contract: ctx.address("contract", &contract)?,
                msg: json_message("execute message", msg.as_bytes())?,
                funds: funds(&amount)?,
            };
            (any("MsgExecuteContract", &msg), Made::Nothing)
        }
        WasmTxCmd::Migrate {
            contract,
            code_id,
            msg,
        } => {
            let msg = MsgMigrateContract {
                sender,
                contract: ctx.address("contract", &contract)?,
                code_id,
                msg: json_message("migrate message", msg.as_bytes())?,
            };
            (any("MsgMigrateContract", &msg), Made::Nothing)
        }
    };
    let client = ctx.connect().await?;
    let Some(sent) = tx::submit(ctx, &client, &mut signer, vec![any]).await? else {
        return Ok(());
    };
    let (extra, text) = what.report(&sent)?;
    tx::print(ctx, &sent, extra, &text)
}

/// What a wasm transaction created, read back from its events.
enum Made {
    Code { checksum: String },
    Contract,
    Nothing,
}

impl Made {
    fn report(self, sent: &tx::Sent) -> CliResult<(Value, Vec<String>)> {
        let event = |kind: &str, key: &str| {
            sent.outcome
                .attribute(kind, key)
                .map(str::to_string)
                .ok_or_else(|| {
                    CliError::chain(format!(
                        "tx {} has no {kind}.{key} event",
                        sent.outcome.hash
                    ))
                })
        };
        Ok(match self {
            Made::Code { checksum } => {
                let code_id = event("store_code", "code_id")?;
                (
                    json!({ "code_id": code_id, "checksum": checksum }),
                    vec![format!("code {code_id} stored (checksum {checksum})")],
                )
            }
            Made::Contract => {
                let address = event("instantiate", "_contract_address")?;
                (
                    json!({ "contract_address": address }),
                    vec![format!("contract {address} instantiated")],
                )
            }
            Made::Nothing => (json!({}), vec![]),
        })
    }
}

fn any(name: &str, msg: &impl Message) -> Any {
    Any {
        type_url: format!("/cosmwasm.wasm.v1.{name}"),
        value: msg.encode_to_vec(),
    }
}

/// The argument's bytes as `--ascii`, `--hex` or `--b64` says, else hex when
/// `default_hex` (raw keys) and as written otherwise (smart queries), as wasmd reads them.
fn decode(what: &str, text: &str, flags: Encoding, default_hex: bool) -> CliResult<Vec<u8>> {
    let bad = |form: &str| {
        CliError::usage(
            format!("the {what} {text:?} is not {form}"),
            "write it in that form, or say how it is written with --ascii, --hex or --b64",
        )
    };
    if flags.b64 {
        return base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|_| bad("base64"));
    }
    if flags.hex || (default_hex && !flags.ascii) {
        return hex::decode(text).map_err(|_| bad("hex"));
    }
    Ok(text.as_bytes().to_vec())
}

/// Checks that `bytes` is one JSON document (as wasmd does before sending it).
fn json_message(what: &str, bytes: &[u8]) -> CliResult<Vec<u8>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(CliError::usage(
            format!("the {what} is empty"),
            "give it as JSON, e.g. '{\"config\":{}}'",
        ));
    }
    serde_json::from_slice::<Value>(bytes).map_err(|e| {
        CliError::usage(
            format!("the {what} is not valid JSON ({e})"),
            "quote it for the shell, e.g. '{\"config\":{}}'",
        )
    })?;
    Ok(bytes.to_vec())
}

/// `--amount 100ustake,5uatom` as the SDK's sorted coin list.
fn funds(amount: &AmountArg) -> CliResult<Vec<Coin>> {
    let Some(text) = &amount.amount else {
        return Ok(vec![]);
    };
    let mut coins = text
        .split(',')
        .map(|part| {
            let parsed = coin::parse("--amount", part)?;
            let denom = parsed.denom.ok_or_else(|| {
                CliError::usage(
                    format!("--amount {part:?} has no denom"),
                    format!("write it like {}ustake", parsed.amount),
                )
            })?;
            Ok(Coin {
                denom,
                amount: parsed.amount.to_string(),
            })
        })
        .collect::<CliResult<Vec<_>>>()?;
    coins.sort_by(|a, b| a.denom.cmp(&b.denom));
    if let Some(pair) = coins.windows(2).find(|w| w[0].denom == w[1].denom) {
        return Err(CliError::usage(
            format!("--amount {text:?} names {} twice", pair[0].denom),
            "give each denom once",
        ));
    }
    Ok(coins)
}

/// The code as the chain stores it: wasm is gzipped, gzip is sent as it is.
fn gzipped(file: &std::path::Path, wasm: Vec<u8>) -> CliResult<Vec<u8>> {
    if wasm.starts_with(GZIP_MAGIC) {
        return Ok(wasm);
    }
    if !wasm.starts_with(WASM_MAGIC) {
        return Err(CliError::usage(
            format!("{} is not a wasm module (no \\0asm header)", file.display()),
            "give a contract's compiled .wasm (or .wasm.gz)",
        ));
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(&wasm)
        .and_then(|()| encoder.finish())
        .map_err(|e| CliError::chain(format!("cannot gzip {}: {e}", file.display())))
}

/// A failed query in the user's terms: no such contract, or the contract's own refusal.
fn refused(err: ClientError, contract: &str) -> CliError {
    match &err {
        ClientError::Query { log, .. }
            if log.contains("no such contract") || log.contains("not found: contract") =>
        {
            CliError::usage(
                format!("no contract at {contract}"),
                "check the address (and --node: is it the right chain?)",
            )
        }
        ClientError::Query { log, .. } => CliError::usage(
            format!(
                "contract {contract} refused the query: {}",
                tx::contract_reason(log)
            ),
            "check the query against the contract's schema",
        ),
        _ => err.into(),
    }
}
