//! Disputes of a result published with dispute terms: `task dispute` (the client posts the
//! bond, which opens a re-run round), `task close-dispute` (anyone, once an undisputed
//! window passed: the winner's collateral is released) and `task dispute-state` (the
//! terms, the window and where the dispute stands). Each checks the registry's
//! `dispute_state` first, so a dispute that cannot happen costs no fee.

use ogpu_client::{Client, Deployment};
use ogpu_types::registry::{DisputeState, DisputeStatus, ExecuteMsg, QueryMsg, TaskDetails};
use ogpu_types::{DisputeTerms, Task};
use serde_json::json;

use crate::context::Ctx;
use crate::error::{CliError, CliResult};
use crate::follow;
use crate::output;
use crate::tx;

/// A task published with dispute terms, and its dispute once it has an accepted result.
struct Disputable {
    details: TaskDetails,
    terms: DisputeTerms,
    state: Option<DisputeState>,
}

async fn disputable(
    client: &Client,
    deployment: &Deployment,
    task_id: u64,
) -> CliResult<Disputable> {
    let details = follow::task(client, deployment, task_id).await?;
    let Some(terms) = details.spec.dispute else {
        return Err(CliError::usage(
            format!(
                "task {task_id} was published without dispute terms: its result cannot be disputed"
            ),
            "publish with --dispute-window and --dispute-bond to be able to dispute a result",
        ));
    };
    let state = client
        .smart(&deployment.registry, &QueryMsg::DisputeState { task_id })
        .await?;
    Ok(Disputable {
        details,
        terms,
        state,
    })
}

impl Disputable {
    /// The dispute while its window is undecided (open, or passed and not closed), or an
    /// error saying why there is nothing to dispute or close.
    fn undecided(&self) -> CliResult<&DisputeState> {
        let task_id = self.details.task.id;
        let Some(state) = &self.state else {
            return Err(CliError::usage(
                format!(
                    "task {task_id} has no accepted result yet (it is {}): its dispute window opens when it completes",
                    follow::phase(&self.details.task)
                ),
                format!("follow it with `ogpu task watch {task_id}`"),
            ));
        };
        match state.status {
            DisputeStatus::Open => Ok(state),
            DisputeStatus::Disputed { round } => Err(CliError::usage(
                format!("task {task_id} is disputed: the re-run round, task {round}, decides it"),
                format!("follow the round with `ogpu task watch {round}`"),
            )),
            DisputeStatus::Upheld | DisputeStatus::Overturned => Err(CliError::usage(
                format!(
                    "task {task_id}'s dispute is already settled ({})",
                    output::name(&state.status)
                ),
                format!("see `ogpu task dispute-state {task_id}`"),
            )),
        }
    }
}

/// Posts the terms' bond in the reward's asset, which opens a consensus re-run round (a
/// new task).
pub async fn dispute(ctx: &Ctx, task_id: u64) -> CliResult<()> {
    let deployment = ctx.deployment()?;
    let mut signer = ctx.signer()?;
    let client = ctx.connect().await?;
    let found = disputable(&client, &deployment, task_id).await?;
    let state = found.undecided()?;
    let (_, now) = follow::tip(&client).await?;
    if now > state.window_end {
        return Err(CliError::usage(
            format!(
                "task {task_id}'s dispute window closed at {}",
                output::time(state.window_end)
            ),
            format!("the result stands; `ogpu task close-dispute {task_id}` releases the winner's collateral"),
        ));
    }
    let bond = found.terms.bond;
    let any = deployment.registry().dispute(
        signer.address(),
        task_id,
        &found.details.task.reward.info,
        bond.u128(),
    )?;
    match tx::submit(ctx, &client, &mut signer, vec![any]).await? {
        Some(sent) => tx::print(
            ctx,
            &sent,
            json!({ "task_id": task_id, "bond": bond }),
            &[format!(
                "task {task_id}: disputed with a bond of {}; a consensus round re-runs it (see `ogpu task dispute-state {task_id}`)",
                output::amount(bond, &found.details.task.reward.info)
            )],
        ),
        None => Ok(()),
    }
}

/// Closes an undisputed window that passed: the winner's collateral is released and its
/// completion recorded.
pub async fn close(ctx: &Ctx, task_id: u64) -> CliResult<()> {
    let deployment = ctx.deployment()?;
    let mut signer = ctx.signer()?;
    let client = ctx.connect().await?;
    let found = disputable(&client, &deployment, task_id).await?;
    let state = found.undecided()?;
    let (_, now) = follow::tip(&client).await?;
    if now <= state.window_end {
        return Err(CliError::usage(
            format!(
                "task {task_id}'s dispute window is open until {}",
                output::time(state.window_end)
            ),
            "close it after that (until then the client may dispute)",
        ));
    }
    let msg = ExecuteMsg::CloseDispute { task_id };
    let any = deployment
        .registry()
        .execute(signer.address(), &msg, vec![])?;
    match tx::submit(ctx, &client, &mut signer, vec![any]).await? {
        Some(sent) => tx::print(
            ctx,
            &sent,
            json!({ "task_id": task_id, "winner": state.winner }),
            &[format!(
                "task {task_id}: dispute window closed; {}'s collateral is released",
                state.winner
            )],
        ),
        None => Ok(()),
    }
}

/// Shows the terms, the window and where the dispute stands, with the round's task once
/// disputed.
pub async fn show(ctx: &Ctx, task_id: u64) -> CliResult<()> {
    let deployment = ctx.deployment()?;
    let client = ctx.connect().await?;
    let found = disputable(&client, &deployment, task_id).await?;
    let round = match found.state.as_ref().map(|s| &s.status) {
        Some(DisputeStatus::Disputed { round }) => {
            Some(follow::task(&client, &deployment, *round).await?.task)
        }
        _ => None,
    };
    let (_, now) = follow::tip(&client).await?;
    if ctx.json() {
        return output::json(&json!({
            "task_id": task_id,
            "terms": found.terms,
            "dispute": found.state,
            "round": round,
        }));
    }
    let task = &found.details.task;
    let info = &task.reward.info;
    let terms = &found.terms;
    outln!("task:       {task_id} ({})", follow::phase(task));
    outln!(
        "terms:      within {}s of completion, a bond of {} re-runs it on {} other providers, {} of which must agree",
        terms.window,
        output::amount(terms.bond, info),
        terms.replicas,
        terms.quorum
    );
    let Some(state) = &found.state else {
        outln!("dispute:    none yet: the window opens when the task completes");
        return Ok(());
    };
    outln!(
        "winner:     {} paid {} (sha256 {})",
        state.winner,
        output::amount(state.price, info),
        state.digest.to_hex()
    );
    outln!("{}", status_line(task, state, now, round.as_ref()));
    Ok(())
}

/// Where the dispute stands, and what can be done about it now.
fn status_line(
    task: &Task,
    state: &DisputeState,
    now: cosmwasm_std::Timestamp,
    round: Option<&Task>,
) -> String {
    let id = task.id;
    let end = output::time(state.window_end);
    match (&state.status, round) {
        (DisputeStatus::Open, _) if now <= state.window_end => format!(
            "status:     open until {end}: the client may dispute with `ogpu task dispute {id}`"
        ),
        (DisputeStatus::Open, _) => format!(
            "status:     window passed at {end}, undisputed: anyone may close it with `ogpu task close-dispute {id}`"
        ),
        (DisputeStatus::Disputed { round }, found) => format!(
            "status:     disputed: re-run by task {round}{}",
            found
                .map(|r| format!(" ({})", follow::phase(r)))
                .unwrap_or_default()
        ),
        (DisputeStatus::Upheld, _) => {
            "status:     upheld: the result stands and the winner's collateral was released".into()
        }
        (DisputeStatus::Overturned, _) => {
            "status:     overturned: the re-run accepted another result and the winner was slashed".into()
        }
    }
}
