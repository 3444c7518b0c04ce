//! Shared types of the OpenGPU contract suite.
//!
//! Every instantiate/execute/query/migrate message and response of the three contracts
//! (`task-registry`, `provider-staking`, `settlement`), the task specification, statuses,
//! event and attribute names, and the commitment hash functions live here, so that the
//! contracts, the `ogpu` CLI and the provider daemon agree byte for byte. No contract logic.
#![forbid(unsafe_code)]

pub mod asset;
pub mod commitment;
pub mod events;
pub mod fee;
pub mod finalize;
pub mod hash_search;
pub mod migration;
pub mod page;
pub mod provider;
pub mod registry;
pub mod schema;
pub mod settlement;
pub mod staking;
pub mod task;
pub mod time;
pub mod validate;

pub use asset::{Asset, AssetInfo, MAX_CONFIG_AMOUNT};
pub use commitment::{bid_commitment, result_commitment, CommitmentError, Hash32};
pub use hash_search::HashSearch;
pub use provider::{Device, DeviceProfile, DeviceType, ProviderMetadata, Reputation};
pub use task::{
    CompetitionModel, DeviceClass, DisputeTerms, Eligibility, Job, KernelArg, KernelSource, Offer,
    OpenClJob, Payload, Requirements, ResponseStatus, Scalar, Task, TaskOutcome,
    TaskResponse as TaskResponseRecord, TaskSpec, TaskStatus, SEALED_RESULT_OVERHEAD,
};
pub use time::deadline;

/// The empty migrate message every contract of the suite accepts.
#[cosmwasm_schema::cw_serde]
pub struct MigrateMsg {}
