//! The main job and the performance report: a whole OpenGPU market on the embedded devnet,
//! driven through the real contracts and the client library.

pub mod conservation;
pub mod error;
pub mod main_job;
pub mod market;
pub mod report;

pub use error::{DemoError, DemoResult};
pub use market::{Market, MarketConfig};
