//! The main job: a whole market on the embedded devnet. It deploys the suite, registers
//! and starts real provider daemons (OpenCL, signed transactions), publishes the task mix
//! of [`scenarios`], plays the client's part (confirming, or not) and the cranks (moving
//! the chain's clock past the windows, finalizing), then reads every task's end back from
//! the chain, prints the tables and checks conservation.

pub mod explorer;
pub mod fleet;
pub mod scenarios;
pub mod scripted;
pub mod summary;
pub mod watch;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ogpu_client::Gas;
use ogpu_types::registry::{ExecuteMsg, TaskDetails};
use ogpu_types::staking::{ProviderResponse, QueryMsg as StakingQuery};
use ogpu_types::TaskStatus;

use crate::conservation::{self, Conservation};
use crate::error::{DemoError, DemoResult};
use crate::market::{all_windows, commit_window, Market, MarketConfig};
use scenarios::{Scenario, Twist, BOND, REWARD};
use summary::TaskRow;
use watch::Trails;

#[derive(Debug, Clone)]
pub struct DemoConfig {
    pub providers: usize,
    pub tasks: usize,
    pub block_time: Duration,
    /// How long to wait for the providers at each step.
    pub patience: Duration,
    pub artifacts: std::path::PathBuf,
    /// Serve the explorer here while the market runs.
    pub explorer: Option<std::net::SocketAddr>,
    /// Keep the chain and the explorer up after the run (with `explorer`).
    pub keep_open: bool,
}

/// What the demo found.
pub struct DemoOutcome {
    pub tasks: Vec<TaskRow>,
    pub providers: Vec<ProviderResponse>,
    pub trails: Trails,
    pub conservation: Conservation,
    /// With an explorer: whether its index told every task's end as the chain did.
    pub explorer_agrees: Option<bool>,
    /// With an explorer and `keep_open`: the chain and the explorer, still running.
    pub kept: Option<explorer::Kept>,
}

impl DemoOutcome {
    pub fn all_as_expected(&self) -> bool {
        self.tasks.iter().all(TaskRow::as_expected) && self.explorer_agrees != Some(false)
    }
}

/// Published tasks with their scenarios.
pub type Board = Vec<(u64, Scenario)>;

pub async fn run(config: DemoConfig) -> DemoResult<DemoOutcome> {
    let state = tempfile::tempdir().map_err(|e| DemoError::Setup(format!("temp dir: {e}")))?;
    // The key after the daemons' withholds its results.
    let rogue = config.providers;
    let mut market = Market::start(&MarketConfig {
        clients: 1,
        providers: config.providers + 1,
        pin_codes: false,
        block_time: config.block_time,
        artifacts: config.artifacts.clone(),
    })
    .await?;
    println!(
        "devnet {} at {}; suite deployed, registry {}",
        market.devnet.chain_id(),
        market.devnet.rpc_url(),
        market.deployment.registry
    );
    let deployment = state.path().join("deployment.json");
    market.deployment.save(&deployment)?;
    let beside = match config.explorer {
        Some(listen) => Some(explorer::start(&market, listen, state.path()).await?),
        None => None,
    };

    let trails = Arc::new(Mutex::new(Trails::default()));
    let progress = spawn_progress(&market, trails.clone());

    let (device, gflops) = tokio::task::spawn_blocking(fleet::benchmark)
        .await
        .expect("benchmark thread")?;
    println!(
        "device: {} ({gflops} GFLOP/s by the quick benchmark)",
        device.name
    );
    let mut daemons = Vec::new();
    for index in 0..config.providers {
        let daemon_config = fleet::config(&market, &deployment, state.path(), index);
        daemons.push(fleet::start(daemon_config, index, &device, gflops).await?);
    }
    let metadata = ogpu_fixtures::metadata("withholder");
    market.register(rogue, metadata, fleet::STAKE).await?;
    println!(
        "{} provider daemons running, and a key that withholds its results",
        daemons.len()
    );

    let mix = scenarios::mix(config.tasks, config.providers);
    let mut board = publish(&mut market, mix, rogue).await?;
    scripted::withhold(&mut market, &board, rogue).await?;
    play(&mut market, &mut board, &config).await?;

    let rows = read_back(&market, &board, &trails).await?;
    let providers = provider_records(&market).await?;
    let conservation = conservation::check(&market, true).await?;
    let explorer_agrees = match &beside {
        Some(beside) => Some(beside.agrees(&rows).await?),
        None => None,
    };
    for daemon in daemons {
        daemon.shutdown().await;
    }
    progress.abort();
    let kept = match beside {
        Some(beside) if config.keep_open => Some(explorer::Kept {
            devnet: market.devnet,
            beside,
            state,
        }),
        beside => {
            if let Some(beside) = beside {
                beside.explorer.shutdown().await;
            }
            market.devnet.shutdown().await;
            None
        }
    };
    let trails = std::mem::take(&mut *trails.lock().expect("trails lock"));
    Ok(DemoOutcome {
        tasks: rows,
        providers,
        trails,
        conservation,
        explorer_agrees,
        kept,
    })
}

/// Prints every suite event as it happens and records it.
fn spawn_progress(market: &Market, trails: Arc<Mutex<Trails>>) -> tokio::task::JoinHandle<()> {
    let mut stream = watch::follow(
        &market.devnet.rpc_url(),
        &market.deployment.registry,
        market.devnet.height(),
    );
    tokio::spawn(async move {
        while let Some(observed) = stream.next().await {
            let line = trails.lock().expect("trails lock").record(&observed);
            if let Some(line) = line {
                println!("  {line}");
            }
        }
    })
}

/// Publishes the mix in one transaction; the withheld task admits only the rogue key.
async fn publish(market: &mut Market, mut mix: Vec<Scenario>, rogue: usize) -> DemoResult<Board> {
    let rogue_address = market.providers[rogue].address().to_string();
    for scenario in &mut mix {
        if scenario.twist == Twist::Withheld {
            scenario.spec.requirements.allowed_providers = vec![rogue_address.clone()];
        }
    }
    let specs = mix.iter().map(|s| s.spec.clone()).collect();
    let msgs = market.publish_msgs(0, specs, REWARD)?;
    let mut ids = Vec::new();
    for chunk in msgs.chunks(crate::market::BATCH) {
        let outcome = market
            .client
            .send(&mut market.clients[0], chunk.to_vec(), Gas::Auto)
            .await?;
        ids.extend(crate::market::published_ids(&outcome));
    }
    if ids.len() != mix.len() {
        return Err(DemoError::Unexpected(format!(
            "published {} tasks, expected {}",
            ids.len(),
            mix.len()
        )));
    }
    Ok(ids.into_iter().zip(mix).collect())
}

/// Polls until `done` holds for every task of `board` that `applies` selects.
async fn wait_for(
    market: &Market,
    board: &Board,
    patience: Duration,
    what: &str,
    applies: impl Fn(&Scenario) -> bool,
    done: impl Fn(&TaskDetails) -> bool,
) -> DemoResult<()> {
    let start = Instant::now();
    for (id, scenario) in board.iter().filter(|(_, s)| applies(s)) {
        loop {
            if done(&market.task(*id).await?) {
                break;
            }
            if start.elapsed() > patience {
                return Err(DemoError::Unexpected(format!(
                    "task {id} ({}): no {what} after {patience:?}",
                    scenario.name
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    Ok(())
}

/// Polls until every task `applies` selects is completed (paid).
async fn wait_paid(
    market: &Market,
    board: &Board,
    patience: Duration,
    applies: impl Fn(&Scenario) -> bool,
) -> DemoResult<()> {
    wait_for(market, board, patience, "payout", applies, |t| {
        t.task.status == TaskStatus::Completed
    })
    .await
}

fn is_manual(scenario: &Scenario) -> bool {
    matches!(scenario.twist, Twist::ClientConfirms | Twist::ClientSilent)
}

/// Tasks the daemons finish on their own, before any clock moves.
fn daemons_finish(scenario: &Scenario) -> bool {
    matches!(
        scenario.twist,
        Twist::None | Twist::Replicated | Twist::Disputed | Twist::Round
    ) && scenario.expected == TaskStatus::Completed
}

/// The client's and the cranks' part, step by step, waiting for the providers.
async fn play(market: &mut Market, board: &mut Board, config: &DemoConfig) -> DemoResult<()> {
    let patience = config.patience;
    println!("waiting for the daemons to win the first-response and consensus tasks");
    wait_paid(market, board, patience, daemons_finish).await?;
    dispute(market, board).await?;
    println!("waiting for the dispute round to be re-run and to uphold the result");
    wait_paid(market, board, patience, |s| s.twist == Twist::Round).await?;
    println!("waiting for offers on the manual-confirmation tasks");
    wait_for(market, board, patience, "commitment", is_manual, |t| {
        t.task.commit_count > 0
    })
    .await?;
    let reveals_open =
        commit_window(&scenarios::manual_confirmation()).max(commit_window(&scenarios::auction()));
    println!("moving the chain clock {reveals_open:?} on: offers and bids may be opened");
    market.advance_time(reveals_open).await?;
    println!("waiting for the daemons to open their bids, and the winner to deliver");
    wait_paid(market, board, patience, |s| s.twist == Twist::Auctioned).await?;
    wait_for(market, board, patience, "sealed offer", is_manual, |t| {
        t.task.reveal_count > 0
    })
    .await?;
    for (id, _) in board
        .iter()
        .filter(|(_, s)| s.twist == Twist::ClientConfirms)
    {
        choose_an_offer(market, *id).await?;
    }
    println!("waiting for the chosen providers to deliver");
    wait_paid(market, board, patience, |s| {
        s.twist == Twist::ClientConfirms
    })
    .await?;
    let past_everything = board
        .iter()
        .map(|(_, s)| all_windows(&s.spec.model))
        .max()
        .unwrap_or_default();
    println!("moving the chain clock {past_everything:?} on: every window closes");
    market.advance_time(past_everything).await?;
    for (id, _) in board.iter() {
        if !market.task(*id).await?.task.status.is_terminal() {
            println!("anyone may finalize task {id}");
            market.finalize(*id).await?;
        }
    }
    println!("waiting for the providers chosen to deliver");
    wait_for(
        market,
        board,
        patience,
        "end",
        |_| true,
        |t| t.task.status.is_terminal(),
    )
    .await
}

/// The client chooses the cheapest sealed offer of task `id`, as a client would: by price
/// and by the provider's on-chain record, the results themselves still sealed.
async fn choose_an_offer(market: &mut Market, id: u64) -> DemoResult<()> {
    let offers = market.responses(id).await?;
    println!("sealed offers on task {id}:");
    let mut cheapest = None;
    for offer in offers.iter().filter(|r| r.price.is_some()) {
        let record = market.provider_record(offer.provider.as_str()).await?;
        let digest = offer
            .digest
            .as_ref()
            .map(|d| d.to_hex())
            .unwrap_or_default();
        println!(
            "  {} asks {} for digest {}…, reputation {} ({} completed, {} slashed)",
            watch::short(offer.provider.as_str()),
            offer.price.unwrap_or_default(),
            digest.get(..12).unwrap_or(&digest),
            record.reputation_score,
            record.reputation.completed,
            record.reputation.slashed
        );
        if cheapest
            .as_ref()
            .is_none_or(|(_, p)| offer.price < Some(*p))
        {
            cheapest = offer.price.map(|p| (offer.provider.clone(), p));
        }
    }
    let (provider, price) =
        cheapest.ok_or_else(|| DemoError::Unexpected(format!("task {id}: no offer to choose")))?;
    println!(
        "client chooses {} at {price}: it must now deliver",
        watch::short(provider.as_str())
    );
    let confirm = ExecuteMsg::Confirm {
        task_id: id,
        provider: provider.to_string(),
    };
    market.send_as_client(0, &confirm, vec![]).await?;
    Ok(())
}

/// The client disputes each result published with dispute terms, posting the bond; the
/// round the registry opens joins the board.
async fn dispute(market: &mut Market, board: &mut Board) -> DemoResult<()> {
    let disputed: Vec<(u64, Scenario)> = board
        .iter()
        .filter(|(_, s)| s.twist == Twist::Disputed)
        .cloned()
        .collect();
    for (id, scenario) in disputed {
        let (round, _) = market.dispute(0, id, BOND).await?;
        println!("client disputes task {id} with a bond of {BOND}: re-run as round {round}");
        board.push((round, scenarios::round(&scenario)));
    }
    Ok(())
}

async fn read_back(
    market: &Market,
    board: &Board,
    trails: &Mutex<Trails>,
) -> DemoResult<Vec<TaskRow>> {
    // Let the progress follower see the last block.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut rows = Vec::new();
    for (id, scenario) in board {
        let task = market.task(*id).await?.task;
        let outcome = task.outcome.as_ref();
        let price = outcome.map(|o| o.price.u128());
        let trail = trails
            .lock()
            .expect("trails lock")
            .tasks
            .get(id)
            .cloned()
            .unwrap_or_default();
        let mut gas = 0;
        for hash in &trail.txs {
            let parsed = hash
                .parse()
                .map_err(|e| DemoError::Unexpected(format!("tx hash {hash}: {e}")))?;
            if let Some(tx) = market.client.tx(parsed).await? {
                gas += trails.lock().expect("trails lock").share(hash, tx.gas_used);
            }
        }
        rows.push(TaskRow {
            id: *id,
            scenario: scenario.name,
            model: task.model.name(),
            status: task.status,
            expected: scenario.expected,
            winner: outcome.map(|o| o.winner.to_string()),
            price,
            fee: price.map(|_| trail.fees),
            result_ok: match &scenario.reference {
                Some(reference) if outcome.is_some() => {
                    Some(market.result_of(*id).await? == Some(reference.clone()))
                }
                _ => None,
            },
            blocks: trail
                .published_height
                .zip(trail.ended_height)
                .map(|(from, to)| to - from),
            gas,
        });
    }
    Ok(rows)
}

async fn provider_records(market: &Market) -> DemoResult<Vec<ProviderResponse>> {
    let mut records = Vec::new();
    for provider in &market.providers {
        let query = StakingQuery::Provider {
            address: provider.address().to_string(),
        };
        records.push(
            market
                .client
                .smart(&market.deployment.staking, &query)
                .await?,
        );
    }
    Ok(records)
}
