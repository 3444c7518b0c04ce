//! How a task ends: what `settle` is told, and what a dispute reads of a completion.

use cosmwasm_std::{Addr, HexBinary, Uint128};

/// How a task ends.
pub enum Ending {
    /// Each of `winners` is paid `price` (gross) out of the escrow; the rest goes back to
    /// the client. One winner, except in Consensus, where every agreeing replica wins.
    Completed {
        winners: Vec<Addr>,
        price: Uint128,
        digest: HexBinary,
    },
    /// No result was accepted in time: refund.
    Expired,
    /// The client withdrew the task before any commitment: refund.
    Cancelled,
    /// Consensus: the revealed digests reached no quorum: refund.
    Failed,
}
