//! What a contract instance reaches outside itself (`cosmwasm_vm::Backend`): address
//! conversion, its own prefixed storage (charged on the SDK gas meter as wasmd's store
//! adapter does) and the chain querier.

use std::ops::Bound;
use std::sync::Arc;

use cosmwasm_vm::{BackendApi, BackendError, BackendResult, GasInfo, Storage};

use crate::address::Bech32;
use crate::gas::{kv, GasMeter, GAS_MULTIPLIER};
use crate::store::{Direction, SharedStore};

/// wasmd's address-conversion costs in SDK gas (`DefaultGasCostHumanAddress`,
/// `DefaultGasCostCanonicalAddress`; validation is both).
const HUMANIZE_COST: u64 = 5;
const CANONICALIZE_COST: u64 = 4;

fn vm_gas(sdk_gas: u64) -> u64 {
    sdk_gas.saturating_mul(GAS_MULTIPLIER)
}

/// Bech32 conversions with the chain's prefix.
#[derive(Clone)]
pub struct DevApi(pub Bech32);

impl BackendApi for DevApi {
    fn addr_validate(&self, input: &str) -> BackendResult<()> {
        let gas = GasInfo::with_cost(vm_gas(HUMANIZE_COST + CANONICALIZE_COST));
        match self.0.decode(input) {
            Ok(bytes) if self.0.encode(&bytes) == input => (Ok(()), gas),
            Ok(_) => (
                Err(BackendError::user_err("address is not normalized")),
                gas,
            ),
            Err(e) => (Err(BackendError::user_err(e.log)), gas),
        }
    }

    fn addr_canonicalize(&self, human: &str) -> BackendResult<Vec<u8>> {
        let gas = GasInfo::with_cost(vm_gas(CANONICALIZE_COST));
        (
            self.0
                .decode(human)
                .map_err(|e| BackendError::user_err(e.log)),
            gas,
        )
    }

    fn addr_humanize(&self, canonical: &[u8]) -> BackendResult<String> {
        let gas = GasInfo::with_cost(vm_gas(HUMANIZE_COST));
        if canonical.is_empty() || canonical.len() > 255 {
            return (
                Err(BackendError::user_err("invalid canonical address length")),
                gas,
            );
        }
        (Ok(self.0.encode(canonical)), gas)
    }
}

/// An open `scan`: the remaining range, narrowed as items are returned.
struct ScanState {
    lower: Bound<Vec<u8>>,
    upper: Bound<Vec<u8>>,
    direction: Direction,
}

/// One contract's storage, seen through the chain store with its wasmd prefix.
pub struct ContractStorage {
    store: SharedStore,
    meter: Arc<GasMeter>,
    prefix: Vec<u8>,
    scans: Vec<ScanState>,
}

impl ContractStorage {
    pub fn new(store: SharedStore, meter: Arc<GasMeter>, prefix: Vec<u8>) -> Self {
        Self {
            store,
            meter,
            prefix,
            scans: Vec::new(),
        }
    }

    /// Charges SDK gas on the meter, part by part under each part's descriptor, and
    /// reports the sum to the VM as externally used, so the contract's limit covers it as
    /// well (wasmvm's `GasInfo.externally_used`).
    fn charge(&self, parts: &[(u64, &'static str)]) -> Result<GasInfo, (BackendError, GasInfo)> {
        let sdk_gas = parts.iter().map(|(gas, _)| gas).sum();
        let info = GasInfo::with_externally_used(vm_gas(sdk_gas));
        for (gas, descriptor) in parts {
            if self.meter.consume(*gas, descriptor).is_err() {
                return Err((BackendError::out_of_gas(), info));
            }
        }
        Ok(info)
    }

    fn full_key(&self, key: &[u8]) -> Vec<u8> {
        [self.prefix.as_slice(), key].concat()
    }
}

macro_rules! charge_or_return {
    ($self:ident, $($gas:expr => $descriptor:expr),+) => {
        match $self.charge(&[$(($gas, $descriptor)),+]) {
            Ok(info) => info,
            Err((err, info)) => return (Err(err), info),
        }
    };
}

impl Storage for ContractStorage {
    fn get(&self, key: &[u8]) -> BackendResult<Option<Vec<u8>>> {
        let full = self.full_key(key);
        let value = self.store.lock().get(&full);
        let bytes = (full.len() + value.as_ref().map_or(0, Vec::len)) as u64;
        let gas = charge_or_return!(
            self,
            kv::READ_FLAT => "wasm storage read: flat",
            kv::READ_PER_BYTE * bytes => "wasm storage read: bytes"
        );
        (Ok(value), gas)
    }

    fn scan(
        &mut self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: cosmwasm_std::Order,
    ) -> BackendResult<u32> {
        let gas = charge_or_return!(self, kv::ITER_NEXT_FLAT => "wasm storage scan");
        let lower = Bound::Included(self.full_key(start.unwrap_or_default()));
        let upper = match end {
            Some(end) => Bound::Excluded(self.full_key(end)),
            None => Bound::Excluded(crate::bank::prefix_end(&self.prefix)),
        };
        let direction = match order {
            cosmwasm_std::Order::Ascending => Direction::Ascending,
            cosmwasm_std::Order::Descending => Direction::Descending,
        };
        self.scans.push(ScanState {
            lower,
            upper,
            direction,
        });
        (Ok(self.scans.len() as u32 - 1), gas)
    }

    fn next(&mut self, iterator_id: u32) -> BackendResult<Option<cosmwasm_std::Record>> {
        let Some(scan) = self.scans.get(iterator_id as usize) else {
            return (
                Err(BackendError::iterator_does_not_exist(iterator_id)),
                GasInfo::free(),
            );
        };
        let found =
            self.store
                .lock()
                .next_in_range(scan.lower.clone(), scan.upper.clone(), scan.direction);
        let Some((full, value)) = found else {
            let gas = charge_or_return!(self, kv::ITER_NEXT_FLAT => "wasm storage scan");
            return (Ok(None), gas);
        };
        let bytes = (full.len() + value.len()) as u64;
        let gas = charge_or_return!(
            self,
            kv::ITER_NEXT_FLAT + kv::READ_PER_BYTE * bytes => "wasm storage scan"
        );
        let scan = &mut self.scans[iterator_id as usize];
        match scan.direction {
            Direction::Ascending => scan.lower = Bound::Excluded(full.clone()),
            Direction::Descending => scan.upper = Bound::Excluded(full.clone()),
        }
        (Ok(Some((full[self.prefix.len()..].to_vec(), value))), gas)
    }

    fn set(&mut self, key: &[u8], value: &[u8]) -> BackendResult<()> {
        let full = self.full_key(key);
        let bytes = (full.len() + value.len()) as u64;
        let gas = charge_or_return!(
            self,
            kv::WRITE_FLAT => "wasm storage write: flat",
            kv::WRITE_PER_BYTE * bytes => "wasm storage write: bytes"
        );
        self.store.lock().set(full, value.to_vec());
        (Ok(()), gas)
    }

    fn remove(&mut self, key: &[u8]) -> BackendResult<()> {
        let gas = charge_or_return!(self, kv::DELETE => "wasm storage delete");
        self.store.lock().remove(&self.full_key(key));
        (Ok(()), gas)
    }
}
