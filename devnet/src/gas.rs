//! The gas schedule the devnet charges, copied from the sources wasmd and the Cosmos SDK
//! charge it with (see docs/devnet-notes.md for the checked values), and the SDK gas meter.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// CosmWasm gas per SDK gas (wasmd `x/wasm/types/gas_register.go`, `DefaultGasMultiplier`).
pub const GAS_MULTIPLIER: u64 = 140_000;
/// Loading a contract for any entry point (wasmd `DefaultInstanceCost`).
pub const INSTANCE_COST: u64 = 60_000;
/// The same for a pinned code (wasmd `DefaultInstanceCostDiscount`).
pub const INSTANCE_COST_PINNED: u64 = 2_000;
/// Per byte of uploaded wasm (wasmd `DefaultCompileCost`).
pub const COMPILE_COST_PER_BYTE: u64 = 3;
/// Per 100 bytes of gzip input decompressed (wasmd `DefaultUncompressCost`: 0.15 / byte).
pub const UNCOMPRESS_COST_PER_100_BYTES: u64 = 15;
/// Per attribute of a contract's events (wasmd `DefaultPerAttributeCost`).
pub const PER_ATTRIBUTE_COST: u64 = 10;
/// Per byte of attribute key and value beyond the free tier (`DefaultEventAttributeDataCost`).
pub const EVENT_ATTRIBUTE_DATA_COST: u64 = 1;
/// Attribute bytes of one response that cost nothing (`DefaultEventAttributeDataFreeTier`).
pub const EVENT_ATTRIBUTE_DATA_FREE_TIER: u64 = 100;
/// Per custom event of a contract response (`DefaultPerCustomEventCost`), plus one per byte
/// of its type.
pub const PER_CUSTOM_EVENT_COST: u64 = 20;
/// Largest SDK gas a smart query over `abci_query` may use (wasmd `DefaultSmartQueryGasLimit`).
pub const SMART_QUERY_GAS_LIMIT: u64 = 3_000_000;

/// Cosmos SDK KV store costs (`store/types/gas.go`, `KVGasConfig`).
pub mod kv {
    pub const HAS: u64 = 1_000;
    pub const DELETE: u64 = 1_000;
    pub const READ_FLAT: u64 = 1_000;
    pub const READ_PER_BYTE: u64 = 3;
    pub const WRITE_FLAT: u64 = 2_000;
    pub const WRITE_PER_BYTE: u64 = 30;
    pub const ITER_NEXT_FLAT: u64 = 30;
}

/// Cosmos SDK auth parameters (`x/auth/types/params.go`, defaults).
pub mod auth {
    /// Charged on the whole `TxRaw` bytes by the ante handler (`ConsumeGasForTxSizeDecorator`).
    pub const TX_SIZE_COST_PER_BYTE: u64 = 10;
    /// One secp256k1 signature (`SigVerifyCostSecp256k1`).
    pub const SIG_VERIFY_COST_SECP256K1: u64 = 1_000;
    /// Longest memo (`MaxMemoCharacters`).
    pub const MAX_MEMO_CHARACTERS: usize = 256;
    /// Most signatures in one tx (`TxSigLimit`).
    pub const TX_SIG_LIMIT: usize = 7;
    /// Bytes a simulation charges per missing signature: the SDK's amino `StdSignature` of a
    /// 64-byte secp256k1 signature and 33-byte key, plus 6 (`ConsumeGasForTxSizeDecorator`).
    pub const SIMULATED_SIGNATURE_BYTES: u64 = 112;
}

/// The tx ran out of gas: SDK error `ErrOutOfGas` (code 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("out of gas in location: {descriptor}; gasWanted: {limit}, gasUsed: {used}")]
pub struct OutOfGas {
    pub descriptor: &'static str,
    pub limit: u64,
    pub used: u64,
}

/// The SDK gas meter of one transaction (or query): shared by every module and contract call
/// it makes, so it counts with an atomic. It also adds up what each kind of charge (its
/// descriptor) cost, which the devnet keeps for every delivered transaction: where a
/// transaction's gas went, which a real chain does not tell.
#[derive(Debug)]
pub struct GasMeter {
    limit: u64,
    used: AtomicU64,
    by_descriptor: Mutex<GasBreakdown>,
}

/// Gas per charge descriptor (`"wasm contract"`, `"wasm storage write"`, `"txSize"`, …).
pub type GasBreakdown = BTreeMap<&'static str, u64>;

impl GasMeter {
    pub fn new(limit: u64) -> Self {
        Self {
            limit,
            used: AtomicU64::new(0),
            by_descriptor: Mutex::new(GasBreakdown::new()),
        }
    }

    /// What each kind of charge cost so far (a failing charge included).
    pub fn breakdown(&self) -> GasBreakdown {
        self.by_descriptor
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Gas consumed so far; like the SDK it may exceed the limit by the failing charge.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    pub fn remaining(&self) -> u64 {
        self.limit.saturating_sub(self.used())
    }

    pub fn consume(&self, amount: u64, descriptor: &'static str) -> Result<(), OutOfGas> {
        let mut by_descriptor = self.by_descriptor.lock().unwrap_or_else(|p| p.into_inner());
        let spent = by_descriptor.entry(descriptor).or_default();
        *spent = spent.saturating_add(amount);
        drop(by_descriptor);
        let used = self
            .used
            .fetch_add(amount, Ordering::Relaxed)
            .saturating_add(amount);
        if used > self.limit {
            return Err(OutOfGas {
                descriptor,
                limit: self.limit,
                used,
            });
        }
        Ok(())
    }
}

/// The breakdowns of the most recent delivered transactions, by tx hash (bounded: the
/// oldest are forgotten first).
#[derive(Debug, Default)]
pub struct RecentBreakdowns {
    by_hash: std::collections::HashMap<tendermint::Hash, GasBreakdown>,
    order: std::collections::VecDeque<tendermint::Hash>,
}

impl RecentBreakdowns {
    /// Transactions whose breakdown is kept.
    pub const CAPACITY: usize = 100_000;

    pub fn record(&mut self, hash: tendermint::Hash, breakdown: GasBreakdown) {
        if self.order.len() == Self::CAPACITY {
            if let Some(oldest) = self.order.pop_front() {
                self.by_hash.remove(&oldest);
            }
        }
        self.order.push_back(hash);
        self.by_hash.insert(hash, breakdown);
    }

    pub fn get(&self, hash: &tendermint::Hash) -> Option<&GasBreakdown> {
        self.by_hash.get(hash)
    }
}

/// SDK gas of a contract response's events (wasmd `EventCosts`): attributes of the `wasm`
/// event and of every custom event, with one free tier for the whole response.
pub fn event_costs<'a>(
    attributes: impl IntoIterator<Item = (&'a str, &'a str)>,
    custom_event_types: impl IntoIterator<Item = &'a str>,
) -> u64 {
    let (count, bytes) = attributes.into_iter().fold((0u64, 0u64), |(n, b), (k, v)| {
        (n + 1, b + (k.len() + v.len()) as u64)
    });
    let custom: u64 = custom_event_types
        .into_iter()
        .map(|ty| PER_CUSTOM_EVENT_COST + ty.len() as u64)
        .sum();
    count * PER_ATTRIBUTE_COST
        + bytes.saturating_sub(EVENT_ATTRIBUTE_DATA_FREE_TIER) * EVENT_ATTRIBUTE_DATA_COST
        + custom
}

/// SDK gas to load a contract (wasmd `SetupContractCost`; message bytes cost 0 per byte).
pub fn instance_cost(pinned: bool) -> u64 {
    if pinned {
        INSTANCE_COST_PINNED
    } else {
        INSTANCE_COST
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meter_fails_past_its_limit_and_reports_usage() {
        let meter = GasMeter::new(100);
        meter.consume(60, "a").unwrap();
        let err = meter.consume(50, "b").unwrap_err();
        assert_eq!(
            err,
            OutOfGas {
                descriptor: "b",
                limit: 100,
                used: 110
            }
        );
        assert_eq!(meter.remaining(), 0);
        assert_eq!(
            meter.breakdown(),
            GasBreakdown::from([("a", 60), ("b", 50)])
        );
    }

    #[test]
    fn recent_breakdowns_forget_the_oldest_first() {
        let mut recent = RecentBreakdowns::default();
        let hash = |i: u8| tendermint::Hash::Sha256([i; 32]);
        recent.record(hash(1), GasBreakdown::from([("a", 1)]));
        recent.record(hash(2), GasBreakdown::from([("a", 2)]));
        assert_eq!(recent.get(&hash(1)).unwrap()["a"], 1);
        recent
            .order
            .extend(std::iter::repeat_n(hash(9), RecentBreakdowns::CAPACITY - 2));
        recent.record(hash(3), GasBreakdown::new());
        assert!(recent.get(&hash(1)).is_none());
        assert!(recent.get(&hash(3)).is_some());
    }

    #[test]
    fn event_costs_apply_one_free_tier_per_response() {
        // 2 attributes of 60 bytes each: 20 + (120 - 100) = 40; one custom event "x": 21.
        let attrs = [
            ("k".repeat(30), "v".repeat(30)),
            ("k".repeat(30), "v".repeat(30)),
        ];
        let pairs = attrs.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        assert_eq!(event_costs(pairs, ["x"]), 40 + 21);
    }
}
