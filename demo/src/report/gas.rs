//! Gas of every operation of every model, measured by running each life cycle once on the
//! market: the SDK gas each included transaction used (ante handler and wasm together).

use ogpu_client::TxOutcome;
use ogpu_devnet::gas::GasBreakdown;
use ogpu_fixtures as fixtures;
use ogpu_types::registry::ExecuteMsg;
use ogpu_types::{hash_search, TaskSpec, TaskStatus};

use crate::error::{DemoError, DemoResult};
use crate::market::{all_windows, commit_window, Market};
use crate::report::gas_rounds;

/// Reward of each measured task.
pub const REWARD: u128 = 50_000;
/// Stake each measured provider registers with: room for many tasks' collateral.
pub const STAKE: u128 = 10_000_000;
/// Difficulty of the measured hash search (found on the host in a few hundred hashes).
const DIFFICULTY: u32 = 8;

/// The gas one transaction of one operation used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpGas {
    pub model: &'static str,
    pub op: &'static str,
    pub gas: u64,
    /// Where it went, by the devnet's charge descriptors.
    pub breakdown: GasBreakdown,
}

/// Everything one pass over the life cycles measured.
#[derive(Debug, Clone, Default)]
pub struct Lifecycles {
    pub ops: Vec<OpGas>,
    /// Blocks from the First Response publish to its payout.
    pub first_response_blocks: u64,
}

impl Lifecycles {
    pub(crate) fn record(
        &mut self,
        market: &Market,
        model: &'static str,
        op: &'static str,
        outcome: &TxOutcome,
    ) {
        let breakdown = outcome
            .hash
            .parse()
            .ok()
            .and_then(|hash| market.devnet.node().gas_breakdown(&hash))
            .unwrap_or_default();
        self.ops.push(OpGas {
            model,
            op,
            gas: outcome.gas_used,
            breakdown,
        });
    }

    pub fn op(&self, model: &str, op: &str) -> Option<&OpGas> {
        self.ops.iter().find(|o| o.model == model && o.op == op)
    }

    pub fn gas(&self, model: &str, op: &str) -> Option<u64> {
        self.op(model, op).map(|o| o.gas)
    }

    /// Total of all transactions of one First Response task, publish to payout.
    pub fn first_response_total(&self) -> u64 {
        FIRST_RESPONSE_OPS
            .iter()
            .filter_map(|op| self.gas(FIRST_RESPONSE, op))
            .sum()
    }
}

pub const FIRST_RESPONSE: &str = "first_response";
/// The transactions of one First Response task, publish to payout.
pub const FIRST_RESPONSE_OPS: [&str; 3] = ["publish", "commit", "reveal (win, pays)"];
pub const MANUAL_CONFIRMATION: &str = "manual_confirmation";
pub const HASH_SEARCH: &str = "first_response, hash_search";
pub const STAKING: &str = "staking";

/// The result the fixtures' vector addition (`a[i] + 10` over 1, 2, 3, 4) computes.
pub fn vector_add_result() -> Vec<u8> {
    [11u32, 12, 13, 14]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect()
}

/// Providers the measured life cycles need: a dispute's winner and the three replicas of
/// its round.
pub const PROVIDERS: usize = 4;

/// Registers the providers (the first registration is recorded).
pub async fn register_providers(
    market: &mut Market,
    lifecycles: &mut Lifecycles,
) -> DemoResult<()> {
    for index in 0..PROVIDERS {
        let metadata = fixtures::metadata(&format!("provider-{index}"));
        let outcome = market.register(index, metadata, STAKE).await?;
        if index == 0 {
            lifecycles.record(market, STAKING, "register", &outcome);
        }
    }
    Ok(())
}

/// Tasks one [`measure`] pass publishes.
pub const TASKS_PER_PASS: usize = 6 + gas_rounds::TASKS;

/// Runs every life cycle once with the [`PROVIDERS`] (registered) and client 0.
pub async fn measure(market: &mut Market) -> DemoResult<Lifecycles> {
    let mut lifecycles = Lifecycles::default();
    first_response(market, &mut lifecycles).await?;
    first_response_expiry(market, &mut lifecycles).await?;
    cancel(market, &mut lifecycles).await?;
    manual_confirmation(market, &mut lifecycles).await?;
    manual_confirmation_auto(market, &mut lifecycles).await?;
    hash_search_task(market, &mut lifecycles).await?;
    gas_rounds::auction(market, &mut lifecycles).await?;
    gas_rounds::consensus(market, &mut lifecycles).await?;
    gas_rounds::disputes(market, &mut lifecycles).await?;
    Ok(lifecycles)
}

pub(crate) async fn expect_status(
    market: &Market,
    task_id: u64,
    status: TaskStatus,
) -> DemoResult<()> {
    let actual = market.task(task_id).await?.task.status;
    if actual != status {
        return Err(DemoError::Unexpected(format!(
            "task {task_id} is {actual:?}, expected {status:?}"
        )));
    }
    Ok(())
}

/// Publish, commit, reveal in the next block: paid in the reveal.
async fn first_response(market: &mut Market, lifecycles: &mut Lifecycles) -> DemoResult<()> {
    won_first_response(
        market,
        lifecycles,
        FIRST_RESPONSE,
        fixtures::spec(fixtures::first_response()),
        &vector_add_result(),
    )
    .await
}

async fn won_first_response(
    market: &mut Market,
    lifecycles: &mut Lifecycles,
    model: &'static str,
    spec: TaskSpec,
    result: &[u8],
) -> DemoResult<()> {
    let opencl = matches!(spec.job, ogpu_types::Job::OpenCl(_));
    let (task_id, published) = market.publish(0, spec, REWARD).await?;
    lifecycles.record(market, model, "publish", &published);
    let sealed = if opencl {
        market.seal(0, 0, task_id, result, REWARD, None)?
    } else {
        market.seal_public(0, task_id, result, REWARD, None)
    };
    let committed = market.commit(0, task_id, &sealed).await?;
    lifecycles.record(market, model, "commit", &committed);
    let revealed = market.reveal(0, task_id, &sealed).await?;
    lifecycles.record(market, model, "reveal (win, pays)", &revealed);
    expect_status(market, task_id, TaskStatus::Completed).await?;
    if model == FIRST_RESPONSE {
        lifecycles.first_response_blocks = revealed.height - published.height;
    }
    Ok(())
}

/// A provider commits and goes silent: after the windows anyone expires the task, which
/// refunds the client and slashes the silent committer.
async fn first_response_expiry(market: &mut Market, lifecycles: &mut Lifecycles) -> DemoResult<()> {
    let model = fixtures::first_response();
    let (task_id, _) = market.publish(0, fixtures::spec(model), REWARD).await?;
    let sealed = market.seal(0, 1, task_id, &vector_add_result(), REWARD, None)?;
    market.commit(1, task_id, &sealed).await?;
    market.advance_time(all_windows(&model)).await?;
    let finalized = market.finalize(task_id).await?;
    lifecycles.record(
        market,
        FIRST_RESPONSE,
        "finalize (expire, slash 1)",
        &finalized,
    );
    expect_status(market, task_id, TaskStatus::Expired).await
}

async fn cancel(market: &mut Market, lifecycles: &mut Lifecycles) -> DemoResult<()> {
    let spec = fixtures::spec(fixtures::first_response());
    let (task_id, _) = market.publish(0, spec, REWARD).await?;
    let cancelled = market
        .send_as_client(0, &ExecuteMsg::CancelTask { task_id }, vec![])
        .await?;
    lifecycles.record(market, FIRST_RESPONSE, "cancel", &cancelled);
    expect_status(market, task_id, TaskStatus::Cancelled).await
}

/// Two providers offer prices (sealed offers: digest and price), both reveal after the
/// commit window, the client chooses the cheaper, which delivers and is paid.
async fn manual_confirmation(market: &mut Market, lifecycles: &mut Lifecycles) -> DemoResult<()> {
    let model = fixtures::manual_confirmation();
    let (task_id, published) = market.publish(0, fixtures::spec(model), REWARD).await?;
    lifecycles.record(market, MANUAL_CONFIRMATION, "publish", &published);
    let result = vector_add_result();
    let offers = [(0, 40_000), (1, 45_000)];
    let mut sealed = Vec::new();
    for (index, price) in offers {
        let seal = market.seal(0, index, task_id, &result, REWARD, Some(price))?;
        let committed = market.commit(index, task_id, &seal).await?;
        if index == 0 {
            lifecycles.record(
                market,
                MANUAL_CONFIRMATION,
                "commit (with price)",
                &committed,
            );
        }
        sealed.push(seal);
    }
    market.advance_time(commit_window(&model)).await?;
    for (index, seal) in sealed.iter().enumerate() {
        let revealed = market.reveal(index, task_id, seal).await?;
        if index == 0 {
            lifecycles.record(market, MANUAL_CONFIRMATION, "reveal (offer)", &revealed);
        }
    }
    let provider = market.providers[0].address().to_string();
    let confirmed = market
        .send_as_client(0, &ExecuteMsg::Confirm { task_id, provider }, vec![])
        .await?;
    lifecycles.record(market, MANUAL_CONFIRMATION, "confirm (awards)", &confirmed);
    let delivered = market.deliver(0, task_id, &sealed[0]).await?;
    lifecycles.record(market, MANUAL_CONFIRMATION, "deliver (pays)", &delivered);
    expect_status(market, task_id, TaskStatus::Completed).await
}

/// The client never confirms: after the confirm window anyone finalizes, the cheapest
/// offer is chosen, and it delivers and is paid.
async fn manual_confirmation_auto(
    market: &mut Market,
    lifecycles: &mut Lifecycles,
) -> DemoResult<()> {
    let model = fixtures::manual_confirmation();
    let (task_id, _) = market.publish(0, fixtures::spec(model), REWARD).await?;
    let seal = market.seal(0, 0, task_id, &vector_add_result(), REWARD, Some(30_000))?;
    market.commit(0, task_id, &seal).await?;
    market.advance_time(commit_window(&model)).await?;
    market.reveal(0, task_id, &seal).await?;
    market.advance_time(all_windows(&model)).await?;
    let finalized = market.finalize(task_id).await?;
    lifecycles.record(
        market,
        MANUAL_CONFIRMATION,
        "finalize (chooses the cheapest)",
        &finalized,
    );
    market.deliver(0, task_id, &seal).await?;
    expect_status(market, task_id, TaskStatus::Completed).await
}

/// The registry checks the nonce itself at reveal.
async fn hash_search_task(market: &mut Market, lifecycles: &mut Lifecycles) -> DemoResult<()> {
    let nonce = hash_search::search(fixtures::PREFIX, DIFFICULTY, 0..1 << 20)
        .ok_or_else(|| DemoError::Unexpected("no nonce in 2^20 tries".into()))?;
    let spec = fixtures::hash_search(fixtures::first_response(), DIFFICULTY);
    won_first_response(market, lifecycles, HASH_SEARCH, spec, &nonce.to_be_bytes()).await
}
