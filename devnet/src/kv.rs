//! A gas-metered view of the store, as the SDK's `gaskv` store: every module read and write
//! is charged on the transaction's gas meter with the SDK's KV costs.

use crate::gas::{kv, GasMeter, OutOfGas};
use crate::store::SharedStore;

/// One module's access to the state during a transaction.
#[derive(Clone, Copy)]
pub struct Kv<'a> {
    pub store: &'a SharedStore,
    pub meter: &'a GasMeter,
}

impl<'a> Kv<'a> {
    pub fn new(store: &'a SharedStore, meter: &'a GasMeter) -> Self {
        Self { store, meter }
    }

    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, OutOfGas> {
        self.meter.consume(kv::READ_FLAT, "ReadFlat")?;
        self.meter
            .consume(kv::READ_PER_BYTE * key.len() as u64, "ReadPerByte")?;
        let value = self.store.lock().get(key);
        let len = value.as_ref().map_or(0, Vec::len) as u64;
        self.meter.consume(kv::READ_PER_BYTE * len, "ReadPerByte")?;
        Ok(value)
    }

    pub fn has(&self, key: &[u8]) -> Result<bool, OutOfGas> {
        self.meter.consume(kv::HAS, "Has")?;
        Ok(self.store.lock().get(key).is_some())
    }

    pub fn set(&self, key: Vec<u8>, value: Vec<u8>) -> Result<(), OutOfGas> {
        self.meter.consume(kv::WRITE_FLAT, "WriteFlat")?;
        let bytes = (key.len() + value.len()) as u64;
        self.meter
            .consume(kv::WRITE_PER_BYTE * bytes, "WritePerByte")?;
        self.store.lock().set(key, value);
        Ok(())
    }

    pub fn remove(&self, key: &[u8]) -> Result<(), OutOfGas> {
        self.meter.consume(kv::DELETE, "Delete")?;
        self.store.lock().remove(key);
        Ok(())
    }
}
