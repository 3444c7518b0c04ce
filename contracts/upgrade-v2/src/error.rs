use cosmwasm_std::StdError;
use cw_utils::PaymentError;
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error("{contract} {version} is not an OpenGPU v1 contract (0.1.x): nothing to upgrade")]
    NotV1 { contract: String, version: String },

    #[error("this contract's upgrade has already begun: send Step until Progress says done")]
    AlreadyStarted {},

    #[error("upgrade the registry first: its children hand their records to it")]
    RegistryFirst {},

    #[error("unauthorized: only {expected} may do this")]
    Unauthorized { expected: String },

    #[error("only the registry takes this message while upgrading (MigrateChild, Import)")]
    NotTheRegistry {},
}
