//! The provider's profit and loss on the current chain, across restarts:
//! `<state_dir>/ledger.json`, rewritten (atomically) at every sweep and at shutdown, read
//! by `ogpu-provider status` while the daemon runs (the state database is locked then).
//! It is the ledger found at start for the same chain, plus what the daemon's counters
//! added since; on another chain the old file is kept as `ledger.<n>.json`, `n` being the
//! number the chain's records were archived under.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::identity::ChainIdentity;
use super::metrics::StatsSnapshot;

const FILE: &str = "ledger.json";

/// Earnings, fees and refused transactions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pnl {
    /// Prices won before the protocol fee, per reward asset.
    pub earned: BTreeMap<String, u128>,
    /// What reached the provider: prices after the protocol fee, per reward asset.
    pub earned_net: BTreeMap<String, u128>,
    /// Transaction fees paid, in the fee denom (failed transactions included).
    pub fees_paid: u128,
    pub txs: u64,
    /// Transactions refused in their block (charged) and at CheckTx (not charged).
    pub txs_failed: u64,
    pub txs_rejected: u64,
    pub joined: u64,
    pub won: u64,
    pub lost: u64,
    pub slashed: u64,
    pub expired: u64,
    pub declined: u64,
}

impl Pnl {
    /// Net of fees in `fee_denom`: what the provider earned in it less what it paid.
    pub fn net(&self, fee_denom: &str) -> i128 {
        self.earned_net.get(fee_denom).copied().unwrap_or(0) as i128 - self.fees_paid as i128
    }

    /// Counters of `now` beyond those of `start`, added to this.
    fn plus(&self, now: &StatsSnapshot, start: &StatsSnapshot) -> Self {
        let grown = |now: &BTreeMap<String, u128>,
                     start: &BTreeMap<String, u128>,
                     base: &BTreeMap<String, u128>| {
            let mut sum = base.clone();
            for (asset, amount) in now {
                let before = start.get(asset).copied().unwrap_or(0);
                *sum.entry(asset.clone()).or_default() += amount.saturating_sub(before);
            }
            sum
        };
        let since = |now: u64, start: u64| now.saturating_sub(start);
        Self {
            earned: grown(&now.earnings, &start.earnings, &self.earned),
            earned_net: grown(&now.earnings_net, &start.earnings_net, &self.earned_net),
            fees_paid: self.fees_paid + now.fees_paid.saturating_sub(start.fees_paid),
            txs: self.txs + since(now.txs, start.txs),
            txs_failed: self.txs_failed + since(now.tx_failed, start.tx_failed),
            txs_rejected: self.txs_rejected + since(now.tx_rejected, start.tx_rejected),
            joined: self.joined + since(now.joined, start.joined),
            won: self.won + since(now.won, start.won),
            lost: self.lost + since(now.lost, start.lost),
            slashed: self.slashed + since(now.slashed, start.slashed),
            expired: self.expired + since(now.expired, start.expired),
            declined: self.declined + since(now.skipped, start.skipped),
        }
    }
}

/// What `ledger.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerFile {
    pub chain: ChainIdentity,
    pub provider: String,
    /// The chain's fee denom, the one `net` is counted in.
    pub fee_denom: String,
    pub pnl: Pnl,
}

impl LedgerFile {
    /// The ledger in `state_dir`, if there is a readable one.
    pub fn read(state_dir: &Path) -> Option<Self> {
        let text = std::fs::read(state_dir.join(FILE)).ok()?;
        serde_json::from_slice(&text).ok()
    }
}

/// The running daemon's ledger on one chain.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    base: LedgerFile,
    /// The counters when this chain's ledger was opened.
    start: StatsSnapshot,
}

impl Ledger {
    /// Opens the ledger of `chain` in `state_dir`: the file's totals when it is of the same
    /// chain; otherwise the file is kept as `ledger.<archived>.json` (when the chain's
    /// records were archived under that number) and the ledger starts at zero.
    pub fn open(
        state_dir: &Path,
        chain: &ChainIdentity,
        provider: &str,
        fee_denom: &str,
        archived: Option<u32>,
        now: StatsSnapshot,
    ) -> Self {
        let path = state_dir.join(FILE);
        let found = LedgerFile::read(state_dir);
        let pnl = match found {
            Some(file) if file.chain.same_as(chain) && archived.is_none() => file.pnl,
            Some(_) => {
                if let Some(number) = archived {
                    let kept = state_dir.join(format!("ledger.{number}.json"));
                    let _ = std::fs::rename(&path, kept);
                }
                Pnl::default()
            }
            None => Pnl::default(),
        };
        Self {
            path,
            base: LedgerFile {
                chain: chain.clone(),
                provider: provider.to_string(),
                fee_denom: fee_denom.to_string(),
                pnl,
            },
            start: now,
        }
    }

    /// The totals with `now`'s counters.
    pub fn current(&self, now: &StatsSnapshot) -> LedgerFile {
        LedgerFile {
            pnl: self.base.pnl.plus(now, &self.start),
            ..self.base.clone()
        }
    }

    /// Writes the totals with `now`'s counters (a temporary file renamed over the old one,
    /// so a reader never sees half of it).
    pub fn write(&self, now: &StatsSnapshot) -> std::io::Result<()> {
        let text = serde_json::to_vec_pretty(&self.current(now)).map_err(std::io::Error::other)?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(tmp, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(genesis: &str) -> ChainIdentity {
        ChainIdentity {
            chain_id: "c".into(),
            genesis_time: Some(genesis.into()),
            registry: "r".into(),
            staking: "s".into(),
        }
    }

    #[test]
    fn totals_carry_over_restarts_on_the_same_chain_and_start_over_on_another() {
        let dir = tempfile::tempdir().unwrap();
        let mut stats = StatsSnapshot::default();
        let ledger = Ledger::open(dir.path(), &chain("a"), "p", "ustake", None, stats.clone());
        stats.fees_paid = 300;
        stats.earnings_net.insert("ustake".into(), 990);
        stats.won = 1;
        ledger.write(&stats).unwrap();
        assert_eq!(ledger.current(&stats).pnl.net("ustake"), 690);
        // A restart: the counters start at zero again, the file's totals carry over.
        let mut fresh = StatsSnapshot::default();
        let again = Ledger::open(dir.path(), &chain("a"), "p", "ustake", None, fresh.clone());
        fresh.fees_paid = 10;
        let pnl = again.current(&fresh).pnl;
        assert_eq!((pnl.fees_paid, pnl.won, pnl.net("ustake")), (310, 1, 680));
        again.write(&fresh).unwrap();
        // Another chain: the old ledger is kept aside, the new one starts at zero.
        let other = Ledger::open(
            dir.path(),
            &chain("b"),
            "p",
            "ustake",
            Some(1),
            fresh.clone(),
        );
        assert_eq!(other.current(&fresh).pnl, Pnl::default());
        assert!(dir.path().join("ledger.1.json").exists());
    }
}
