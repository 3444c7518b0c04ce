//! The provider daemon end to end, against a spawned devnet running the real contract
//! wasm and real OpenCL on the machine's device (kernels in the real binary's worker
//! process): First Response and sealed-offer Manual Confirmation executed, sealed to the
//! client (who alone opens them) and paid exactly, a consensus round whose chosen replica
//! delivers and both are paid, a sealed-bid auction the lower bid wins at the second price
//! and a missed delivery promotes the next bidder, a crash between commit and reveal (of a
//! result, and of an auction bid), a node that goes down and comes back, a chain reset
//! under the daemon, two providers racing with no transaction refused, and tasks that
//! cannot, must not or are not worth being run (a runaway kernel killed).

mod common;
mod support;

use std::time::Duration;

use cosmwasm_std::{Addr, Decimal, HexBinary, Uint128, Uint64};
use ogpu_client::keys::HdPath;
use ogpu_client::sealing::{self, ResultKey, SealContext, SealError};
use ogpu_provider::daemon::{
    BlobConfig, Daemon, DaemonConfig, DaemonHandle, Faults, MetricsConfig, Phase, Store,
};
use ogpu_provider::ExecutorConfig;
use ogpu_testing::fixtures;
use ogpu_types::{CompetitionModel, KernelArg, Payload, ResponseStatus, TaskStatus};
use support::*;

/// False (and the test passes, saying why) where there is no OpenCL device.
fn opencl() -> bool {
    common::executor(ExecutorConfig::default()).is_some()
}

/// A market with provider `PROVIDERS[0]` registered, its address and a daemon config for
/// it; `None` (the test passes, saying why) where there is no OpenCL device.
async fn with_provider(home: Option<std::path::PathBuf>) -> Option<(Market, String, DaemonConfig)> {
    if !opencl() {
        return None;
    }
    let (market, provider) = Market::with_provider(home).await;
    let config = market.config(PROVIDERS[0], "provider");
    Some((market, provider, config))
}

/// Registers every provider account and starts a daemon for each (state `<name>-<n>`,
/// its config and faults adjusted by `adjust(n, ..)`); the daemons and their balances at
/// start.
async fn start_providers(
    market: &Market,
    name: &str,
    adjust: impl Fn(usize, &mut DaemonConfig, &mut Faults),
) -> (Vec<DaemonHandle>, Vec<u128>) {
    let mut daemons = Vec::new();
    let mut balances = Vec::new();
    for (n, index) in PROVIDERS.into_iter().enumerate() {
        market.register(index, 1).await;
        let mut config = market.config(index, &format!("{name}-{n}"));
        let mut faults = Faults::default();
        adjust(n, &mut config, &mut faults);
        let daemon = Daemon::start_with(config, key(market.account(index)), faults)
            .await
            .unwrap();
        balances.push(market.balance(daemon.address()).await);
        daemons.push(daemon);
    }
    (daemons, balances)
}

/// `address`'s stake is whole and none of it locked.
async fn assert_stake_whole(market: &Market, address: &str) {
    let staked = market.provider(address).await;
    assert_eq!(
        (staked.bonded.u128(), staked.locked.u128()),
        (fixtures::STAKE, 0)
    );
}

/// `ogpu-provider register` as a user runs it: the device benchmarked, the metadata and
/// stake sent with the key the config names.
async fn register_with_binary(market: &Market, index: usize) {
    let config = market.config(index, "register");
    let file = market.dir.path().join(format!("provider-{index}.toml"));
    std::fs::write(&file, toml::to_string(&config).unwrap()).unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_ogpu-provider"))
        .args(["register", "--config", file.to_str().unwrap()])
        .args([
            "--moniker",
            "bin-registered",
            "--stake",
            &fixtures::STAKE.to_string(),
        ])
        .env(
            "OGPU_TEST_PROVIDER_MNEMONIC",
            &market.devnet.config().mnemonic,
        )
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.starts_with("registered provider"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_models_are_executed_sealed_delivered_and_paid_exactly() {
    if !opencl() {
        return;
    }
    let mut market = Market::start(None).await;
    let index = PROVIDERS[0];
    let provider = market.account(index).address.clone();
    register_with_binary(&market, index).await;
    let registered = market.provider(&provider).await;
    assert_eq!(registered.bonded.u128(), fixtures::STAKE);
    assert_eq!(registered.metadata.moniker, "bin-registered");
    assert!(registered.metadata.devices[0].gflops > 0, "{registered:?}");

    let mut config = market.config(index, "provider");
    config.blobs = Some(BlobConfig {
        dir: market.dir.path().join("blobs"),
        listen: "127.0.0.1:0".parse().unwrap(),
        public_url: None,
        retention_secs: 3600,
    });
    config.metrics = Some(MetricsConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
    });
    let before = market.balance(&provider).await;
    let daemon = Daemon::start(config, key(market.account(index)))
        .await
        .unwrap();

    // First Response, a small result revealed inline.
    let (job, expected) = vector_job(64);
    let first = market.publish(spec(job, fixtures::first_response())).await;
    let details = market.finished(first).await;
    assert_eq!(details.task.status, TaskStatus::Completed);
    assert_eq!(
        details.task.outcome.unwrap().winner,
        Addr::unchecked(&provider)
    );
    let responses = market.responses(first).await;
    assert!(matches!(responses[0].result, Some(Payload::Inline { .. })));
    // Sealed to the client: it opens them; anyone else reading the chain cannot.
    assert_eq!(market.result_of(&responses[0]).await, expected);
    assert_ne!(posted_bytes(&responses[0]).await, expected);
    let third_party =
        ResultKey::from_mnemonic(&market.devnet.config().mnemonic, &HdPath::cosmos(9)).unwrap();
    let context = SealContext {
        task_id: first,
        provider: &provider,
    };
    let sealed = posted_bytes(&responses[0]).await;
    assert!(matches!(
        sealing::open(&third_party, &context, &sealed),
        Err(SealError::DecryptionFailed { .. })
    ));

    // Manual Confirmation, a 6 KiB result (above the 4 KiB inline limit) served by the
    // daemon's blob server; the offer is 90% of the reward.
    let (job, expected) = vector_job(1536);
    let manual = market
        .publish(spec(job, fixtures::manual_confirmation()))
        .await;
    market.committed(manual).await;
    // Offers open after the commit window: move the chain's clock past it.
    market.devnet.advance_time(Duration::from_secs(600));
    let offer = market.revealed(manual).await;
    // A sealed offer: its digest and price, no result until the client chooses it.
    assert_eq!(offer.result, None);
    let price = REWARD * 9 / 10;
    assert_eq!(offer.price, Some(Uint128::new(price)));
    market.confirm(manual, &provider).await;
    assert_eq!(
        market.finished(manual).await.task.status,
        TaskStatus::Completed
    );
    let response = market.responses(manual).await.remove(0);
    assert!(matches!(response.result, Some(Payload::Reference { .. })));
    assert_eq!(market.result_of(&response).await, expected);

    let stats = eventually("the daemon saw both wins", || async {
        let stats = daemon.stats();
        (stats.won == 2 && stats.in_progress == 0).then_some(stats)
    })
    .await;
    // Paid exactly both prices less the protocol fee, less the fees of its own txs.
    assert_eq!(
        market.balance(&provider).await,
        before + net(REWARD) + net(price) - stats.fees_paid
    );
    assert!(stats.fees_paid > 0);
    assert_eq!(stats.earnings[DENOM], REWARD + price);
    assert_eq!((stats.joined, stats.revealed, stats.delivered), (2, 2, 1));
    assert_eq!((stats.lost, stats.slashed), (0, 0));
    assert_eq!((stats.tx_failed, stats.tx_rejected), (0, 0), "{stats:?}");
    assert_eq!((stats.seen, stats.kernel_runs), (2, 2));
    assert_eq!(market.provider(&provider).await.locked, Uint128::zero());
    let metrics = format!("http://{}/metrics", daemon.metrics_addr().unwrap());
    let text = reqwest::get(metrics).await.unwrap().text().await.unwrap();
    assert!(text.contains("ogpu_provider_tasks_won_total 2\n"), "{text}");
    assert!(
        text.contains(&format!(
            "ogpu_provider_earnings_total{{asset=\"{DENOM}\"}} {}\n",
            REWARD + price
        )),
        "{text}"
    );
    daemon.shutdown().await;
    market.devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_killed_between_commit_and_reveal_reveals_after_restart() {
    killed_after_commit_and_restarted(fixtures::first_response(), Phase::Committed, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bidder_killed_after_its_bid_opens_it_after_restart_and_delivers() {
    // Bids open after the 60 s bid window: the clock is moved past it after the restart.
    let bid_window = Some(Duration::from_secs(61));
    killed_after_commit_and_restarted(fixtures::sealed_bid_auction(), Phase::BidPlaced, bid_window)
        .await;
}

/// A daemon crashed right after its first commitment to a task of `model` (recorded in
/// `phase`), restarted on the same state: it opens what it committed with the recorded
/// salt, without committing again, and is paid the reward (a lone bid's price too). A
/// bid is committed before anything runs. `advance` moves the clock after the restart.
async fn killed_after_commit_and_restarted(
    model: CompetitionModel,
    phase: Phase,
    advance: Option<Duration>,
) {
    let Some((mut market, provider, config)) = with_provider(None).await else {
        return;
    };
    let index = PROVIDERS[0];
    let before = market.balance(&provider).await;
    let faults = Faults {
        crash_after_commit: true,
        ..Faults::default()
    };
    let crashed = Daemon::start_with(config.clone(), key(market.account(index)), faults)
        .await
        .unwrap();
    let (job, expected) = vector_job(256);
    let task_id = market.publish(spec(job, model)).await;
    eventually("the daemon crashes after committing", || async {
        crashed.is_finished().then_some(())
    })
    .await;
    let crash_stats = crashed.stats();
    crashed.kill().await;
    // Committed on chain, not revealed; the state on disk holds the salt.
    let responses = market.responses(task_id).await;
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].status, ResponseStatus::Committed);
    assert_eq!(market.task(task_id).await.task.status, TaskStatus::Open);
    let record = Store::open(&config.state_dir)
        .unwrap()
        .get(task_id)
        .unwrap()
        .unwrap();
    assert_eq!(record.phase, phase);
    let executed = phase == Phase::Committed;
    assert_eq!(record.result.is_some(), executed);
    assert_eq!(crash_stats.kernel_runs, u64::from(executed));

    let daemon = Daemon::start(config, key(market.account(index)))
        .await
        .unwrap();
    if let Some(by) = advance {
        market.devnet.advance_time(by);
    }
    let details = market.finished(task_id).await;
    let outcome = details.task.outcome.unwrap();
    assert_eq!(outcome.winner, Addr::unchecked(&provider));
    assert_eq!(outcome.price.u128(), REWARD);
    let responses = market.responses(task_id).await;
    assert_eq!(responses.len(), 1, "committed once");
    assert_eq!(market.result_of(&responses[0]).await, expected);
    let stats = eventually("the restarted daemon records the win", || async {
        let stats = daemon.stats();
        (stats.won == 1).then_some(stats)
    })
    .await;
    assert_eq!(stats.joined, 0, "the restarted daemon did not commit again");
    assert_eq!(
        market.balance(&provider).await,
        before + net(REWARD) - crash_stats.fees_paid - stats.fees_paid
    );
    daemon.shutdown().await;
    market.devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_carries_on_after_the_chain_restarts() {
    let home = tempfile::tempdir().unwrap();
    let Some((mut market, provider, config)) = with_provider(Some(home.path().to_path_buf())).await
    else {
        return;
    };
    let index = PROVIDERS[0];
    let daemon = Daemon::start(config, key(market.account(index)))
        .await
        .unwrap();
    let (job, _) = vector_job(16);
    let first = market.publish(spec(job, fixtures::first_response())).await;
    assert_eq!(
        market.finished(first).await.task.status,
        TaskStatus::Completed
    );

    let mut market = market.restart_chain(Duration::from_secs(2)).await;
    // After the restart, a hash search: the registry itself checks the nonce.
    let second = market
        .publish(fixtures::hash_search(fixtures::first_response(), 12))
        .await;
    let details = market.finished(second).await;
    assert_eq!(
        details.task.outcome.unwrap().winner,
        Addr::unchecked(&provider)
    );
    let answer = market.result_of(&market.responses(second).await[0]).await;
    let nonce = ogpu_types::hash_search::nonce_from_answer(&answer).unwrap();
    assert!(ogpu_types::hash_search::verify(fixtures::PREFIX, 12, nonce));
    let stats = eventually("the daemon records both wins", || async {
        let stats = daemon.stats();
        (stats.won == 2).then_some(stats)
    })
    .await;
    // Two commits and two reveals, none sent twice: a transaction caught by the outage is
    // re-broadcast as the same bytes and waited for, not signed again; nothing refused.
    assert_eq!((stats.txs, stats.tx_errors), (4, 0), "{stats:?}");
    assert_eq!((stats.tx_failed, stats.tx_rejected), (0, 0), "{stats:?}");
    daemon.shutdown().await;
    market.devnet.shutdown().await;
}

/// A devnet restarted in memory under a running daemon is another chain with the same id,
/// accounts and contract addresses, whose task ids start over. The daemon notices (the
/// height went back, the registry was gone), archives the old chain's records and starts
/// clean: the new chain's first task, with the id of one it already won, is looked at,
/// passed over while the provider is not registered there, and taken once it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_chain_reset_the_daemon_starts_clean_and_takes_the_new_tasks() {
    let Some((mut market, provider, config)) = with_provider(None).await else {
        return;
    };
    let index = PROVIDERS[0];
    let daemon = Daemon::start(config.clone(), key(market.account(index)))
        .await
        .unwrap();
    let (job, expected) = vector_job(16);
    let old = market
        .publish(spec(job.clone(), fixtures::first_response()))
        .await;
    assert_eq!(
        market.finished(old).await.task.status,
        TaskStatus::Completed
    );
    eventually("the daemon records its win", || async {
        (daemon.stats().won == 1).then_some(())
    })
    .await;

    let mut market = market.reset_chain().await;
    let first = market.publish(spec(job, fixtures::first_response())).await;
    assert_eq!(first, old, "task ids start over on the new chain");
    eventually("the task is passed over: not registered here", || async {
        let declined = daemon.stats().declined;
        (declined.get("ineligible") == Some(&1)).then_some(())
    })
    .await;
    market.register(index, 1).await;
    let details = market.finished(first).await;
    assert_eq!(
        details.task.outcome.unwrap().winner,
        Addr::unchecked(&provider)
    );
    assert_eq!(
        market.result_of(&market.responses(first).await[0]).await,
        expected
    );
    let stats = eventually("the daemon records the second win", || async {
        let stats = daemon.stats();
        (stats.won == 2 && stats.in_progress == 0).then_some(stats)
    })
    .await;
    assert_eq!((stats.tx_failed, stats.tx_rejected), (0, 0), "{stats:?}");
    daemon.shutdown().await;
    // The old chain's record is kept, archived; the current one is the new chain's.
    let store = Store::open(&config.state_dir).unwrap();
    let archived = store.archived(1).unwrap();
    assert_eq!(
        archived
            .iter()
            .map(|r| (r.task_id, r.phase))
            .collect::<Vec<_>>(),
        [(old, Phase::Won)]
    );
    assert_eq!(store.get(first).unwrap().unwrap().phase, Phase::Won);
    market.devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_providers_race_exactly_one_is_paid_and_the_loser_pays_only_its_commit() {
    if !opencl() {
        return;
    }
    let mut market = Market::start(None).await;
    let (daemons, _) = start_providers(&market, "provider", |_, _, _| {}).await;
    let (job, expected) = vector_job(128);
    let task_id = market.publish(spec(job, fixtures::first_response())).await;
    let outcome = market.finished(task_id).await.task.outcome.unwrap();
    let settled = eventually("both daemons are done with the task", || async {
        let stats: Vec<_> = daemons.iter().map(|d| d.stats()).collect();
        stats
            .iter()
            .all(|s| s.in_progress == 0 && s.seen == 1)
            .then_some(stats)
    })
    .await;
    let won: Vec<_> = settled.iter().map(|s| s.won).collect();
    assert_eq!(won.iter().sum::<u64>(), 1, "{settled:?}");
    let (winner, loser) = if won[0] == 1 { (0, 1) } else { (1, 0) };
    assert_eq!(outcome.winner, Addr::unchecked(daemons[winner].address()));
    let responses = market.responses(task_id).await;
    let paid = responses
        .iter()
        .find(|r| r.status == ResponseStatus::Won)
        .unwrap();
    assert_eq!(market.result_of(paid).await, expected);
    // The loser either committed behind the winner and lost (collateral back) having
    // paid for its commit alone — it never sent a reveal it could not win — or was too
    // late to commit.
    if let Some(lost) = responses
        .iter()
        .find(|r| r.provider.as_str() == daemons[loser].address())
    {
        assert_eq!(lost.status, ResponseStatus::Lost);
        assert_eq!(settled[loser].lost, 1);
        assert_eq!(settled[loser].revealed, 0, "{:?}", settled[loser]);
        assert_eq!(settled[loser].txs, 1, "{:?}", settled[loser]);
    }
    for daemon in &daemons {
        assert_stake_whole(&market, daemon.address()).await;
    }
    // The winner sent nothing the chain refused, nor did the loser reveal: its later
    // commitment waited for the earlier one's reveal instead of racing it. (A loser's
    // commitment that reaches the mempool after the winning reveal, in the same block, is
    // still refused: with these contracts a committer cannot tell it is too late.)
    assert_eq!(
        (settled[winner].tx_failed, settled[winner].tx_rejected),
        (0, 0),
        "{settled:?}"
    );
    assert!(
        settled[loser].tx_failed <= 1 && settled[loser].revealed == 0,
        "{settled:?}"
    );
    for daemon in daemons {
        daemon.shutdown().await;
    }
    market.devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_agree_one_delivers_and_each_is_paid_its_share() {
    if !opencl() {
        return;
    }
    let mut market = Market::start(None).await;
    let (daemons, before) = start_providers(&market, "replica", |_, _, _| {}).await;
    let (job, expected) = vector_job(64);
    let model = CompetitionModel::Consensus {
        replicas: 2,
        quorum: 2,
        commit_window: 600,
        reveal_window: 60,
    };
    let task_id = market.publish(spec(job, model)).await;
    let details = market.finished(task_id).await;
    assert_eq!(details.task.status, TaskStatus::Completed);
    let share = REWARD / 2;
    assert_eq!(details.task.outcome.unwrap().price.u128(), share);
    // One of them was chosen and delivered the result; both agreed on its digest.
    let responses = market.responses(task_id).await;
    let delivered: Vec<_> = responses.iter().filter(|r| r.result.is_some()).collect();
    assert_eq!(delivered.len(), 1);
    assert_eq!(market.result_of(delivered[0]).await, expected);
    for (daemon, balance) in daemons.iter().zip(before) {
        let response = responses
            .iter()
            .find(|r| r.provider.as_str() == daemon.address())
            .unwrap();
        assert_eq!(response.status, ResponseStatus::Won);
        assert_eq!(response.digest, delivered[0].digest);
        let stats = eventually("the replica counts its win", || async {
            let stats = daemon.stats();
            (stats.won == 1).then_some(stats)
        })
        .await;
        // Paid its share after the fee; its own transactions cost it their fees.
        let now = market.balance(daemon.address()).await;
        assert_eq!(now + stats.fees_paid, balance + net(share));
        let staked = market.provider(daemon.address()).await;
        assert_eq!(staked.locked.u128(), 0);
    }
    for daemon in daemons {
        daemon.shutdown().await;
    }
    market.devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lower_bid_wins_the_auction_delivers_and_is_paid_the_second_price() {
    if !opencl() {
        return;
    }
    let mut market = Market::start(None).await;
    // Bids of 60% and 80% of the reward.
    let fractions = [Decimal::percent(60), Decimal::percent(80)];
    let (daemons, before) = start_providers(&market, "bidder", |n, config, _| {
        config.strategy.bid_fraction = fractions[n];
    })
    .await;
    let (job, expected) = vector_job(64);
    let task_id = market
        .publish(spec(job, fixtures::sealed_bid_auction()))
        .await;
    eventually("both providers bid", || async {
        (market.responses(task_id).await.len() == 2).then_some(())
    })
    .await;
    // Nothing is executed before the award.
    assert!(daemons.iter().all(|d| d.stats().kernel_runs == 0));
    // Bids open after the 60 s bid window (and close 60 s later): move the clock past it.
    market.devnet.advance_time(Duration::from_secs(61));
    let details = market.finished(task_id).await;
    assert_eq!(details.task.status, TaskStatus::Completed);
    let outcome = details.task.outcome.unwrap();
    let (winner, loser) = (&daemons[0], &daemons[1]);
    let second_price = REWARD * 8 / 10;
    assert_eq!(outcome.winner, Addr::unchecked(winner.address()));
    assert_eq!(outcome.price.u128(), second_price);
    let responses = market.responses(task_id).await;
    let response_of = |daemon: &DaemonHandle| {
        responses
            .iter()
            .find(|r| r.provider.as_str() == daemon.address())
            .unwrap()
    };
    assert_eq!(response_of(winner).status, ResponseStatus::Won);
    assert_eq!(market.result_of(response_of(winner)).await, expected);
    assert_eq!(response_of(loser).status, ResponseStatus::Lost);
    assert_eq!(response_of(loser).result, None);

    let stats = eventually("both bidders are done with the task", || async {
        let stats: Vec<_> = daemons.iter().map(|d| d.stats()).collect();
        stats.iter().all(|s| s.in_progress == 0).then_some(stats)
    })
    .await;
    assert_eq!((stats[0].won, stats[0].kernel_runs), (1, 1));
    assert_eq!((stats[1].lost, stats[1].kernel_runs), (1, 0));
    // The winner is paid the second price after the fee, the loser nothing; each paid
    // its own transactions' fees, and both stakes are whole and unlocked.
    for ((daemon, balance), paid) in daemons.iter().zip(before).zip([net(second_price), 0]) {
        let fees = daemon.stats().fees_paid;
        assert!(fees > 0);
        assert_eq!(
            market.balance(daemon.address()).await + fees,
            balance + paid
        );
        assert_stake_whole(&market, daemon.address()).await;
    }
    for daemon in daemons {
        daemon.shutdown().await;
    }
    market.devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_a_missed_delivery_the_next_bidder_is_promoted_delivers_and_is_paid() {
    if !opencl() {
        return;
    }
    let mut market = Market::start(None).await;
    // The lower bidder's jobs fail: awarded, it cannot deliver (nothing committed), so
    // the next bidder is promoted.
    let (daemons, before) = start_providers(&market, "bidder", |n, config, faults| {
        config.strategy.bid_fraction = Decimal::percent([60, 80][n]);
        faults.fail_jobs = n == 0;
    })
    .await;
    let search = fixtures::hash_search(fixtures::sealed_bid_auction(), 16).job;
    let task_id = market
        .publish(spec(search, fixtures::sealed_bid_auction()))
        .await;
    eventually("both providers bid", || async {
        (market.responses(task_id).await.len() == 2).then_some(())
    })
    .await;
    market.devnet.advance_time(Duration::from_secs(61));
    let (failed, promoted) = (&daemons[0], &daemons[1]);
    eventually("the awarded search fails", || async {
        (failed.stats().exec_failures == 1).then_some(())
    })
    .await;
    // Past the 120 s delivery window the next bidder asks for, and gets, the task.
    market.devnet.advance_time(Duration::from_secs(121));
    let details = market.finished(task_id).await;
    let outcome = details.task.outcome.unwrap();
    // No bid follows the promoted one: it is paid the reward.
    assert_eq!(outcome.winner, Addr::unchecked(promoted.address()));
    assert_eq!(outcome.price.u128(), REWARD);
    let stats = eventually("the promoted bidder counts its win", || async {
        let stats = promoted.stats();
        (stats.won == 1 && stats.in_progress == 0).then_some(stats)
    })
    .await;
    assert_eq!(
        market.balance(promoted.address()).await + stats.fees_paid,
        before[1] + net(REWARD)
    );
    assert_stake_whole(&market, promoted.address()).await;
    // The executor that did not deliver is slashed.
    let slashed = market.provider(failed.address()).await;
    assert!(slashed.bonded.u128() < fixtures::STAKE, "{slashed:?}");
    assert_eq!(slashed.locked.u128(), 0);
    for daemon in daemons {
        daemon.shutdown().await;
    }
    market.devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_and_unsupported_tasks_are_skipped_before_committing() {
    let Some((mut market, provider, mut config)) = with_provider(None).await else {
        return;
    };
    let index = PROVIDERS[0];
    config.strategy.task_kinds = vec!["opencl".into()];
    config.strategy.max_kernel_secs = 1;
    let daemon = Daemon::start(config, key(market.account(index)))
        .await
        .unwrap();

    let broken = kernel_job(
        "__kernel void broken(__global uint* out) { out[0] = ; }",
        "broken",
        None,
    );
    // Seconds of dependent multiply-adds on a CPU core: past the one-second limit.
    let slow = kernel_job(
        "__kernel void spin(__global uint* out, uint n) { uint x = 1; \
         for (uint i = 0; i < n; i++) x = x * 1664525u + 1013904223u; out[0] = x; }",
        "spin",
        Some(2_000_000_000),
    );
    let (mut unreachable, _) = vector_job(4);
    if let ogpu_types::Job::OpenCl(job) = &mut unreachable {
        job.args[0] = KernelArg::Input {
            payload: Payload::Reference {
                uri: "http://127.0.0.1:9/nothing-here".into(),
                sha256: HexBinary::from([0u8; 32]),
                size: Uint64::new(16),
            },
        };
    }
    let unsupported = fixtures::hash_search(fixtures::first_response(), 4).job;
    let mut bad = Vec::new();
    for job in [broken, slow, unreachable, unsupported] {
        bad.push(market.publish(spec(job, fixtures::first_response())).await);
    }
    // The deployment's minimum reward: less than the fees of winning it.
    let (cheap, _) = vector_job(4);
    let cheap = spec(cheap, fixtures::first_response());
    bad.push(market.publish_for(cheap, 1_000).await);
    let (job, expected) = vector_job(32);
    let good = market.publish(spec(job, fixtures::first_response())).await;
    let details = market.finished(good).await;
    assert_eq!(
        details.task.outcome.unwrap().winner,
        Addr::unchecked(&provider)
    );
    assert_eq!(
        market.result_of(&market.responses(good).await[0]).await,
        expected
    );
    let stats = eventually("every task was looked at", || async {
        let stats = daemon.stats();
        (stats.seen == 6 && stats.in_progress == 0 && stats.won == 1).then_some(stats)
    })
    .await;
    assert_eq!(
        (stats.exec_failures, stats.skipped, stats.joined),
        (3, 5, 1),
        "{stats:?}"
    );
    assert_eq!(stats.declined["unprofitable"], 1, "{stats:?}");
    assert_eq!(stats.declined["exec_failed"], 3, "{stats:?}");
    // The kernel past its time limit was stopped for real: its worker was killed (and
    // a fresh one ran the next task).
    assert_eq!(stats.kernels_killed, 1, "{stats:?}");
    for task_id in bad {
        assert!(
            market.responses(task_id).await.is_empty(),
            "task {task_id}: nothing committed"
        );
        assert_eq!(market.task(task_id).await.task.status, TaskStatus::Open);
    }
    daemon.shutdown().await;
    market.devnet.shutdown().await;
}

/// The real binary, stopped with SIGTERM between commit and reveal: it exits cleanly with
/// the task parked as committed; a daemon started on the same state reveals it once the
/// commit window has closed and, the client staying silent, finalizes it after the confirm
/// window and is paid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_parks_a_task_on_sigterm_and_a_restart_finishes_it() {
    let Some((mut market, provider, config)) = with_provider(None).await else {
        return;
    };
    let index = PROVIDERS[0];
    let file = market.config_file(&config, "provider.toml");
    let mut child = market
        .binary(&["run", "--config", file.to_str().unwrap()])
        .spawn()
        .unwrap();
    let (job, expected) = vector_job(64);
    let task_id = market
        .publish(spec(job, fixtures::manual_confirmation()))
        .await;
    market.committed(task_id).await;
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status}");
    let record = Store::open(&config.state_dir)
        .unwrap()
        .get(task_id)
        .unwrap()
        .unwrap();
    assert_eq!(record.phase, Phase::Committed);

    let daemon = Daemon::start(config, key(market.account(index)))
        .await
        .unwrap();
    market.devnet.advance_time(Duration::from_secs(600));
    assert_eq!(market.revealed(task_id).await.result, None);
    // The client never confirms: once the reveal and confirm windows (300 s each) have
    // passed, the daemon finalizes itself, its offer, the cheapest, is chosen, and it
    // delivers and is paid.
    market.devnet.advance_time(Duration::from_secs(601));
    let details = market.finished(task_id).await;
    let outcome = details.task.outcome.unwrap();
    assert_eq!(outcome.winner, Addr::unchecked(&provider));
    assert_eq!(outcome.price.u128(), REWARD * 9 / 10);
    let response = market.responses(task_id).await.remove(0);
    assert_eq!(market.result_of(&response).await, expected);
    eventually("the daemon records the win", || async {
        (daemon.stats().won == 1).then_some(())
    })
    .await;
    daemon.shutdown().await;
    market.devnet.shutdown().await;
}
