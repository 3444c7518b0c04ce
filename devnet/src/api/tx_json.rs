//! Reading a `Tx` from the SDK's JSON: what cosmpy posts to REST `simulate` (the deprecated
//! `tx` field). The inverse of `json` for the types a transaction holds, as protojson reads
//! them: a field by its proto or JSON name, a missing or `null` field is its default,
//! 64-bit integers as strings or numbers, enums by name or number, `Any` by `@type`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cosmrs::proto::cosmos::bank::v1beta1 as bank;
use cosmrs::proto::cosmos::base::v1beta1::Coin;
use cosmrs::proto::cosmos::crypto::secp256k1::PubKey;
use cosmrs::proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmrs::proto::cosmos::tx::v1beta1::{self as tx, mode_info};
use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use cosmrs::Any;
use prost::{Message, Name};
use serde_json::Value;

use super::rest;

/// The transaction `value` describes.
pub(super) fn read_tx(value: &Value) -> Result<tx::Tx, String> {
    tx::Tx::read(value)
}

trait Read: Sized {
    /// `null` stands for a missing field: every type reads it as its default.
    fn read(value: &Value) -> Result<Self, String>;
}

fn mismatch(expected: &str, value: &Value) -> String {
    format!("expected {expected}, got {value}")
}

impl Read for String {
    fn read(value: &Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(String::new()),
            Value::String(text) => Ok(text.clone()),
            other => Err(mismatch("a string", other)),
        }
    }
}

impl Read for bool {
    fn read(value: &Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(false),
            Value::Bool(flag) => Ok(*flag),
            other => Err(mismatch("a boolean", other)),
        }
    }
}

/// An integer, written as a number or (64-bit, as protojson writes them) a string.
fn integer<T: std::str::FromStr + Default>(value: &Value) -> Result<T, String> {
    let text = match value {
        Value::Null => return Ok(T::default()),
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        other => return Err(mismatch("an integer", other)),
    };
    text.parse().map_err(|_| mismatch("an integer", value))
}

impl Read for u64 {
    fn read(value: &Value) -> Result<Self, String> {
        integer(value)
    }
}

impl Read for Vec<u8> {
    fn read(value: &Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(Vec::new()),
            Value::String(text) => STANDARD.decode(text).map_err(|e| format!("base64: {e}")),
            other => Err(mismatch("base64", other)),
        }
    }
}

impl<T: Read> Read for Vec<T> {
    fn read(value: &Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => items.iter().map(T::read).collect(),
            other => Err(mismatch("a list", other)),
        }
    }
}

impl<T: Read> Read for Option<T> {
    fn read(value: &Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            value => T::read(value).map(Some),
        }
    }
}

/// Packed by `@type`; only the types a transaction of this chain can hold.
impl Read for Any {
    fn read(value: &Value) -> Result<Self, String> {
        fn pack<M: Message + Name + Read>(value: &Value) -> Result<Any, String> {
            Ok(Any {
                type_url: M::type_url(),
                value: M::read(value)?.encode_to_vec(),
            })
        }
        let type_url = value
            .get("@type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let read = [
            (
                PubKey::type_url(),
                pack::<PubKey> as fn(&Value) -> Result<Any, String>,
            ),
            (bank::MsgSend::type_url(), pack::<bank::MsgSend>),
            (wasm::MsgStoreCode::type_url(), pack::<wasm::MsgStoreCode>),
            (
                wasm::MsgInstantiateContract::type_url(),
                pack::<wasm::MsgInstantiateContract>,
            ),
            (
                wasm::MsgInstantiateContract2::type_url(),
                pack::<wasm::MsgInstantiateContract2>,
            ),
            (
                wasm::MsgExecuteContract::type_url(),
                pack::<wasm::MsgExecuteContract>,
            ),
            (
                wasm::MsgMigrateContract::type_url(),
                pack::<wasm::MsgMigrateContract>,
            ),
            (
                wasm::MsgUpdateAdmin::type_url(),
                pack::<wasm::MsgUpdateAdmin>,
            ),
            (wasm::MsgClearAdmin::type_url(), pack::<wasm::MsgClearAdmin>),
        ];
        let (_, pack) = read
            .iter()
            .find(|(url, _)| url == type_url)
            .ok_or_else(|| format!("unknown @type {type_url:?}"))?;
        pack(value)
    }
}

/// wasmd's `RawContractMessage`: the message is JSON in the JSON.
fn raw_json(value: &Value) -> Result<Vec<u8>, String> {
    match value {
        Value::Null => Ok(Vec::new()),
        value => serde_json::to_vec(value).map_err(|e| e.to_string()),
    }
}

fn sign_mode(value: &Value) -> Result<i32, String> {
    match value {
        Value::String(name) => SignMode::from_str_name(name)
            .map(|mode| mode as i32)
            .ok_or_else(|| mismatch("a sign mode", value)),
        value => integer(value),
    }
}

/// wasmd's names (`Everybody`, `AnyOfAddresses`) or the proto's (`ACCESS_TYPE_EVERYBODY`).
fn access_type(value: &Value) -> Result<i32, String> {
    let Value::String(name) = value else {
        return integer(value);
    };
    let proto = format!("ACCESS_TYPE_{}", snake_upper(name));
    wasm::AccessType::from_str_name(name)
        .or_else(|| wasm::AccessType::from_str_name(&proto))
        .map(|access| access as i32)
        .ok_or_else(|| mismatch("an access type", value))
}

/// `AnyOfAddresses` → `ANY_OF_ADDRESSES`.
fn snake_upper(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// The field `name` of an object, by its proto or its JSON name (`Null` when absent).
fn field<'a>(object: &'a Value, name: &str) -> &'a Value {
    rest::field(object, name).unwrap_or(&Value::Null)
}

/// Reads each message's fields by name; `field as f` reads it with `f`.
macro_rules! readable {
    ($($ty:ty { $($field:ident $(as $with:path)?),* $(,)? })*) => {
        $(impl Read for $ty {
            #[allow(unused_variables)] // an empty message reads no field
            fn read(value: &Value) -> Result<Self, String> {
                if !(value.is_object() || value.is_null()) {
                    return Err(mismatch(concat!("a ", stringify!($ty)), value));
                }
                #[allow(deprecated)] // the SDK still reads deprecated fields
                Ok(Self {
                    $($field: readable!(@value field(value, stringify!($field)) $(, $with)?)
                        .map_err(|e| format!("{}: {e}", stringify!($field)))?,)*
                })
            }
        })*
    };
    (@value $value:expr) => { Read::read($value) };
    (@value $value:expr, $with:path) => { $with($value) };
}

readable! {
    tx::Tx { body, auth_info, signatures }
    tx::TxBody { messages, memo, timeout_height, extension_options, non_critical_extension_options }
    tx::AuthInfo { signer_infos, fee, tip }
    tx::SignerInfo { public_key, mode_info, sequence }
    mode_info::Single { mode as sign_mode }
    tx::Fee { amount, gas_limit, payer, granter }
    tx::Tip { amount, tipper }
    Coin { denom, amount }
    PubKey { key }
    bank::MsgSend { from_address, to_address, amount }
    wasm::AccessConfig { permission as access_type, addresses }
    wasm::MsgStoreCode { sender, wasm_byte_code, instantiate_permission }
    wasm::MsgInstantiateContract { sender, admin, code_id, label, msg as raw_json, funds }
    wasm::MsgInstantiateContract2 { sender, admin, code_id, label, msg as raw_json, funds, salt, fix_msg }
    wasm::MsgExecuteContract { sender, contract, msg as raw_json, funds }
    wasm::MsgMigrateContract { sender, contract, code_id, msg as raw_json }
    wasm::MsgUpdateAdmin { sender, new_admin, contract }
    wasm::MsgClearAdmin { sender, contract }
}

/// A oneof by its set case; only `single` (the ante handler refuses multisig).
impl Read for tx::ModeInfo {
    fn read(value: &Value) -> Result<Self, String> {
        let single = Option::<mode_info::Single>::read(field(value, "single"))?;
        Ok(tx::ModeInfo {
            sum: single.map(mode_info::Sum::Single),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::json::Gateway;

    /// What the REST server writes for a transaction reads back as the same transaction,
    /// also with cosmpy's spelling (JSON names) and a contract message as JSON.
    #[test]
    fn a_tx_reads_back_from_its_json() {
        let execute = wasm::MsgExecuteContract {
            sender: "wasm1a".into(),
            contract: "wasm1b".into(),
            msg: br#"{"set":{"key":"k"}}"#.to_vec(),
            funds: vec![Coin {
                denom: "ustake".into(),
                amount: "5".into(),
            }],
        };
        let tx = tx::Tx {
            body: Some(tx::TxBody {
                messages: vec![Any::from_msg(&execute).unwrap()],
                memo: "m".into(),
                timeout_height: 9,
                ..Default::default()
            }),
            auth_info: Some(tx::AuthInfo {
                signer_infos: vec![tx::SignerInfo {
                    public_key: Some(Any::from_msg(&PubKey { key: vec![2; 33] }).unwrap()),
                    mode_info: Some(tx::ModeInfo {
                        sum: Some(mode_info::Sum::Single(mode_info::Single {
                            mode: SignMode::Direct as i32,
                        })),
                    }),
                    sequence: 4,
                }],
                fee: Some(tx::Fee {
                    amount: vec![],
                    gas_limit: 200_000,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            signatures: vec![vec![1; 64]],
        };
        let written = serde_json::to_value(tx.json()).unwrap();
        assert_eq!(read_tx(&written).unwrap(), tx);
        let camel = serde_json::json!({
            "body": { "messages": [{
                "@type": "/cosmwasm.wasm.v1.MsgExecuteContract",
                "sender": "wasm1a", "contract": "wasm1b",
                "msg": { "set": { "key": "k" } },
                "funds": [{ "denom": "ustake", "amount": "5" }],
            }], "memo": "m", "timeoutHeight": "9" },
            "authInfo": {
                "signerInfos": [{
                    "publicKey": { "@type": "/cosmos.crypto.secp256k1.PubKey", "key": STANDARD.encode([2; 33]) },
                    "modeInfo": { "single": { "mode": "SIGN_MODE_DIRECT" } },
                    "sequence": "4",
                }],
                "fee": { "gasLimit": "200000" },
            },
            "signatures": [STANDARD.encode([1; 64])],
        });
        assert_eq!(read_tx(&camel).unwrap(), tx);
        let unknown = serde_json::json!({ "body": { "messages": [{ "@type": "/x.Msg" }] } });
        assert!(read_tx(&unknown).unwrap_err().contains("unknown @type"));
        let bad = serde_json::json!({ "authInfo": { "fee": { "gasLimit": "lots" } } });
        assert!(read_tx(&bad).unwrap_err().contains("gas_limit"));
    }
}
