//! Gas of the models that run in rounds: the sealed-bid auction (bids, their opening, the
//! winner's delivery), consensus (joins, reveals of digests, the tally, the delivery that
//! pays) and disputes (the dispute, the re-run round that resolves it, and the close of an
//! undisputed window).

use cosmwasm_std::{Addr, Uint128};
use ogpu_client::{Gas, TxOutcome};
use ogpu_fixtures::{self as fixtures, SealedBid};
use ogpu_types::registry::ExecuteMsg;
use ogpu_types::{CompetitionModel, DisputeTerms, TaskSpec, TaskStatus};

use crate::error::{DemoError, DemoResult};
use crate::market::{all_windows, commit_window, Market};
use crate::report::gas::{expect_status, vector_add_result, Lifecycles, REWARD};

/// Tasks these life cycles publish (a dispute's round included).
pub const TASKS: usize = 5;
pub const AUCTION: &str = "sealed_bid_auction";
pub const CONSENSUS: &str = "consensus";
pub const DISPUTE: &str = "first_response, disputable";
/// The bids of providers 0 and 1: provider 0 wins and is paid provider 1's price.
const BIDS: [u128; 2] = [30_000, 40_000];
const BOND: u128 = 20_000;

fn auction_model() -> CompetitionModel {
    CompetitionModel::SealedBidAuction {
        bid_window: 60,
        reveal_window: 300,
        delivery_window: 300,
    }
}

fn consensus_model(replicas: u32, quorum: u32) -> CompetitionModel {
    CompetitionModel::Consensus {
        replicas,
        quorum,
        commit_window: 600,
        reveal_window: 60,
    }
}

fn address(market: &Market, index: usize) -> Addr {
    Addr::unchecked(market.providers[index].address())
}

async fn send(market: &mut Market, index: usize, msg: &ExecuteMsg) -> DemoResult<TxOutcome> {
    let any = market.registry_msg(&market.providers[index], msg)?;
    market.send_as_provider(index, vec![any], Gas::Auto).await
}

/// Two sealed bids, both opened (the second awards), the winner's delivery.
pub async fn auction(market: &mut Market, lifecycles: &mut Lifecycles) -> DemoResult<()> {
    let spec = fixtures::spec(auction_model());
    let (task_id, published) = market.publish(0, spec, REWARD).await?;
    lifecycles.record(market, AUCTION, "publish", &published);
    let bids: Vec<SealedBid> = BIDS
        .iter()
        .enumerate()
        .map(|(index, price)| SealedBid::new(task_id, &address(market, index), *price))
        .collect();
    for (index, bid) in bids.iter().enumerate() {
        let committed = market.commit(index, task_id, &bid.clone().into()).await?;
        if index == 0 {
            lifecycles.record(market, AUCTION, "bid (commit)", &committed);
        }
    }
    market.advance_time(commit_window(&auction_model())).await?;
    for (index, bid) in bids.iter().enumerate() {
        let open = ExecuteMsg::RevealBid {
            task_id,
            price: bid.price,
            salt: bid.salt.clone(),
        };
        let revealed = send(market, index, &open).await?;
        let op = if index == 0 {
            "reveal bid"
        } else {
            "reveal last bid (awards)"
        };
        lifecycles.record(market, AUCTION, op, &revealed);
    }
    if market.award(task_id).await?.is_none() {
        return Err(DemoError::Unexpected(format!(
            "auction {task_id} not awarded"
        )));
    }
    let delivery = market.seal(0, 0, task_id, &vector_add_result(), REWARD, None)?;
    let delivered = market.deliver(0, task_id, &delivery).await?;
    lifecycles.record(market, AUCTION, "deliver (pays)", &delivered);
    expect_status(market, task_id, TaskStatus::Completed).await
}

/// Commits and reveals (of digests) of `providers` on a consensus task of `client`'s; the
/// last reveal tallies; the chosen replica delivers, which pays every agreeing one.
/// Recorded under `model` with `label`'s prefix.
async fn replicate(
    market: &mut Market,
    lifecycles: &mut Lifecycles,
    (model, label): (&'static str, [&'static str; 4]),
    task_id: u64,
    providers: &[usize],
) -> DemoResult<()> {
    let [join, reveal, tally, deliver] = label;
    let result = vector_add_result();
    let reward = market.task(task_id).await?.task.reward.amount.u128();
    let mut sealed = Vec::new();
    for &index in providers {
        let seal = market.seal(0, index, task_id, &result, reward, None)?;
        let committed = market.commit(index, task_id, &seal).await?;
        if index == providers[0] {
            lifecycles.record(market, model, join, &committed);
        }
        sealed.push((index, seal));
    }
    let last = sealed.len() - 1;
    for (n, (index, seal)) in sealed.iter().enumerate() {
        let revealed = market.reveal(*index, task_id, seal).await?;
        let op = if n == last { tally } else { reveal };
        lifecycles.record(market, model, op, &revealed);
    }
    let award = market
        .award(task_id)
        .await?
        .ok_or_else(|| DemoError::Unexpected(format!("round {task_id} without a quorum")))?;
    let chosen = award.ranking[award.executor as usize].provider.to_string();
    let (index, seal) = sealed
        .iter()
        .find(|(index, _)| market.providers[*index].address() == chosen)
        .ok_or_else(|| DemoError::Unexpected(format!("{chosen} did not take part")))?;
    let delivered = market.deliver(*index, task_id, seal).await?;
    lifecycles.record(market, model, deliver, &delivered);
    Ok(())
}

/// Three replicas agree: the third reveal tallies, the chosen one delivers and all three
/// are paid.
pub async fn consensus(market: &mut Market, lifecycles: &mut Lifecycles) -> DemoResult<()> {
    let spec = fixtures::spec(consensus_model(3, 2));
    let (task_id, published) = market.publish(0, spec, REWARD).await?;
    lifecycles.record(market, CONSENSUS, "publish", &published);
    let labels = [
        "join (commit)",
        "reveal (digest)",
        "reveal last (tallies, awards)",
        "deliver (pays every replica)",
    ];
    replicate(market, lifecycles, (CONSENSUS, labels), task_id, &[0, 1, 2]).await?;
    expect_status(market, task_id, TaskStatus::Completed).await
}

fn disputable() -> TaskSpec {
    TaskSpec {
        dispute: Some(DisputeTerms {
            window: 600,
            replicas: 3,
            quorum: 2,
            bond: Uint128::new(BOND),
        }),
        ..fixtures::spec(fixtures::first_response())
    }
}

/// Provider 0 wins a task published with dispute terms.
async fn win_disputable(
    market: &mut Market,
    lifecycles: &mut Lifecycles,
    record: bool,
) -> DemoResult<u64> {
    let (task_id, published) = market.publish(0, disputable(), REWARD).await?;
    let sealed = market.seal(0, 0, task_id, &vector_add_result(), REWARD, None)?;
    let committed = market.commit(0, task_id, &sealed).await?;
    let revealed = market.reveal(0, task_id, &sealed).await?;
    if record {
        lifecycles.record(market, DISPUTE, "publish (with terms)", &published);
        lifecycles.record(market, DISPUTE, "commit", &committed);
        lifecycles.record(
            market,
            DISPUTE,
            "reveal (win, pays, keeps collateral)",
            &revealed,
        );
    }
    Ok(task_id)
}

/// One result disputed and upheld by a round of three replicas; one left undisputed and
/// closed.
pub async fn disputes(market: &mut Market, lifecycles: &mut Lifecycles) -> DemoResult<()> {
    let task_id = win_disputable(market, lifecycles, true).await?;
    let (round, disputed) = market.dispute(0, task_id, BOND).await?;
    lifecycles.record(
        market,
        DISPUTE,
        "dispute (bond, opens the round)",
        &disputed,
    );
    let labels = [
        "round: join",
        "round: reveal (digest)",
        "round: reveal last (tallies)",
        "round: deliver (upholds, pays)",
    ];
    replicate(market, lifecycles, (DISPUTE, labels), round, &[1, 2, 3]).await?;
    expect_status(market, round, TaskStatus::Completed).await?;

    let undisputed = win_disputable(market, lifecycles, false).await?;
    market
        .advance_time(all_windows(&fixtures::first_response()))
        .await?;
    let close = ExecuteMsg::CloseDispute {
        task_id: undisputed,
    };
    let any = market.registry_msg(&market.owner, &close)?;
    let closed = market
        .client
        .send(&mut market.owner, vec![any], Gas::Auto)
        .await?;
    lifecycles.record(market, DISPUTE, "close dispute window (releases)", &closed);
    Ok(())
}
