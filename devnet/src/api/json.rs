//! Protobuf messages as JSON the way the SDK's REST server writes them: gogoproto's jsonpb
//! with `OrigName` and `EmitDefaults` (`server/api`, `codec/types/interface_registry.go`).
//! Fields keep the proto's names (snake_case) and order, every field is written even when
//! empty, 64-bit integers are strings, bytes are base64 (`null` when empty), enums are
//! their names and an `Any` is unpacked into `{"@type": url, ...fields}`.
//!
//! Not pbjson's serde impls (cosmos-sdk-proto's `serde` feature): they write camelCase and
//! leave out default values, so an account with number 0 would have no `account_number`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cosmrs::proto::cosmos::auth::v1beta1::{BaseAccount, QueryAccountResponse};
use cosmrs::proto::cosmos::bank::v1beta1 as bank;
use cosmrs::proto::cosmos::base::abci::v1beta1::{
    AbciMessageLog, Attribute, GasInfo, Result as AbciResult, StringEvent, TxResponse,
};
use cosmrs::proto::cosmos::base::query::v1beta1::PageResponse;
use cosmrs::proto::cosmos::base::tendermint::v1beta1 as node;
use cosmrs::proto::cosmos::base::v1beta1::Coin;
use cosmrs::proto::cosmos::crypto::secp256k1::PubKey;
use cosmrs::proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmrs::proto::cosmos::tx::v1beta1::{self as tx, mode_info};
use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use cosmrs::proto::tendermint::abci::{Event, EventAttribute};
use cosmrs::proto::tendermint::google::protobuf::{Duration, Timestamp};
use cosmrs::proto::tendermint::p2p;
use cosmrs::proto::tendermint::types as comet;
use cosmrs::proto::tendermint::version::Consensus;
use cosmrs::Any;
use prost::{Message, Name};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// JSON whose objects keep their fields in the order written (the proto's order, as the SDK
/// writes them): serde_json's `Value` would sort them by name.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`, a boolean, number or string, or JSON a contract wrote.
    Plain(Value),
    Array(Vec<Json>),
    Object(Vec<(&'static str, Json)>),
}

impl Json {
    fn plain(value: impl Into<Value>) -> Self {
        Json::Plain(value.into())
    }

    const NULL: Json = Json::Plain(Value::Null);
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Plain(value) => value.serialize(serializer),
            Json::Array(items) => serializer.collect_seq(items),
            Json::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (name, value) in fields {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
        }
    }
}

/// A value as the SDK's REST server writes it.
pub trait Gateway {
    fn json(&self) -> Json;
}

impl Gateway for String {
    fn json(&self) -> Json {
        Json::plain(self.as_str())
    }
}

impl Gateway for bool {
    fn json(&self) -> Json {
        Json::plain(*self)
    }
}

/// 32-bit integers are JSON numbers.
impl Gateway for u32 {
    fn json(&self) -> Json {
        Json::plain(*self)
    }
}

impl Gateway for i32 {
    fn json(&self) -> Json {
        Json::plain(*self)
    }
}

/// 64-bit integers are strings: JavaScript's numbers cannot hold them.
impl Gateway for u64 {
    fn json(&self) -> Json {
        Json::plain(self.to_string())
    }
}

impl Gateway for i64 {
    fn json(&self) -> Json {
        Json::plain(self.to_string())
    }
}

/// Go's nil byte slice is `null`; the proto decoder gives nil for an empty field.
impl Gateway for Vec<u8> {
    fn json(&self) -> Json {
        if self.is_empty() {
            Json::NULL
        } else {
            Json::plain(STANDARD.encode(self))
        }
    }
}

impl<T: Gateway> Gateway for Vec<T> {
    fn json(&self) -> Json {
        Json::Array(self.iter().map(Gateway::json).collect())
    }
}

impl<T: Gateway> Gateway for Option<T> {
    fn json(&self) -> Json {
        self.as_ref().map_or(Json::NULL, Gateway::json)
    }
}

/// RFC 3339 with the fraction Go's `time.RFC3339Nano` keeps (trailing zeros dropped).
impl Gateway for Timestamp {
    fn json(&self) -> Json {
        tendermint::Time::try_from(*self).map_or(Json::NULL, |time| Json::plain(time.to_rfc3339()))
    }
}

/// Seconds with an `s`, the fraction only when there is one (`172800s`, `1.5s`).
impl Gateway for Duration {
    fn json(&self) -> Json {
        let nanos = i128::from(self.seconds) * 1_000_000_000 + i128::from(self.nanos);
        let (seconds, fraction) = (nanos / 1_000_000_000, (nanos % 1_000_000_000).abs());
        let text = if fraction == 0 {
            format!("{seconds}s")
        } else {
            format!(
                "{seconds}.{}s",
                format!("{fraction:09}").trim_end_matches('0')
            )
        };
        Json::plain(text)
    }
}

/// Unpacked by type URL as the SDK's interface registry does. A type this chain never
/// produces is written packed, `{"@type", "value"}`, rather than refused.
impl Gateway for Any {
    fn json(&self) -> Json {
        let mut object = vec![("@type", Json::plain(self.type_url.as_str()))];
        match unpack(self) {
            Some(Json::Object(fields)) => object.extend(fields),
            _ => object.push(("value", self.value.json())),
        }
        Json::Object(object)
    }
}

/// The message types an `Any` on this chain can hold: accounts, keys, transactions, the
/// messages it executes and their responses.
fn unpack(any: &Any) -> Option<Json> {
    fn as_json<M: Message + Name + Default + Gateway>(any: &Any) -> Option<Json> {
        (any.type_url == M::type_url())
            .then(|| M::decode(any.value.as_slice()).ok().map(|m| m.json()))?
    }
    as_json::<BaseAccount>(any)
        .or_else(|| as_json::<PubKey>(any))
        .or_else(|| as_json::<tx::Tx>(any))
        .or_else(|| as_json::<bank::MsgSend>(any))
        .or_else(|| as_json::<bank::MsgSendResponse>(any))
        .or_else(|| as_json::<wasm::MsgStoreCode>(any))
        .or_else(|| as_json::<wasm::MsgStoreCodeResponse>(any))
        .or_else(|| as_json::<wasm::MsgInstantiateContract>(any))
        .or_else(|| as_json::<wasm::MsgInstantiateContractResponse>(any))
        .or_else(|| as_json::<wasm::MsgInstantiateContract2>(any))
        .or_else(|| as_json::<wasm::MsgInstantiateContract2Response>(any))
        .or_else(|| as_json::<wasm::MsgExecuteContract>(any))
        .or_else(|| as_json::<wasm::MsgExecuteContractResponse>(any))
        .or_else(|| as_json::<wasm::MsgMigrateContract>(any))
        .or_else(|| as_json::<wasm::MsgMigrateContractResponse>(any))
        .or_else(|| as_json::<wasm::MsgUpdateAdmin>(any))
        .or_else(|| as_json::<wasm::MsgUpdateAdminResponse>(any))
        .or_else(|| as_json::<wasm::MsgClearAdmin>(any))
        .or_else(|| as_json::<wasm::MsgClearAdminResponse>(any))
}

/// wasmd's `RawContractMessage` (contract messages, smart query results) is JSON in JSON.
fn raw_json(bytes: &Vec<u8>) -> Json {
    serde_json::from_slice(bytes).map_or_else(|_| bytes.json(), Json::Plain)
}

/// `HexBytes` (wasmd's code hashes) are upper-case hex.
fn hex_upper(bytes: &Vec<u8>) -> Json {
    Json::plain(hex::encode_upper(bytes))
}

fn sign_mode(mode: &i32) -> Json {
    SignMode::try_from(*mode).map_or_else(|_| mode.json(), |m| Json::plain(m.as_str_name()))
}

fn block_id_flag(flag: &i32) -> Json {
    comet::BlockIdFlag::try_from(*flag)
        .map_or_else(|_| flag.json(), |f| Json::plain(f.as_str_name()))
}

/// wasmd names access types by their Go constant suffix (`Everybody`, `AnyOfAddresses`).
fn access_type(permission: &i32) -> Json {
    let Ok(access) = wasm::AccessType::try_from(*permission) else {
        return permission.json();
    };
    let words = access
        .as_str_name()
        .trim_start_matches("ACCESS_TYPE_")
        .split('_');
    let name: String = words
        .map(|word| word[..1].to_string() + &word[1..].to_lowercase())
        .collect();
    Json::plain(name)
}

/// Writes `{ field: value, ... }` for each message, in field order; `field as f` writes the
/// field with `f` instead of its type's `Gateway`.
macro_rules! messages {
    ($($ty:ty { $($field:ident $(as $with:path)?),* $(,)? })*) => {
        $(impl Gateway for $ty {
            #[allow(deprecated)] // the SDK still writes deprecated fields
            fn json(&self) -> Json {
                Json::Object(vec![
                    $((stringify!($field), messages!(@value self.$field $(, $with)?)),)*
                ])
            }
        })*
    };
    (@value $value:expr) => { Gateway::json(&$value) };
    (@value $value:expr, $with:path) => { $with(&$value) };
}

messages! {
    Coin { denom, amount }
    PageResponse { next_key, total }
    PubKey { key }
    BaseAccount { address, pub_key, account_number, sequence }
    QueryAccountResponse { account }

    bank::QueryBalanceResponse { balance }
    bank::QueryAllBalancesResponse { balances, pagination }
    bank::QueryTotalSupplyResponse { supply, pagination }
    bank::QuerySupplyOfResponse { amount }
    bank::MsgSend { from_address, to_address, amount }
    bank::MsgSendResponse {}

    wasm::QuerySmartContractStateResponse { data as raw_json }
    wasm::QueryRawContractStateResponse { data }
    wasm::QueryContractInfoResponse { address, contract_info }
    wasm::ContractInfo { code_id, creator, admin, label, created, ibc_port_id, extension }
    wasm::AbsoluteTxPosition { block_height, tx_index }
    wasm::QueryCodeResponse { code_info, data }
    wasm::QueryCodesResponse { code_infos, pagination }
    wasm::CodeInfoResponse { code_id, creator, data_hash as hex_upper, instantiate_permission }
    wasm::AccessConfig { permission as access_type, addresses }
    wasm::QueryContractsByCodeResponse { contracts, pagination }
    wasm::MsgStoreCode { sender, wasm_byte_code, instantiate_permission }
    wasm::MsgStoreCodeResponse { code_id, checksum }
    wasm::MsgInstantiateContract { sender, admin, code_id, label, msg as raw_json, funds }
    wasm::MsgInstantiateContractResponse { address, data }
    wasm::MsgInstantiateContract2 { sender, admin, code_id, label, msg as raw_json, funds, salt, fix_msg }
    wasm::MsgInstantiateContract2Response { address, data }
    wasm::MsgExecuteContract { sender, contract, msg as raw_json, funds }
    wasm::MsgExecuteContractResponse { data }
    wasm::MsgMigrateContract { sender, contract, code_id, msg as raw_json }
    wasm::MsgMigrateContractResponse { data }
    wasm::MsgUpdateAdmin { sender, new_admin, contract }
    wasm::MsgUpdateAdminResponse {}
    wasm::MsgClearAdmin { sender, contract }
    wasm::MsgClearAdminResponse {}

    tx::Tx { body, auth_info, signatures }
    tx::TxBody { messages, memo, timeout_height, extension_options, non_critical_extension_options }
    tx::AuthInfo { signer_infos, fee, tip }
    tx::SignerInfo { public_key, mode_info, sequence }
    mode_info::Single { mode as sign_mode }
    tx::Fee { amount, gas_limit, payer, granter }
    tx::Tip { amount, tipper }
    tx::SimulateResponse { gas_info, result }
    tx::BroadcastTxResponse { tx_response }
    tx::GetTxResponse { tx, tx_response }
    tx::GetTxsEventResponse { txs, tx_responses, pagination, total }
    tx::GetBlockWithTxsResponse { txs, block_id, block, pagination }
    GasInfo { gas_wanted, gas_used }
    AbciResult { data, log, events, msg_responses }
    TxResponse { height, txhash, codespace, code, data, raw_log, logs, info, gas_wanted, gas_used, tx, timestamp, events }
    AbciMessageLog { msg_index, log, events }
    Attribute { key, value }
    EventAttribute { key, value, index }

    node::GetNodeInfoResponse { default_node_info, application_version }
    node::VersionInfo { name, app_name, version, git_commit, build_tags, go_version, build_deps, cosmos_sdk_version }
    node::Module { path, version, sum }
    node::GetSyncingResponse { syncing }
    node::GetLatestBlockResponse { block_id, block, sdk_block }
    node::GetBlockByHeightResponse { block_id, block, sdk_block }
    node::Block { header, data, evidence, last_commit }
    node::Header { version, chain_id, height, time, last_block_id, last_commit_hash, data_hash, validators_hash, next_validators_hash, consensus_hash, app_hash, last_results_hash, evidence_hash, proposer_address }
    p2p::DefaultNodeInfo { protocol_version, default_node_id, listen_addr, network, version, channels, moniker, other }
    p2p::ProtocolVersion { p2p, block, app }
    p2p::DefaultNodeInfoOther { tx_index, rpc_address }
    comet::BlockId { hash, part_set_header }
    comet::PartSetHeader { total, hash }
    comet::Block { header, data, evidence, last_commit }
    comet::Header { version, chain_id, height, time, last_block_id, last_commit_hash, data_hash, validators_hash, next_validators_hash, consensus_hash, app_hash, last_results_hash, evidence_hash, proposer_address }
    comet::Data { txs }
    comet::Commit { height, round, block_id, signatures }
    comet::CommitSig { block_id_flag as block_id_flag, validator_address, timestamp, signature }
    Consensus { block, app }
    comet::ConsensusParams { block, evidence, validator, version, abci }
    comet::BlockParams { max_bytes, max_gas }
    comet::EvidenceParams { max_age_num_blocks, max_age_duration, max_bytes }
    comet::ValidatorParams { pub_key_types }
    comet::VersionParams { app }
    comet::AbciParams { vote_extensions_enable_height }
}

/// `type` is a keyword in Rust: prost names the field `r#type`.
impl Gateway for Event {
    fn json(&self) -> Json {
        Json::Object(vec![
            ("type", self.r#type.json()),
            ("attributes", self.attributes.json()),
        ])
    }
}

impl Gateway for StringEvent {
    fn json(&self) -> Json {
        Json::Object(vec![
            ("type", self.r#type.json()),
            ("attributes", self.attributes.json()),
        ])
    }
}

/// A oneof is written as its set case (`{"single": {...}}`); the ante handler refuses
/// multisig signers, so no stored transaction has another.
impl Gateway for tx::ModeInfo {
    fn json(&self) -> Json {
        match &self.sum {
            Some(mode_info::Sum::Single(single)) => Json::Object(vec![("single", single.json())]),
            Some(mode_info::Sum::Multi(_)) | None => Json::Object(Vec::new()),
        }
    }
}

/// The devnet has one validator and no evidence: the list is always empty.
impl Gateway for comet::EvidenceList {
    fn json(&self) -> Json {
        Json::Object(vec![("evidence", Json::Array(Vec::new()))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_the_proto_order_and_defaults_are_written() {
        let account = BaseAccount {
            address: "wasm1a".into(),
            ..Default::default()
        };
        let any = Any::from_msg(&account).unwrap();
        assert_eq!(
            serde_json::to_string(&QueryAccountResponse { account: Some(any) }.json()).unwrap(),
            r#"{"account":{"@type":"/cosmos.auth.v1beta1.BaseAccount","address":"wasm1a","pub_key":null,"account_number":"0","sequence":"0"}}"#
        );
        let coin = Coin {
            denom: "ustake".into(),
            amount: "5".into(),
        };
        assert_eq!(
            serde_json::to_string(&coin.json()).unwrap(),
            r#"{"denom":"ustake","amount":"5"}"#
        );
    }
}
