//! Decoding a `TxRaw` into its body, auth info and the messages the devnet executes.

use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;
use cosmrs::proto::cosmos::tx::v1beta1::{AuthInfo, TxBody, TxRaw};
use cosmrs::proto::cosmwasm::wasm::v1::{
    MsgClearAdmin, MsgExecuteContract, MsgInstantiateContract, MsgInstantiateContract2,
    MsgMigrateContract, MsgStoreCode, MsgUpdateAdmin,
};
use cosmrs::Any;
use prost::{Message, Name};

use crate::error::{ChainError, ChainResult};

/// The messages the devnet executes (bank sends and the wasm module's messages).
#[derive(Debug, Clone)]
pub enum Msg {
    Send(MsgSend),
    StoreCode(MsgStoreCode),
    Instantiate(MsgInstantiateContract),
    Instantiate2(MsgInstantiateContract2),
    Execute(MsgExecuteContract),
    Migrate(MsgMigrateContract),
    UpdateAdmin(MsgUpdateAdmin),
    ClearAdmin(MsgClearAdmin),
}

impl Msg {
    /// The address that must sign the message (its `cosmos.msg.v1.signer` field).
    pub fn signer(&self) -> &str {
        match self {
            Msg::Send(m) => &m.from_address,
            Msg::StoreCode(m) => &m.sender,
            Msg::Instantiate(m) => &m.sender,
            Msg::Instantiate2(m) => &m.sender,
            Msg::Execute(m) => &m.sender,
            Msg::Migrate(m) => &m.sender,
            Msg::UpdateAdmin(m) => &m.sender,
            Msg::ClearAdmin(m) => &m.sender,
        }
    }

    /// The module that handles it (the `message.module` event attribute).
    pub fn module(&self) -> &'static str {
        match self {
            Msg::Send(_) => "bank",
            _ => "wasm",
        }
    }

    fn decode(any: &Any) -> ChainResult<Self> {
        fn with<M: Message + Name + Default>(any: &Any, wrap: fn(M) -> Msg) -> ChainResult<Msg> {
            M::decode(any.value.as_slice())
                .map(wrap)
                .map_err(|e| ChainError::tx_decode(format!("{}: {e}", any.type_url)))
        }
        match any.type_url.as_str() {
            url if url == MsgSend::type_url() => with(any, Msg::Send),
            url if url == MsgStoreCode::type_url() => with(any, Msg::StoreCode),
            url if url == MsgInstantiateContract::type_url() => with(any, Msg::Instantiate),
            url if url == MsgInstantiateContract2::type_url() => with(any, Msg::Instantiate2),
            url if url == MsgExecuteContract::type_url() => with(any, Msg::Execute),
            url if url == MsgMigrateContract::type_url() => with(any, Msg::Migrate),
            url if url == MsgUpdateAdmin::type_url() => with(any, Msg::UpdateAdmin),
            url if url == MsgClearAdmin::type_url() => with(any, Msg::ClearAdmin),
            other => Err(ChainError::tx_decode(format!(
                "unable to resolve type URL {other} (the devnet runs bank sends and wasm messages)"
            ))),
        }
    }
}

/// A decoded transaction with the bytes its signatures cover.
#[derive(Debug, Clone)]
pub struct DecodedTx {
    pub raw: TxRaw,
    pub body: TxBody,
    pub auth_info: AuthInfo,
    pub msgs: Vec<Msg>,
    /// Length of the `TxRaw` encoding (what the size gas is charged on).
    pub size: usize,
}

impl DecodedTx {
    pub fn decode(bytes: &[u8]) -> ChainResult<Self> {
        let raw = TxRaw::decode(bytes).map_err(ChainError::tx_decode)?;
        let body = TxBody::decode(raw.body_bytes.as_slice()).map_err(ChainError::tx_decode)?;
        let auth_info =
            AuthInfo::decode(raw.auth_info_bytes.as_slice()).map_err(ChainError::tx_decode)?;
        if body.messages.is_empty() {
            return Err(ChainError::invalid_request(
                "must contain at least one message",
            ));
        }
        let msgs = body
            .messages
            .iter()
            .map(Msg::decode)
            .collect::<ChainResult<_>>()?;
        Ok(Self {
            raw,
            body,
            auth_info,
            msgs,
            size: bytes.len(),
        })
    }

    /// Each distinct signer in order of first appearance (the SDK's `GetSigners`).
    pub fn signers(&self) -> Vec<&str> {
        let mut signers: Vec<&str> = Vec::new();
        for msg in &self.msgs {
            if !signers.contains(&msg.signer()) {
                signers.push(msg.signer());
            }
        }
        signers
    }

    pub fn gas_limit(&self) -> u64 {
        self.auth_info.fee.as_ref().map_or(0, |fee| fee.gas_limit)
    }
}
