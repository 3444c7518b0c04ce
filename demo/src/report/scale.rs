//! Whether an operation's gas depends on how many tasks exist: the life cycles measured
//! with few tasks on chain and again after publishing thousands more.

use ogpu_fixtures as fixtures;

use crate::error::DemoResult;
use crate::market::Market;
use crate::report::gas::{self, Lifecycles, REWARD};

/// One operation's gas at both sizes.
#[derive(Debug, Clone)]
pub struct Scaling {
    pub model: &'static str,
    pub op: &'static str,
    pub few: u64,
    pub many: u64,
}

impl Scaling {
    pub fn ratio(&self) -> f64 {
        self.many as f64 / self.few as f64
    }
}

/// Measures the life cycles with `few` tasks on chain, publishes up to `many`, measures
/// again: the first pass and the comparison. The market's providers 0 and 1 must be
/// registered.
pub async fn measure(
    market: &mut Market,
    few: usize,
    many: usize,
) -> DemoResult<(Lifecycles, Vec<Scaling>)> {
    let spec = || fixtures::spec(fixtures::first_response());
    market
        .publish_many((0..few).map(|_| spec()).collect(), REWARD)
        .await?;
    let before = gas::measure(market).await?;
    let more = many.saturating_sub(few + gas::TASKS_PER_PASS);
    market
        .publish_many((0..more).map(|_| spec()).collect(), REWARD)
        .await?;
    let after = gas::measure(market).await?;
    let scaling = compare(&before, &after);
    Ok((before, scaling))
}

fn compare(before: &Lifecycles, after: &Lifecycles) -> Vec<Scaling> {
    before
        .ops
        .iter()
        .filter_map(|op| {
            let many = after.gas(op.model, op.op)?;
            Some(Scaling {
                model: op.model,
                op: op.op,
                few: op.gas,
                many,
            })
        })
        .collect()
}
