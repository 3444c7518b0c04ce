//! The top layer: one handler per execute message (or tight family), called by
//! `contract::execute`'s flat `match`. A handler does its message's checks (sender, funds,
//! input, deadlines) and calls down into `models` and `ledger`; no lower layer imports it.

pub mod admin;
pub mod cancel;
pub mod checks;
pub mod commit;
pub mod confirm;
pub mod deliver;
pub mod dispute;
pub mod finalize;
pub mod instantiate;
pub mod publish;
pub mod reveal;
pub mod reveal_bid;
pub mod sync_provider;
