//! The middle layer: what differs per competition model. Who may commit to a round, what
//! a First Response reveal does, how a Manual Confirmation, an auction or a Consensus
//! round is awarded, and the delivery and promotion the awarded models share (`award`).
//! When `Finalize` is due is `ogpu_types::finalize::due`'s rule. Models call down into
//! `ledger`; nothing here imports `handlers`.

pub mod award;
pub mod consensus;
pub mod first_response;
pub mod manual_confirmation;
pub mod sealed_bid_auction;
