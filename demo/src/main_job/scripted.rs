//! The one participant the demo scripts instead of running a daemon for: a provider that
//! commits to the tasks only it may take, and never reveals.

use crate::error::DemoResult;
use crate::main_job::scenarios::{Twist, REWARD};
use crate::main_job::Board;
use crate::market::Market;

/// Commits, as provider `rogue`, to every withheld task, and never reveals.
pub async fn withhold(market: &mut Market, board: &Board, rogue: usize) -> DemoResult<()> {
    for (id, _) in board.iter().filter(|(_, s)| s.twist == Twist::Withheld) {
        let sealed = market.seal(0, rogue, *id, b"never revealed", REWARD, None)?;
        market.commit(rogue, *id, &sealed).await?;
    }
    Ok(())
}
