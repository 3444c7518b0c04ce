//! Bounded work: every execute operation touches the same number of storage entries in a
//! market of 10 tasks and 10 providers as in one of 2 000 tasks and 200 providers, so none
//! iterates over anything a user can grow. Counted at the chain's storage (reads, entries
//! scanned by ranges, writes), which includes every contract called and the bank.

use ogpu_testing::fixtures::{self, COLLATERAL};
use ogpu_testing::{Sealed, SealedBid, StorageOps, Suite, SuiteBuilder};
use ogpu_types::registry::{ConfigResponse, ExecuteMsg, QueryMsg};
use ogpu_types::staking::{self, ProvidersResponse};

/// Rewards in the populated market and in the measured operations.
const REWARD: u128 = 1_000;

/// A market of `tasks` tasks and `providers` providers, in every state: won, committed to
/// and still open (both models), cancelled, untouched; paid natively and in cw20.
fn market(tasks: usize, providers: usize) -> Suite {
    let mut suite = SuiteBuilder {
        providers,
        ..SuiteBuilder::new()
    }
    .build();
    let mut to_reveal = vec![];
    for i in 0..tasks {
        let client = suite.clients[i % 2].clone();
        let model = if i % 2 == 0 {
            fixtures::first_response()
        } else {
            fixtures::manual_confirmation()
        };
        let spec = fixtures::spec(model);
        let task_id = if i % 5 == 0 {
            suite.publish_cw20(&client, spec, REWARD).unwrap()
        } else {
            suite.publish(&client, spec, REWARD).unwrap()
        };
        // Round-robin over groups of four tasks: a provider keeps a few locks at most.
        let provider = suite.providers[(i / 4) % providers].clone();
        match i % 4 {
            0 => {
                let sealed = suite.commit_result(&provider, task_id, b"won").unwrap();
                to_reveal.push((provider, task_id, sealed));
            }
            1 => {
                suite
                    .commit_offer(&provider, task_id, b"offer", REWARD)
                    .unwrap();
            }
            2 => {
                suite.cancel(&client, task_id).unwrap();
            }
            _ => {}
        }
    }
    suite.advance_blocks(1);
    for (provider, task_id, sealed) in to_reveal {
        suite.reveal(&provider, task_id, &sealed).unwrap();
    }
    suite
}

/// Runs one execute of every kind on fresh tasks and returns what each touched, labelled.
fn measure(suite: &mut Suite) -> Vec<(&'static str, StorageOps)> {
    let (client, owner, stranger) = (suite.client(), suite.owner.clone(), suite.stranger.clone());
    let p: Vec<_> = suite.providers[..fixtures::limits().max_commitments as usize + 1].to_vec();
    let mut ops = vec![];
    let mut run = |suite: &mut Suite, label, f: &mut dyn FnMut(&mut Suite)| {
        ops.push((label, suite.metered(|s| f(s)).1));
    };
    let fr = || fixtures::spec(fixtures::first_response());
    let mc = || fixtures::spec(fixtures::manual_confirmation());
    let sealed = |task_id, provider, price: Option<u128>| {
        Sealed::new(task_id, provider, b"r", price.unwrap_or(REWARD), price)
    };
    let mut id = 0;

    // First Response: publish, commit, the winning reveal that pays.
    run(suite, "publish (native)", &mut |s| {
        id = s.publish(&client, fr(), REWARD).unwrap()
    });
    let won = sealed(id, &p[0], None);
    run(suite, "commit", &mut |s| {
        s.commit(&p[0], id, &won).unwrap();
    });
    suite.advance_blocks(1);
    run(suite, "reveal (wins, pays)", &mut |s| {
        s.reveal(&p[0], id, &won).unwrap();
    });

    // Manual Confirmation in cw20: offers, reveals, the client's confirmation.
    run(suite, "publish (cw20)", &mut |s| {
        id = s.publish_cw20(&client, mc(), REWARD).unwrap()
    });
    let offers = [sealed(id, &p[0], Some(600)), sealed(id, &p[1], Some(400))];
    for (provider, offer) in p.iter().zip(&offers) {
        run(suite, "commit (offer)", &mut |s| {
            s.commit(provider, id, offer).unwrap();
        });
    }
    suite.set_time(suite.task(id).commit_deadline.seconds() + 1);
    for (provider, offer) in p.iter().zip(&offers) {
        run(suite, "reveal (offer)", &mut |s| {
            s.reveal(provider, id, offer).unwrap();
        });
    }
    run(suite, "confirm (awards)", &mut |s| {
        s.confirm(&client, id, &p[1]).unwrap();
    });
    run(suite, "deliver (offer, pays)", &mut |s| {
        s.deliver(&p[1], id, &offers[1]).unwrap();
    });

    // A sealed-bid auction: bids, their reveals (the last awards), the delivery.
    run(suite, "publish (auction)", &mut |s| {
        id = s
            .publish(
                &client,
                fixtures::spec(fixtures::sealed_bid_auction()),
                REWARD,
            )
            .unwrap()
    });
    let bids = [
        SealedBid::new(id, &p[0], 300),
        SealedBid::new(id, &p[1], 500),
    ];
    for (provider, price) in p.iter().zip([300, 500]) {
        run(suite, "commit (bid)", &mut |s| {
            s.bid(provider, id, price).unwrap();
        });
    }
    suite.set_time(suite.task(id).commit_deadline.seconds() + 1);
    for (label, (provider, bid)) in ["reveal_bid", "reveal_bid (awards)"]
        .into_iter()
        .zip(p.iter().zip(&bids))
    {
        run(suite, label, &mut |s| {
            s.reveal_bid(provider, id, bid).unwrap();
        });
    }
    let delivery = sealed(id, &p[0], None);
    run(suite, "deliver (auction, pays)", &mut |s| {
        s.deliver(&p[0], id, &delivery).unwrap();
    });

    // A Consensus round of two replicas; the last reveal tallies, one delivers, both paid.
    run(suite, "publish (consensus)", &mut |s| {
        id = s
            .publish(&client, fixtures::spec(fixtures::consensus(2, 2)), REWARD)
            .unwrap()
    });
    let replicas = [sealed(id, &p[0], None), sealed(id, &p[1], None)];
    for (provider, replica) in p.iter().zip(&replicas) {
        run(suite, "commit (replica)", &mut |s| {
            s.commit(provider, id, replica).unwrap();
        });
    }
    suite.advance_blocks(1);
    for (label, (provider, replica)) in ["reveal (replica)", "reveal (tallies, awards)"]
        .into_iter()
        .zip(p.iter().zip(&replicas))
    {
        run(suite, label, &mut |s| {
            s.reveal(provider, id, replica).unwrap();
        });
    }
    let chosen = suite.award(id).unwrap().ranking[0].provider.clone();
    let delivery = replicas
        .iter()
        .find(|r| r.commitment == Sealed::new(id, &chosen, b"r", REWARD, None).commitment);
    run(suite, "deliver (replica, pays all)", &mut |s| {
        s.deliver(&chosen, id, delivery.unwrap()).unwrap();
    });

    // A dispute, and a dispute window closed undisputed.
    let disputable = || ogpu_types::TaskSpec {
        dispute: Some(ogpu_types::DisputeTerms {
            window: 60,
            replicas: 3,
            quorum: 2,
            bond: REWARD.into(),
        }),
        ..fr()
    };
    let won_disputable = |suite: &mut Suite| {
        let task = suite.publish(&client, disputable(), REWARD).unwrap();
        let result = sealed(task, &p[0], None);
        suite.commit(&p[0], task, &result).unwrap();
        suite.advance_blocks(1);
        suite.reveal(&p[0], task, &result).unwrap();
        task
    };
    let disputed = won_disputable(suite);
    let closed = won_disputable(suite);
    run(suite, "dispute", &mut |s| {
        s.dispute(&client, disputed, REWARD).unwrap();
    });
    suite.advance_seconds(61);
    run(suite, "close_dispute", &mut |s| {
        s.close_dispute(&stranger, closed).unwrap();
    });

    // Finalize: an automatic confirmation, a missed delivery that promotes, and an expiry
    // that slashes.
    let confirmed = suite.publish(&client, mc(), REWARD).unwrap();
    let offer = sealed(confirmed, &p[0], Some(500));
    suite.commit(&p[0], confirmed, &offer).unwrap();
    let expired = suite.publish(&client, fr(), REWARD).unwrap();
    suite
        .commit(&p[1], expired, &sealed(expired, &p[1], None))
        .unwrap();
    suite.set_time(suite.task(confirmed).commit_deadline.seconds() + 1);
    suite.reveal(&p[0], confirmed, &offer).unwrap();
    suite.set_time(suite.task(confirmed).confirm_deadline.unwrap().seconds() + 1);
    run(suite, "finalize (confirms)", &mut |s| {
        s.finalize(&stranger, confirmed).unwrap();
    });
    suite.set_time(suite.award(confirmed).unwrap().delivery_deadline.seconds() + 1);
    run(suite, "finalize (missed delivery)", &mut |s| {
        s.finalize(&stranger, confirmed).unwrap();
    });
    run(suite, "finalize (expires, slashes)", &mut |s| {
        s.finalize(&stranger, expired).unwrap();
    });

    // Cancel.
    let cancelled = suite.publish(&client, fr(), REWARD).unwrap();
    run(suite, "cancel", &mut |s| {
        s.cancel(&client, cancelled).unwrap();
    });

    // A commitment at the cap evicts (and slashes) a silent one.
    let full = suite.publish(&client, fr(), REWARD).unwrap();
    let (last, committed) = p.split_last().unwrap();
    for provider in committed {
        suite
            .commit(provider, full, &sealed(full, provider, None))
            .unwrap();
    }
    suite.advance_seconds(61);
    run(suite, "commit at the cap (evicts)", &mut |s| {
        s.commit(last, full, &sealed(full, last, None)).unwrap();
    });

    // Staking: every provider message.
    let params = fixtures::staking_params();
    run(suite, "register", &mut |s| {
        s.register(&stranger, fixtures::STAKE).unwrap();
    });
    let provider_msgs = [
        ("bond", staking::ExecuteMsg::Bond {}, COLLATERAL),
        (
            "unbond",
            staking::ExecuteMsg::Unbond {
                amount: 1u128.into(),
            },
            0,
        ),
        (
            "update_metadata",
            staking::ExecuteMsg::UpdateMetadata {
                metadata: fixtures::metadata("renamed"),
            },
            0,
        ),
    ];
    for (label, msg, stake) in provider_msgs {
        run(suite, label, &mut |s| {
            s.exec_staking(&p[2], &msg, stake).unwrap();
        });
    }
    suite.advance_seconds(params.unbonding_period);
    run(suite, "claim", &mut |s| {
        s.exec_staking(&p[2], &staking::ExecuteMsg::Claim {}, 0)
            .unwrap();
    });
    run(suite, "deregister", &mut |s| {
        s.exec_staking(&stranger, &staking::ExecuteMsg::Deregister {}, 0)
            .unwrap();
    });

    // The owner's switch.
    run(suite, "set_paused", &mut |s| {
        s.exec_registry(&owner, &ExecuteMsg::SetPaused { paused: true })
            .unwrap();
    });
    ops
}

#[test]
fn every_operation_touches_as_many_entries_with_2000_tasks_as_with_10() {
    let mut small = market(10, 10);
    let mut large = market(2_000, 200);
    let config: ConfigResponse = large.query_registry(&QueryMsg::Config {});
    assert_eq!(config.next_task_id, 2_001);
    let providers: ProvidersResponse = large.query_staking(&staking::QueryMsg::Providers {
        active_only: None,
        start_after: None,
        limit: Some(30),
    });
    assert_eq!(
        providers.providers.len(),
        30,
        "a full page: many more exist"
    );

    let small_ops = measure(&mut small);
    let large_ops = measure(&mut large);
    println!(
        "{:<30} {:>6} {:>8} {:>7}",
        "operation", "reads", "scanned", "writes"
    );
    for (label, ops) in &large_ops {
        println!(
            "{label:<30} {:>6} {:>8} {:>7}",
            ops.reads, ops.scanned, ops.writes
        );
    }
    assert_eq!(small_ops, large_ops);
    // A settlement scans the task's own responses, never more than the cap allows.
    let cap = u64::from(fixtures::limits().max_commitments);
    for (label, ops) in &large_ops {
        assert!(ops.scanned <= cap + 1, "{label} scanned {}", ops.scanned);
    }
}
