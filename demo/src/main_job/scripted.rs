//! The participants the demo scripts instead of running a daemon for: a provider that
//! commits and withholds its result, and two auction bidders (the daemon does not bid
//! yet), the lower of which delivers the task's result once awarded.

use cosmwasm_std::Addr;
use ogpu_client::Gas;
use ogpu_testing::{Sealed, SealedBid};
use ogpu_types::registry::{AuctionState, ExecuteMsg, QueryMsg};

use crate::error::{DemoError, DemoResult};
use crate::main_job::scenarios::{Twist, BIDS, REWARD};
use crate::main_job::Board;
use crate::market::Market;

/// Provider indexes of the scripted keys, after the daemons'.
#[derive(Debug, Clone, Copy)]
pub struct Scripted {
    /// Withholds its result, and bids the higher price.
    pub rogue: usize,
    /// Bids the lower price, wins the auction and delivers.
    pub bidder: usize,
}

impl Scripted {
    pub fn after(daemons: usize) -> Self {
        Self {
            rogue: daemons,
            bidder: daemons + 1,
        }
    }

    fn bidders(self) -> [usize; 2] {
        [self.bidder, self.rogue]
    }
}

fn tasks(board: &Board, twist: Twist) -> impl Iterator<Item = u64> + '_ {
    board
        .iter()
        .filter(move |(_, s)| s.twist == twist)
        .map(|(id, _)| *id)
}

fn bid(market: &Market, index: usize, task_id: u64, price: u128) -> SealedBid {
    SealedBid::new(
        task_id,
        &Addr::unchecked(market.providers[index].address()),
        price,
    )
}

/// The rogue commits to the tasks only it may take, and never reveals.
pub async fn withhold(market: &mut Market, board: &Board, keys: Scripted) -> DemoResult<()> {
    for id in tasks(board, Twist::Withheld) {
        let sealed = market.seal(keys.rogue, id, b"never revealed", REWARD, None);
        market.commit(keys.rogue, id, &sealed).await?;
    }
    Ok(())
}

/// Both bidders seal their bids on every auction.
pub async fn bid_on_auctions(market: &mut Market, board: &Board, keys: Scripted) -> DemoResult<()> {
    for id in tasks(board, Twist::Auctioned) {
        for (index, price) in keys.bidders().into_iter().zip(BIDS) {
            let sealed: Sealed = bid(market, index, id, price).into();
            market.commit(index, id, &sealed).await?;
        }
    }
    Ok(())
}

/// In the reveal window: both bidders open their bids (the last opening awards the
/// task), then the executor commits its result and opens it in the next block.
pub async fn reveal_bids_and_deliver(
    market: &mut Market,
    board: &Board,
    keys: Scripted,
    results: impl Fn(u64) -> Vec<u8>,
) -> DemoResult<()> {
    for id in tasks(board, Twist::Auctioned) {
        for (index, price) in keys.bidders().into_iter().zip(BIDS) {
            let sealed = bid(market, index, id, price);
            let open = ExecuteMsg::RevealBid {
                task_id: id,
                price: sealed.price,
                salt: sealed.salt,
            };
            let any = market.registry_msg(&market.providers[index], &open)?;
            market.send_as_provider(index, vec![any], Gas::Auto).await?;
        }
        let award: Option<AuctionState> = market
            .client
            .smart(
                &market.deployment.registry,
                &QueryMsg::Auction { task_id: id },
            )
            .await?;
        let award = award.ok_or_else(|| {
            DemoError::Unexpected(format!("auction {id} not awarded after both bids opened"))
        })?;
        let price = award.price.u128();
        let executor = award.ranking.get(award.executor as usize);
        let bidder = market.providers[keys.bidder].address();
        if executor.is_none_or(|offer| offer.provider.as_str() != bidder) {
            println!("auction {id} awarded to another bidder, at the second price {price}");
            continue;
        }
        println!("auction {id} awarded: lowest bid wins, paid the second price {price}");
        // The executor's commitment binds the price it is paid.
        let delivery = Sealed::new(
            id,
            &Addr::unchecked(market.providers[keys.bidder].address()),
            &results(id),
            price,
            None,
        );
        market.commit(keys.bidder, id, &delivery).await?;
        market.reveal(keys.bidder, id, &delivery).await?;
    }
    Ok(())
}
