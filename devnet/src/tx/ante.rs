//! The SDK's ante handler, in its order (`x/auth/ante`): basic validation, memo, size gas,
//! fee check and deduction, public keys, signature gas, SIGN_MODE_DIRECT verification,
//! sequence check and increment.

use base64::Engine;
use cosmrs::proto::cosmos::crypto::secp256k1::PubKey;
use cosmrs::proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmrs::proto::cosmos::tx::v1beta1::{mode_info, SignDoc};
use cosmwasm_std::{Coin, Decimal, Uint256};
use k256::ecdsa::signature::Verifier;
use k256::ecdsa::{Signature, VerifyingKey};
use prost::Message;
use tendermint::abci::Event;

use super::decode::DecodedTx;
use crate::address::{module_account, Bech32};
use crate::auth::{self, Account, SECP256K1_PUBKEY_URL};
use crate::error::{ChainError, ChainResult};
use crate::events::event;
use crate::gas::auth as params;
use crate::kv::Kv;

/// How the ante handler runs: CheckTx enforces the node's minimum gas price; Simulate
/// skips signature verification (clients simulate with empty signatures).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Deliver,
    Simulate,
}

/// The node's minimum gas price (`--min-gas-price`, e.g. `0.025ustake`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GasPrice {
    pub amount: Decimal,
    pub denom: String,
}

impl std::str::FromStr for GasPrice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let split = s
            .find(|c: char| c.is_ascii_alphabetic())
            .ok_or_else(|| format!("gas price {s:?} has no denom: write it like 0.025ustake"))?;
        let (amount, denom) = s.split_at(split);
        let amount = amount
            .parse::<Decimal>()
            .map_err(|e| format!("gas price {s:?}: bad amount {amount:?}: {e}"))?;
        if !crate::bank::valid_denom(denom) {
            return Err(format!("gas price {s:?}: invalid denom {denom:?}"));
        }
        Ok(Self {
            amount,
            denom: denom.to_string(),
        })
    }
}

impl std::fmt::Display for GasPrice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

/// What the ante handler needs besides the transaction.
pub struct AnteEnv<'a> {
    pub kv: Kv<'a>,
    pub bech32: &'a Bech32,
    pub chain_id: &'a str,
    pub min_gas_price: &'a GasPrice,
    pub mode: Mode,
}

/// Runs every check and charge; returns the `tx` events (fee, acc_seq, signature).
pub fn run(env: &AnteEnv, tx: &DecodedTx) -> ChainResult<Vec<Event>> {
    let signers = tx.signers();
    let signer_infos = &tx.auth_info.signer_infos;
    if env.mode != Mode::Simulate && tx.raw.signatures.is_empty() {
        return Err(ChainError::no_signatures("no signatures supplied"));
    }
    if signer_infos.len() != signers.len() {
        return Err(ChainError::unauthorized(format!(
            "wrong number of signers; expected {}, got {}",
            signers.len(),
            signer_infos.len()
        )));
    }
    if signers.len() > params::TX_SIG_LIMIT {
        return Err(ChainError::too_many_signatures(format!(
            "{} signatures",
            signers.len()
        )));
    }
    if env.mode != Mode::Simulate && tx.raw.signatures.len() != signers.len() {
        return Err(ChainError::unauthorized(format!(
            "invalid number of signatures; expected: {}, got {}",
            signers.len(),
            tx.raw.signatures.len()
        )));
    }
    // ValidateMemoDecorator
    auth::read_params(&env.kv)?;
    if tx.body.memo.chars().count() > params::MAX_MEMO_CHARACTERS {
        return Err(ChainError::memo_too_large(format!(
            "maximum number of characters is {} but received {} characters",
            params::MAX_MEMO_CHARACTERS,
            tx.body.memo.chars().count()
        )));
    }
    // ConsumeGasForTxSizeDecorator; a simulation is charged for the signatures it lacks.
    auth::read_params(&env.kv)?;
    let meter = env.kv.meter;
    meter.consume(params::TX_SIZE_COST_PER_BYTE * tx.size as u64, "txSize")?;
    let signer_bytes = signers
        .iter()
        .map(|s| env.bech32.decode(s))
        .collect::<ChainResult<Vec<_>>>()?;
    if env.mode == Mode::Simulate {
        for (index, address) in signer_bytes.iter().enumerate() {
            if tx.raw.signatures.get(index).is_none_or(Vec::is_empty) {
                auth::load(&env.kv, address)?;
                let bytes = params::SIMULATED_SIGNATURE_BYTES;
                meter.consume(params::TX_SIZE_COST_PER_BYTE * bytes, "txSize")?;
            }
        }
    }
    let mut events = deduct_fee(env, tx, &signer_bytes[0])?;
    // SetPubKeyDecorator
    for (address, info) in signer_bytes.iter().zip(signer_infos) {
        let mut account = existing_account(env, address)?;
        if account.pubkey.is_none() {
            account.pubkey = Some(signer_pubkey(env, &account, info.public_key.as_ref())?);
            auth::save(&env.kv, env.bech32, &account)?;
        }
    }
    // ValidateSigCountDecorator, SigGasConsumeDecorator
    auth::read_params(&env.kv)?;
    auth::read_params(&env.kv)?;
    for address in &signer_bytes {
        existing_account(env, address)?;
        meter.consume(params::SIG_VERIFY_COST_SECP256K1, "ante verify: secp256k1")?;
    }
    // SigVerificationDecorator (skipped when simulating, as the SDK does)
    for (index, (address, info)) in signer_bytes.iter().zip(signer_infos).enumerate() {
        let account = existing_account(env, address)?;
        if env.mode != Mode::Simulate {
            check_sign_mode(info.mode_info.as_ref())?;
            if info.sequence != account.sequence {
                return Err(ChainError::wrong_sequence(format!(
                    "account sequence mismatch, expected {}, got {}",
                    account.sequence, info.sequence
                )));
            }
            let pubkey = account.pubkey.as_deref().expect("set by SetPubKey above");
            verify_signature(env, tx, &account, pubkey, &tx.raw.signatures[index])?;
        }
        let signature = tx.raw.signatures.get(index).cloned().unwrap_or_default();
        events.push(event(
            "tx",
            [(
                "acc_seq",
                format!("{}/{}", env.bech32.encode(address), account.sequence),
            )],
        ));
        events.push(event(
            "tx",
            [(
                "signature",
                base64::engine::general_purpose::STANDARD.encode(signature),
            )],
        ));
    }
    // IncrementSequenceDecorator
    for address in &signer_bytes {
        let mut account = existing_account(env, address)?;
        account.sequence += 1;
        auth::save(&env.kv, env.bech32, &account)?;
    }
    Ok(events)
}

fn existing_account(env: &AnteEnv, address: &[u8]) -> ChainResult<Account> {
    auth::load(&env.kv, address)?.ok_or_else(|| {
        ChainError::unknown_address(format!("account {} not found", env.bech32.encode(address)))
    })
}

/// `DeductFeeDecorator`: the fee covers gas × minimum price (CheckTx only, as the SDK) and
/// moves from the payer to the fee collector.
fn deduct_fee(env: &AnteEnv, tx: &DecodedTx, payer: &[u8]) -> ChainResult<Vec<Event>> {
    let fee = tx.auth_info.fee.clone().unwrap_or_default();
    let coins = fee
        .amount
        .iter()
        .map(|c| {
            let amount = c.amount.parse::<Uint256>().map_err(|e| {
                ChainError::invalid_coins(format!("fee amount {:?}: {e}", c.amount))
            })?;
            Ok(Coin {
                denom: c.denom.clone(),
                amount,
            })
        })
        .collect::<ChainResult<Vec<_>>>()?;
    let coins: Vec<Coin> = coins.into_iter().filter(|c| !c.amount.is_zero()).collect();
    if env.mode == Mode::Check {
        let required = Uint256::from(fee.gas_limit).mul_ceil(env.min_gas_price.amount);
        let paid = coins
            .iter()
            .find(|c| c.denom == env.min_gas_price.denom)
            .map_or(Uint256::zero(), |c| c.amount);
        if paid < required {
            return Err(ChainError::insufficient_fee(format!(
                "insufficient fees; got: {} required: {}{}",
                crate::events::coins_string(&coins),
                required,
                env.min_gas_price.denom
            )));
        }
    }
    existing_account(env, payer)?;
    let payer_human = env.bech32.encode(payer);
    let mut events = Vec::new();
    if !coins.is_empty() {
        let collector = module_account("fee_collector");
        events = crate::bank::send(&env.kv, env.bech32, payer, &collector, &coins)
            .map_err(|e| e.context(format!("{payer_human} does not have enough to pay the fee")))?;
    }
    events.push(event(
        "tx",
        [
            ("fee", crate::events::coins_string(&coins)),
            ("fee_payer", payer_human),
        ],
    ));
    Ok(events)
}

/// The signer's key: the one already on its account, else the one in the tx (which must
/// hash to the signer's address, `SetPubKeyDecorator`).
fn signer_pubkey(
    env: &AnteEnv,
    account: &Account,
    any: Option<&cosmrs::Any>,
) -> ChainResult<Vec<u8>> {
    if let Some(key) = &account.pubkey {
        return Ok(key.clone());
    }
    let any = any.ok_or_else(|| ChainError::invalid_pubkey("pubkey on signer info is empty"))?;
    if any.type_url != SECP256K1_PUBKEY_URL {
        return Err(ChainError::invalid_pubkey(format!(
            "the devnet accepts {SECP256K1_PUBKEY_URL} keys only, got {}",
            any.type_url
        )));
    }
    let key = PubKey::decode(any.value.as_slice())
        .map_err(ChainError::invalid_pubkey)?
        .key;
    let verifying = VerifyingKey::from_sec1_bytes(&key)
        .map_err(|_| ChainError::invalid_pubkey("not a secp256k1 key"))?;
    let derived = cosmrs::crypto::PublicKey::from(verifying)
        .account_id(env.bech32.prefix())
        .map_err(ChainError::invalid_pubkey)?
        .to_bytes();
    if derived != account.address {
        return Err(ChainError::invalid_pubkey(format!(
            "pubkey does not match signer address {}",
            env.bech32.encode(&account.address)
        )));
    }
    Ok(key)
}

fn check_sign_mode(mode: Option<&cosmrs::proto::cosmos::tx::v1beta1::ModeInfo>) -> ChainResult<()> {
    match mode.and_then(|m| m.sum.as_ref()) {
        Some(mode_info::Sum::Single(single)) if single.mode == SignMode::Direct as i32 => Ok(()),
        _ => Err(ChainError::not_supported(
            "the devnet verifies SIGN_MODE_DIRECT signatures only",
        )),
    }
}

fn verify_signature(
    env: &AnteEnv,
    tx: &DecodedTx,
    account: &Account,
    pubkey: &[u8],
    signature: &[u8],
) -> ChainResult<()> {
    let sign_doc = SignDoc {
        body_bytes: tx.raw.body_bytes.clone(),
        auth_info_bytes: tx.raw.auth_info_bytes.clone(),
        chain_id: env.chain_id.to_string(),
        account_number: account.number,
    }
    .encode_to_vec();
    let failed = || {
        ChainError::unauthorized(format!(
            "signature verification failed; please verify account number ({}), sequence ({}) and chain-id ({})",
            account.number, account.sequence, env.chain_id
        ))
    };
    let key = VerifyingKey::from_sec1_bytes(pubkey).map_err(|_| failed())?;
    let signature = Signature::from_slice(signature).map_err(|_| failed())?;
    // The SDK rejects malleable (high-S) signatures.
    if signature.normalize_s().is_some() {
        return Err(failed());
    }
    key.verify(&sign_doc, &signature).map_err(|_| failed())
}
