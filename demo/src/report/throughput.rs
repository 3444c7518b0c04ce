//! Tasks settled per second: clients publish First Response tasks, every provider commits
//! its share in one block and reveals it in the next, each reveal paying its task.

use std::time::Instant;

use ogpu_client::{ogpu_events, Gas};
use ogpu_fixtures as fixtures;
use ogpu_types::events as names;

use crate::error::{DemoError, DemoResult};
use crate::market::{commit_msg, reveal_gas, reveal_msg, Market, BATCH};
use crate::report::gas::{vector_add_result, REWARD, STAKE};

#[derive(Debug, Clone)]
pub struct Throughput {
    pub tasks: usize,
    pub providers: usize,
    pub seconds: f64,
    /// Blocks from the first publish to the last payout.
    pub blocks: u64,
    /// Gas of all the providers' transactions: commitments and reveals, [`BATCH`] tasks
    /// a transaction.
    pub provider_gas: u64,
}

impl Throughput {
    pub fn per_second(&self) -> f64 {
        self.tasks as f64 / self.seconds
    }

    /// A provider's gas per task (its commitment and its paying reveal), batched.
    pub fn provider_gas_per_task(&self) -> u64 {
        self.provider_gas / self.tasks.max(1) as u64
    }
}

/// Registers every provider, then times `tasks` tasks from publish to payout.
pub async fn measure(market: &mut Market, tasks: usize) -> DemoResult<Throughput> {
    for index in 0..market.providers.len() {
        let metadata = fixtures::metadata(&format!("provider-{index}"));
        market.register(index, metadata, STAKE).await?;
    }
    let start = Instant::now();
    let first_height = market.devnet.height();
    let spec = || fixtures::spec(fixtures::first_response());
    let ids = market
        .publish_many((0..tasks).map(|_| spec()).collect(), REWARD)
        .await?;
    let providers = market.providers.len();
    let mut shares = vec![Vec::new(); providers];
    for (i, task) in ids.into_iter().enumerate() {
        shares[i % providers].push(task);
    }
    let result = vector_add_result();
    let mut work = Vec::new();
    for (index, share) in shares.into_iter().enumerate() {
        let sealed = share
            .into_iter()
            .map(|(client, id)| Ok((id, market.seal(client, index, id, &result, REWARD, None)?)))
            .collect::<DemoResult<Vec<_>>>()?;
        work.push(sealed);
    }
    let (chain, registry) = (&market.client, market.deployment.registry());
    let runs = market
        .providers
        .iter_mut()
        .zip(work)
        .map(|(signer, sealed)| async move {
            let (mut completed, mut gas) = (0, 0);
            for chunk in sealed.chunks(BATCH) {
                let address = signer.address().to_string();
                let commits = chunk
                    .iter()
                    .map(|(id, seal)| registry.execute(&address, &commit_msg(*id, seal), vec![]))
                    .collect::<Result<Vec<_>, _>>()?;
                gas += chain.send(signer, commits, Gas::Auto).await?.gas_used;
                let reveals = chunk
                    .iter()
                    .map(|(id, seal)| {
                        registry.execute(&address, &reveal_msg(*id, seal, true), vec![])
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let outcome = chain.send(signer, reveals, reveal_gas(chunk.len())).await?;
                gas += outcome.gas_used;
                completed += ogpu_events(&outcome)
                    .iter()
                    .filter(|e| e.name == names::TASK_COMPLETED)
                    .count();
            }
            DemoResult::Ok((completed, gas))
        });
    let (mut completed, mut provider_gas) = (0, 0);
    for (done, gas) in futures::future::try_join_all(runs).await? {
        completed += done;
        provider_gas += gas;
    }
    let seconds = start.elapsed().as_secs_f64();
    if completed != tasks {
        return Err(DemoError::Unexpected(format!(
            "{completed} of {tasks} tasks completed"
        )));
    }
    Ok(Throughput {
        tasks,
        providers,
        seconds,
        blocks: market.devnet.height() - first_height,
        provider_gas,
    })
}
