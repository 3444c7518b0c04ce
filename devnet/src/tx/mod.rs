//! Transactions: decoding, the ante handler and message execution.

pub mod ante;
pub mod decode;
pub mod msgs;

pub use ante::{GasPrice, Mode};
pub use decode::DecodedTx;
