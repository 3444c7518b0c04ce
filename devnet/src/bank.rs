//! Balances and supply (the SDK's `x/bank`): sends with the SDK's transfer events.

use cosmwasm_std::{Coin, Uint256};
use tendermint::abci::Event;

use crate::address::Bech32;
use crate::auth;
use crate::error::{ChainError, ChainResult};
use crate::events::{coins_string, event};
use crate::kv::Kv;
use crate::store::{Direction, Store};

const BALANCE: &[u8] = b"b\x02";
const SUPPLY: &[u8] = b"b\x00";

fn balance_prefix(address: &[u8]) -> Vec<u8> {
    [BALANCE, &[address.len() as u8], address].concat()
}

fn balance_key(address: &[u8], denom: &str) -> Vec<u8> {
    [balance_prefix(address).as_slice(), denom.as_bytes()].concat()
}

fn supply_key(denom: &str) -> Vec<u8> {
    [SUPPLY, denom.as_bytes()].concat()
}

fn decode_amount(bytes: &[u8]) -> Uint256 {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_default()
}

fn read_amount(kv: &Kv, key: &[u8]) -> ChainResult<Uint256> {
    Ok(kv
        .get(key)?
        .map(|bytes| decode_amount(&bytes))
        .unwrap_or_default())
}

fn write_amount(kv: &Kv, key: Vec<u8>, amount: Uint256) -> ChainResult<()> {
    if amount.is_zero() {
        kv.remove(&key)?;
    } else {
        kv.set(key, amount.to_string().into_bytes())?;
    }
    Ok(())
}

pub fn balance(kv: &Kv, address: &[u8], denom: &str) -> ChainResult<Uint256> {
    read_amount(kv, &balance_key(address, denom))
}

/// Every balance of `address` (queries only: not metered).
pub fn all_balances(store: &Store, address: &[u8]) -> Vec<Coin> {
    coins_under(store, &balance_prefix(address))
}

/// The supply of every denom (queries only: not metered).
pub fn total_supply(store: &Store) -> Vec<Coin> {
    coins_under(store, SUPPLY)
}

/// The amounts stored under `prefix ‖ denom`, by denom.
fn coins_under(store: &Store, prefix: &[u8]) -> Vec<Coin> {
    let mut coins = Vec::new();
    let mut lower = std::ops::Bound::Included(prefix.to_vec());
    let upper = std::ops::Bound::Excluded(prefix_end(prefix));
    while let Some((key, value)) = store.next_in_range(lower, upper.clone(), Direction::Ascending) {
        let denom = String::from_utf8_lossy(&key[prefix.len()..]).into_owned();
        coins.push(Coin {
            denom,
            amount: decode_amount(&value),
        });
        lower = std::ops::Bound::Excluded(key);
    }
    coins
}

pub fn supply(store: &Store, denom: &str) -> Uint256 {
    store
        .get(&supply_key(denom))
        .map(|b| decode_amount(&b))
        .unwrap_or_default()
}

/// The exclusive upper bound of every key starting with `prefix`.
pub fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return end;
        }
    }
    vec![u8::MAX; prefix.len() + 1]
}

/// Checks denoms and amounts as the SDK's `Coins.Validate`: valid denoms, no zero amounts,
/// no duplicates.
pub fn validate_coins(coins: &[Coin]) -> ChainResult<()> {
    let mut seen = std::collections::BTreeSet::new();
    for coin in coins {
        if !valid_denom(&coin.denom) {
            return Err(ChainError::invalid_coins(format!(
                "invalid denom: {}",
                coin.denom
            )));
        }
        if coin.amount.is_zero() {
            return Err(ChainError::invalid_coins(format!(
                "zero amount of {}",
                coin.denom
            )));
        }
        if !seen.insert(coin.denom.as_str()) {
            return Err(ChainError::invalid_coins(format!(
                "duplicate denom {}",
                coin.denom
            )));
        }
    }
    Ok(())
}

/// SDK denom rule: `[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`.
pub fn valid_denom(denom: &str) -> bool {
    let bytes = denom.as_bytes();
    (3..=128).contains(&bytes.len())
        && bytes[0].is_ascii_alphabetic()
        && bytes[1..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"/:._-".contains(b))
}

/// Moves `coins` and returns the SDK's events (`coin_spent`, `coin_received`, `transfer`,
/// `message.sender`); creates the recipient's account if it has none.
pub fn send(
    kv: &Kv,
    bech32: &Bech32,
    from: &[u8],
    to: &[u8],
    coins: &[Coin],
) -> ChainResult<Vec<Event>> {
    validate_coins(coins)?;
    for coin in coins {
        let have = balance(kv, from, &coin.denom)?;
        let left = have.checked_sub(coin.amount).map_err(|_| {
            ChainError::insufficient_funds(format!(
                "spendable balance {have}{denom} is smaller than {}{denom}",
                coin.amount,
                denom = coin.denom
            ))
        })?;
        write_amount(kv, balance_key(from, &coin.denom), left)?;
        let theirs = balance(kv, to, &coin.denom)?;
        write_amount(kv, balance_key(to, &coin.denom), theirs + coin.amount)?;
    }
    auth::load_or_create(kv, bech32, to)?;
    let (sender, recipient, amount) = (bech32.encode(from), bech32.encode(to), coins_string(coins));
    Ok(vec![
        event(
            "coin_spent",
            [("spender", sender.clone()), ("amount", amount.clone())],
        ),
        event(
            "coin_received",
            [("receiver", recipient.clone()), ("amount", amount.clone())],
        ),
        event(
            "transfer",
            [
                ("recipient", recipient),
                ("sender", sender.clone()),
                ("amount", amount),
            ],
        ),
        event("message", [("sender", sender)]),
    ])
}

/// Creates coins out of nothing: genesis funding only.
pub fn mint(kv: &Kv, bech32: &Bech32, to: &[u8], coin: &Coin) -> ChainResult<()> {
    let supply = read_amount(kv, &supply_key(&coin.denom))?;
    write_amount(kv, supply_key(&coin.denom), supply + coin.amount)?;
    let have = balance(kv, to, &coin.denom)?;
    write_amount(kv, balance_key(to, &coin.denom), have + coin.amount)?;
    auth::load_or_create(kv, bech32, to)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gas::GasMeter;
    use crate::store::SharedStore;

    #[test]
    fn send_moves_funds_conserves_supply_and_rejects_overdrafts() {
        let store = SharedStore::default();
        store.lock().begin();
        let meter = GasMeter::new(u64::MAX);
        let kv = Kv::new(&store, &meter);
        let bech32 = Bech32::new("wasm");
        let (alice, bob) = ([1u8; 20], [2u8; 20]);
        mint(&kv, &bech32, &alice, &Coin::new(100u128, "ustake")).unwrap();
        send(&kv, &bech32, &alice, &bob, &[Coin::new(30u128, "ustake")]).unwrap();
        assert_eq!(balance(&kv, &alice, "ustake").unwrap(), Uint256::from(70u8));
        assert_eq!(balance(&kv, &bob, "ustake").unwrap(), Uint256::from(30u8));
        let err = send(&kv, &bech32, &bob, &alice, &[Coin::new(31u128, "ustake")]).unwrap_err();
        assert_eq!((err.codespace, err.code), ("sdk", 5));
        assert_eq!(supply(&store.lock(), "ustake"), Uint256::from(100u8));
        assert_eq!(
            all_balances(&store.lock(), &bob),
            vec![Coin::new(30u128, "ustake")]
        );
        assert!(
            auth::load(&kv, &bob).unwrap().is_some(),
            "recipient account created"
        );
    }

    #[test]
    fn denoms_follow_the_sdk_rule() {
        assert!(valid_denom("ustake") && valid_denom("ibc/ABC") && valid_denom("factory/x:y.z-1"));
        assert!(!valid_denom("u") && !valid_denom("1abc") && !valid_denom("u stake"));
    }
}
