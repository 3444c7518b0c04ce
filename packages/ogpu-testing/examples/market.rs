//! The main job: a whole market on the real contracts (cw-multi-test for now; the devnet
//! later). Providers register and stake; clients publish a mix of tasks across both
//! competition models, including ones meant to fail; every task is driven to a terminal
//! state; tables per task and per provider are printed; conservation of funds is checked.
//! Exits non-zero if any task ends in a state other than the one its scenario expects.

use std::collections::BTreeMap;
use std::process::ExitCode;

use clap::Parser;
use ogpu_testing::{fixtures, Suite, SuiteBuilder};
use ogpu_types::{ResponseStatus, TaskStatus};

#[derive(Parser)]
#[command(about = "Run a market of OpenGPU tasks and providers end to end")]
struct Args {
    /// Number of providers (at least 2).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(2..=64))]
    providers: u16,
    /// Number of tasks; scenarios repeat in order.
    #[arg(long, default_value_t = 7)]
    tasks: usize,
}

const REWARD: u128 = 10_000;

#[derive(Clone, Copy)]
enum Scenario {
    FirstResponse,
    Withholder,
    ClientConfirms,
    ClientNeverConfirms,
    NobodyReveals,
    Cancelled,
    Cw20Reward,
}

impl Scenario {
    const ALL: [Scenario; 7] = [
        Scenario::FirstResponse,
        Scenario::Withholder,
        Scenario::ClientConfirms,
        Scenario::ClientNeverConfirms,
        Scenario::NobodyReveals,
        Scenario::Cancelled,
        Scenario::Cw20Reward,
    ];

    fn describe(self) -> &'static str {
        match self {
            Scenario::FirstResponse => "first valid reveal wins",
            Scenario::Withholder => "a committer withholds, another wins",
            Scenario::ClientConfirms => "client confirms an offer",
            Scenario::ClientNeverConfirms => "client never confirms",
            Scenario::NobodyReveals => "the only committer withholds",
            Scenario::Cancelled => "client cancels",
            Scenario::Cw20Reward => "first response paid in cw20",
        }
    }

    fn expected(self) -> TaskStatus {
        match self {
            Scenario::NobodyReveals => TaskStatus::Expired,
            Scenario::Cancelled => TaskStatus::Cancelled,
            _ => TaskStatus::Completed,
        }
    }

    /// Drives one task of this scenario to its end; returns the task id.
    fn run(self, suite: &mut Suite, round: usize) -> anyhow::Result<u64> {
        let n = suite.providers.len();
        let (a, b) = (suite.provider(round % n), suite.provider((round + 1) % n));
        let client = suite.clients[round % suite.clients.len()].clone();
        let cranker = suite.stranger.clone();
        let fr = fixtures::spec(fixtures::first_response());
        let mc = fixtures::spec(fixtures::manual_confirmation());
        let output = format!("result of round {round}").into_bytes();
        match self {
            Scenario::FirstResponse | Scenario::Cw20Reward => {
                let id = match self {
                    Scenario::Cw20Reward => suite.publish_cw20(&client, fr, REWARD)?,
                    _ => suite.publish(&client, fr, REWARD)?,
                };
                let sealed = suite.commit_result(&a, id, &output)?;
                suite.advance_blocks(1);
                suite.reveal(&a, id, &sealed)?;
                Ok(id)
            }
            Scenario::Withholder => {
                let id = suite.publish(&client, fr, REWARD)?;
                suite.commit_result(&a, id, &output)?;
                suite.advance_seconds(61);
                let sealed = suite.commit_result(&b, id, &output)?;
                suite.advance_blocks(1);
                suite.reveal(&b, id, &sealed)?;
                Ok(id)
            }
            Scenario::ClientConfirms | Scenario::ClientNeverConfirms => {
                let id = suite.publish(&client, mc, REWARD)?;
                let offer_a = suite.commit_offer(&a, id, &output, 7_000)?;
                let offer_b = suite.commit_offer(&b, id, &output, 5_500)?;
                let task = suite.task(id);
                suite.set_time(task.commit_deadline.seconds() + 1);
                suite.reveal(&a, id, &offer_a)?;
                suite.reveal(&b, id, &offer_b)?;
                if let Scenario::ClientConfirms = self {
                    suite.confirm(&client, id, &a)?;
                } else {
                    suite.set_time(task.confirm_deadline.unwrap().seconds() + 1);
                    suite.finalize(&cranker, id)?;
                }
                Ok(id)
            }
            Scenario::NobodyReveals => {
                let id = suite.publish(&client, fr, REWARD)?;
                suite.commit_result(&a, id, &output)?;
                let task = suite.task(id);
                let last = task.reveal_deadline.max(task.commit_deadline);
                suite.set_time(last.seconds() + 1);
                suite.finalize(&cranker, id)?;
                Ok(id)
            }
            Scenario::Cancelled => {
                let id = suite.publish(&client, mc, REWARD)?;
                suite.cancel(&client, id)?;
                Ok(id)
            }
        }
    }
}

/// The last 8 characters of an address: enough to tell accounts apart in a table.
fn short(address: &str) -> String {
    address[address.len().saturating_sub(8)..].to_string()
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut suite = SuiteBuilder {
        providers: args.providers.into(),
        ..SuiteBuilder::new()
    }
    .build();
    println!(
        "market: {} providers staked {} ustake each; {} tasks of {} uusdc (or cw20)\n",
        args.providers,
        fixtures::STAKE,
        args.tasks,
        REWARD
    );
    println!(
        "{:>4}  {:<20} {:<38} {:<10} {:>9} {:>8} {:>5} {:>7}",
        "task", "model", "scenario", "status", "winner", "price", "fee", "blocks"
    );
    let mut failures = 0;
    for round in 0..args.tasks {
        let scenario = Scenario::ALL[round % Scenario::ALL.len()];
        let task_id = match scenario.run(&mut suite, round) {
            Ok(id) => id,
            Err(err) => {
                println!("round {round}: {} failed: {err:#}", scenario.describe());
                failures += 1;
                continue;
            }
        };
        let task = suite.task(task_id);
        let escrow = suite.escrow(task_id);
        let blocks = suite.app.block_info().height - task.created_height;
        let (winner, price) = task
            .outcome
            .as_ref()
            .map(|o| (short(o.winner.as_str()), o.price.to_string()))
            .unwrap_or(("-".into(), "-".into()));
        let ok = task.status == scenario.expected();
        failures += usize::from(!ok);
        println!(
            "{:>4}  {:<20} {:<38} {:<10} {:>9} {:>8} {:>5} {:>7}{}",
            task_id,
            task.model.name(),
            scenario.describe(),
            task.status.name(),
            winner,
            price,
            escrow.fees,
            blocks,
            if ok { "" } else { "  <- unexpected" }
        );
    }

    // Per provider: outcomes of its responses, counters and earnings from staking.
    let mut outcomes: BTreeMap<String, [u32; 3]> = BTreeMap::new();
    for task_id in 1..=args.tasks as u64 {
        for response in suite.responses(task_id) {
            let counts = outcomes.entry(response.provider.to_string()).or_default();
            match response.status {
                ResponseStatus::Won => counts[0] += 1,
                ResponseStatus::Lost => counts[1] += 1,
                ResponseStatus::Slashed => counts[2] += 1,
                _ => {}
            }
        }
    }
    println!(
        "\n{:>9}  {:>4} {:>5} {:>8} {:>10} {:>10}  earned",
        "provider", "won", "lost", "slashed", "bonded", "score"
    );
    for provider in suite.providers.clone() {
        let info = suite.provider_info(&provider);
        let [won, lost, slashed] = outcomes.get(provider.as_str()).copied().unwrap_or_default();
        let earned: Vec<String> = info
            .earnings
            .iter()
            .map(|e| format!("{} {}", e.amount, e.asset))
            .collect();
        println!(
            "{:>9}  {:>4} {:>5} {:>8} {:>10} {:>10}  {}",
            short(provider.as_str()),
            won,
            lost,
            slashed,
            info.bonded,
            info.reputation_score,
            earned.join(", ")
        );
    }

    suite.assert_conservation();
    println!("\nconservation of funds: ok (escrow, stake, treasury and every account balance)");
    if failures > 0 {
        println!("{failures} task(s) did not end as expected");
        return ExitCode::FAILURE;
    }
    println!("every task reached the state it should");
    ExitCode::SUCCESS
}
