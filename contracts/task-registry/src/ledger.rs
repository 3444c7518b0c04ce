//! The bottom layer: the registry's books. Creating a task and moving its reward into
//! escrow, the collateral locks and the verdicts that release or slash them, and ending a
//! task (payouts or refund, response statuses, the dispute window and the re-run round's
//! resolution). Nothing here imports `models` or `handlers`.

pub mod child;
pub mod collateral;
pub mod create;
pub mod dispute;
pub mod ending;
pub mod escrow;
pub mod settle;
pub mod task;
