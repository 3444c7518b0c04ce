//! The CosmWasm VM host: a `cosmwasm_vm::Cache` of compiled modules (persisted under the
//! devnet's home), and running one contract entry point with wasmd's gas accounting.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use cosmwasm_std::{BlockInfo, Checksum, ContractInfo, Env, Timestamp, TransactionInfo};
use cosmwasm_vm::{
    capabilities_from_csv, Backend, Cache, CacheOptions, Instance, InstanceOptions, Size, VmError,
};

use super::backend::{ContractStorage, DevApi};
use super::querier::ChainQuerier;
use crate::address::Bech32;
use crate::error::{ChainError, ChainResult};
use crate::gas::{instance_cost, GasMeter, GAS_MULTIPLIER};
use crate::kv::Kv;
use crate::store::SharedStore;

pub type DevInstance = Instance<DevApi, ContractStorage, ChainQuerier>;

/// Capabilities a wasmd v0.55 / wasmvm 3 chain offers (`x/wasm/keeper/capabilities.go`).
const CAPABILITIES: &str = "iterator,staking,stargate,cosmwasm_1_1,cosmwasm_1_2,cosmwasm_1_3,\
cosmwasm_1_4,cosmwasm_2_0,cosmwasm_2_1,cosmwasm_2_2,cosmwasm_3_0";
/// Memory one instance may use (wasmd's default `ContractMemoryLimit`, 32 MiB).
const INSTANCE_MEMORY_LIMIT: Size = Size::mebi(32);
/// In-memory module cache (wasmd's default `MemoryCacheSize`, 100 MiB).
const MEMORY_CACHE: Size = Size::mebi(100);

/// The compiled-module cache and the chain's address codec.
pub struct Vm {
    cache: Cache<DevApi, ContractStorage, ChainQuerier>,
    pub bech32: Bech32,
    /// Holds the cache directory of an in-memory devnet until the VM is dropped.
    _scratch: Option<tempfile::TempDir>,
}

impl Vm {
    /// A VM whose compiled modules live in `dir` (persistent) or in a scratch directory.
    pub fn new(dir: Option<&Path>, bech32: Bech32) -> std::io::Result<Self> {
        let scratch = match dir {
            Some(_) => None,
            None => Some(tempfile::tempdir()?),
        };
        let base_dir = dir.map(Path::to_path_buf).unwrap_or_else(|| {
            scratch
                .as_ref()
                .expect("set when no dir is given")
                .path()
                .to_path_buf()
        });
        let capabilities: HashSet<String> = capabilities_from_csv(CAPABILITIES);
        let options =
            CacheOptions::new(base_dir, capabilities, MEMORY_CACHE, INSTANCE_MEMORY_LIMIT);
        // SAFETY: the cache directory is the devnet's own (its home or a fresh temp dir); no
        // other process writes compiled modules there.
        let cache = unsafe { Cache::new(options) }.map_err(std::io::Error::other)?;
        Ok(Self {
            cache,
            bech32,
            _scratch: scratch,
        })
    }

    /// Validates, compiles and saves `wasm` (wasmd's `StoreCode` checks).
    pub fn store_code(&self, wasm: &[u8]) -> ChainResult<Checksum> {
        self.cache
            .store_code(wasm, true, true)
            .map_err(|e| ChainError::wasm_create(format!("Error calling the VM: {e}")))
    }

    /// Keeps the module of `checksum` compiled in memory (wasmd's `PinCode`).
    pub fn pin(&self, checksum: &Checksum) -> ChainResult<()> {
        self.cache
            .pin(checksum)
            .map_err(|e| ChainError::wasm_invalid(format!("pin {checksum}: {e}")))
    }
}

/// Block data every contract call sees.
#[derive(Debug, Clone)]
pub struct BlockEnv {
    pub height: u64,
    pub time_nanos: u64,
    pub chain_id: String,
}

/// Everything one contract call needs: the store, the tx's gas meter, the VM and the block.
#[derive(Clone)]
pub struct CallCtx {
    pub store: SharedStore,
    pub meter: Arc<GasMeter>,
    pub vm: Arc<Vm>,
    pub block: BlockEnv,
    /// Position and hash of the tx in its block; `None` in queries.
    pub tx: Option<(u32, Vec<u8>)>,
    /// Nesting of contract queries (wasmd caps it at 10).
    pub query_depth: u32,
}

/// The code a contract runs and whether it is pinned (which lowers its instance cost).
pub struct CodeRef {
    pub checksum: Checksum,
    pub pinned: bool,
}

impl CallCtx {
    pub fn kv(&self) -> Kv<'_> {
        Kv::new(&self.store, &self.meter)
    }

    /// The same call context with another gas meter (a submessage with its own limit).
    pub fn with_meter(&self, meter: Arc<GasMeter>) -> Self {
        Self {
            meter,
            ..self.clone()
        }
    }

    pub fn env(&self, contract: &str) -> Env {
        Env {
            block: BlockInfo {
                height: self.block.height,
                time: Timestamp::from_nanos(self.block.time_nanos),
                chain_id: self.block.chain_id.clone(),
            },
            transaction: self
                .tx
                .as_ref()
                .map(|(index, hash)| TransactionInfo::new(*index, hash.clone().into())),
            contract: ContractInfo {
                address: cosmwasm_std::Addr::unchecked(contract),
            },
        }
    }

    /// Runs one entry point of the contract at `address` as wasmd does: charges the
    /// instance cost, gives the VM the gas left, then charges what the VM used internally
    /// (storage and queries were charged as they happened).
    pub fn run<T>(
        &self,
        address: &[u8],
        code: &CodeRef,
        fail: fn(String) -> ChainError,
        call: impl FnOnce(&mut DevInstance) -> Result<T, VmError>,
    ) -> ChainResult<T> {
        self.meter
            .consume(instance_cost(code.pinned), "Loading CosmWasm module")?;
        let backend = Backend {
            api: DevApi(self.vm.bech32.clone()),
            storage: ContractStorage::new(
                self.store.clone(),
                self.meter.clone(),
                super::state::contract_store_prefix(address),
            ),
            querier: ChainQuerier::new(self.clone()),
        };
        let options = InstanceOptions {
            gas_limit: self.meter.remaining().saturating_mul(GAS_MULTIPLIER),
        };
        let mut instance = self
            .vm
            .cache
            .get_instance(&code.checksum, backend, options)
            .map_err(|e| fail(format!("Error calling the VM: {e}")))?;
        let result = call(&mut instance);
        let report = instance.create_gas_report();
        self.meter
            .consume(report.used_internally / GAS_MULTIPLIER, "wasm contract")?;
        match result {
            Ok(value) => Ok(value),
            Err(VmError::GasDepletion { .. }) => Err(self
                .meter
                .consume(u64::MAX, "wasm contract")
                .unwrap_err()
                .into()),
            Err(e) => Err(fail(format!("Error calling the VM: {e}"))),
        }
    }
}

impl Vm {
    /// The original wasm of a stored code (for `cosmwasm.wasm.v1.Query/Code`).
    pub fn load_wasm(&self, checksum: &Checksum) -> ChainResult<Vec<u8>> {
        self.cache
            .load_wasm(checksum)
            .map_err(|e| ChainError::wasm_not_found(format!("wasm of {checksum}: {e}")))
    }
}
