//! `task result`: the delivered result — inline, or fetched by its reference and checked
//! against the reference's sha256 and size — opened with the client's result key when the
//! task names one (`ogpu_client::sealing`), then checked against the digest the provider
//! committed to, and kept on this machine ([`ResultStore`]): a result fetched once stays
//! readable when its provider no longer serves it. A result that does not open or does
//! not match is grounds for a dispute.

use std::path::{Path, PathBuf};

use cosmwasm_std::HexBinary;
use ogpu_client::sealing::{self, SealContext, SealError};
use ogpu_client::{Client, Deployment, ResultKey};
use ogpu_types::registry::AwardState;
use ogpu_types::{Payload, Task, TaskOutcome, TaskSpec};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::context::Ctx;
use crate::error::{CliError, CliResult};
use crate::results::ResultStore;
use crate::{fetch, follow, output};

use super::show::all_responses;

pub async fn result(ctx: &Ctx, task_id: u64, out: Option<PathBuf>) -> CliResult<()> {
    let deployment = ctx.deployment()?;
    let client = ctx.connect().await?;
    let result = verified(ctx, &client, &deployment, task_id).await?;
    write(ctx, &result.bytes, &result.digest, result.summary, out)
}

/// After a followed task completed (`publish --wait`, `watch`): its result fetched,
/// verified and stored locally at once, while the provider still serves it. A result
/// that cannot be had yet is a warning: `task result` tries again.
pub async fn keep(ctx: &Ctx, client: &Client, deployment: &Deployment, task_id: u64) {
    if ctx.json() {
        let _ = verified(ctx, client, deployment, task_id).await;
        return;
    }
    match verified(ctx, client, deployment, task_id).await {
        Ok(result) => errln!(
            "task {task_id}: result verified (sha256 {}) and stored at {}",
            result.digest.to_hex(),
            result.stored.display()
        ),
        Err(err) => errln!(
            "task {task_id}: the result could not be fetched yet ({}); `ogpu task result {task_id}` tries again",
            err.line()
        ),
    }
}

/// A completed task's result, opened and checked against its committed digest.
struct Verified {
    bytes: Vec<u8>,
    digest: HexBinary,
    summary: serde_json::Value,
    /// Where it is kept on this machine.
    stored: PathBuf,
}

/// The result of `task_id`: from this machine's store when it was kept before, else
/// fetched (inline, or by its reference), opened with the client's key when sealed,
/// checked, and stored.
async fn verified(
    ctx: &Ctx,
    client: &Client,
    deployment: &Deployment,
    task_id: u64,
) -> CliResult<Verified> {
    let details = follow::task(client, deployment, task_id).await?;
    let (task, spec) = (&details.task, &details.spec);
    let Some(outcome) = &task.outcome else {
        let award = follow::award(client, deployment, task_id).await?;
        return Err(no_result(task, award.as_ref()));
    };
    let winner = outcome.winner.as_str();
    let store = ResultStore::new(&ctx.home, &deployment.registry);
    let summary = |bytes: &[u8], uri: Option<String>, stored: &Path| {
        json!({
            "task_id": task_id,
            "provider": winner,
            "sealed": spec.result_key.is_some(),
            "sha256": outcome.digest.to_hex(),
            "size": bytes.len(),
            "uri": uri,
            "stored": stored,
        })
    };
    // A sealed result is the client's alone: its key is asked for before anything is
    // read, from this machine or downloaded.
    let key = match &spec.result_key {
        Some(public) => Some(client_key(ctx, task_id, public)?),
        None => None,
    };
    if let Some(bytes) = store.get(task_id, outcome.digest.as_slice()) {
        let stored = store.path(task_id);
        return Ok(Verified {
            summary: summary(&bytes, None, &stored),
            bytes,
            digest: outcome.digest.clone(),
            stored,
        });
    }
    let payload = all_responses(client, deployment, task_id)
        .await?
        .into_iter()
        .find(|r| r.provider == outcome.winner)
        .and_then(|r| r.result)
        .ok_or_else(|| {
            CliError::chain(format!(
                "task {task_id} completed but its winner {winner} has no result on chain: is --deployment right?"
            ))
        })?;
    let (posted, uri) = match &payload {
        Payload::Inline { data } => (data.to_vec(), None),
        Payload::Reference { uri, sha256, size } => (
            fetch::reference(uri, sha256.as_slice(), size.u64()).await?,
            Some(uri.clone()),
        ),
    };
    let bytes = match &key {
        Some(key) => open(key, task_id, spec, outcome, &posted)?,
        None => check_public(task_id, spec, outcome, posted)?,
    };
    let stored = store.put(task_id, &bytes)?;
    Ok(Verified {
        summary: summary(&bytes, uri, &stored),
        bytes,
        digest: outcome.digest.clone(),
        stored,
    })
}

/// Why there is nothing to fetch yet, or ever.
fn no_result(task: &Task, award: Option<&AwardState>) -> CliError {
    let id = task.id;
    if task.status.is_terminal() {
        return CliError::usage(
            format!(
                "task {id} has no accepted result: the task is {}",
                task.status.name()
            ),
            "it ended without one and the reward was refunded",
        );
    }
    let waiting = match (award, &task.best) {
        (Some(award), Some(best)) => format!(
            "awarded to {}, which must deliver by {}",
            best.provider,
            output::time(award.delivery_deadline)
        ),
        _ => follow::phase(task),
    };
    CliError::usage(
        format!("task {id} has no accepted result yet ({waiting})"),
        format!("wait for it with `ogpu task watch {id}`"),
    )
}

/// The caller's result key, when it is the one the task's results are sealed to.
fn client_key(ctx: &Ctx, task_id: u64, public: &HexBinary) -> CliResult<ResultKey> {
    if !ctx.has_key() {
        return Err(CliError::usage(
            format!("the result of task {task_id} is sealed to its client's key"),
            "pass the client's key with --from KEY (or --from-env VAR)",
        ));
    }
    let key = ctx.key()?;
    let result_key = key.result_key()?;
    if result_key.public().as_slice() != public.as_slice() {
        return Err(CliError::usage(
            format!(
                "this result is sealed to the task's client; key {} cannot open it",
                key.name()
            ),
            "only the key that published the task reads its result: pass that one with --from",
        ));
    }
    Ok(result_key)
}

/// Opens a sealed result and checks it against the committed digest.
fn open(
    key: &ResultKey,
    task_id: u64,
    spec: &TaskSpec,
    outcome: &TaskOutcome,
    sealed: &[u8],
) -> CliResult<Vec<u8>> {
    let provider = outcome.winner.as_str();
    let ctx = SealContext { task_id, provider };
    let digest = digest32(&outcome.digest)?;
    let why = match sealing::open_and_check(key, &ctx, sealed, &digest) {
        Ok(plaintext) => return Ok(plaintext),
        Err(SealError::DigestMismatch { actual, .. }) => mismatch(task_id, outcome, &actual),
        Err(SealError::DecryptionFailed { .. } | SealError::TooShort { .. }) => format!(
            "the result {provider} delivered for task {task_id} does not open with the client's \
             result key: it was sealed to another key or for another task, or changed"
        ),
        Err(other) => return Err(CliError::chain(other)),
    };
    Err(disputable(task_id, spec, why))
}

/// A public result: its sha256 must be the committed digest.
fn check_public(
    task_id: u64,
    spec: &TaskSpec,
    outcome: &TaskOutcome,
    bytes: Vec<u8>,
) -> CliResult<Vec<u8>> {
    let actual = hex::encode(Sha256::digest(&bytes));
    if actual != outcome.digest.to_hex() {
        return Err(disputable(
            task_id,
            spec,
            mismatch(task_id, outcome, &actual),
        ));
    }
    Ok(bytes)
}

fn mismatch(task_id: u64, outcome: &TaskOutcome, actual: &str) -> String {
    format!(
        "the result {} delivered for task {task_id} does not match the digest it committed to \
         (sha256 {actual}, committed {})",
        outcome.winner,
        outcome.digest.to_hex()
    )
}

/// A bad delivered result: grounds for a dispute, and how to open one (exit code 1).
fn disputable(task_id: u64, spec: &TaskSpec, why: String) -> CliError {
    let fix = match spec.dispute {
        Some(_) => format!(
            "this is grounds for a dispute: open one with `ogpu task dispute {task_id}` within the dispute window"
        ),
        None => "this is grounds for a dispute, but the task was published without dispute terms, so it cannot be disputed on chain".to_string(),
    };
    CliError::chain(format!("{why}: {fix}"))
}

fn digest32(digest: &HexBinary) -> CliResult<[u8; 32]> {
    digest.as_slice().try_into().map_err(|_| {
        CliError::chain(format!(
            "the committed digest {} is not 32 bytes: is --deployment right?",
            digest.to_hex()
        ))
    })
}

/// The verified bytes to `--out`, as JSON, or raw on stdout.
fn write(
    ctx: &Ctx,
    bytes: &[u8],
    digest: &HexBinary,
    mut summary: serde_json::Value,
    out: Option<PathBuf>,
) -> CliResult<()> {
    match out {
        Some(path) => {
            std::fs::write(&path, bytes).map_err(|e| {
                CliError::usage(
                    format!("cannot write {}: {e}", path.display()),
                    "check the directory exists and is writable",
                )
            })?;
            if ctx.json() {
                summary["out"] = json!(path);
                return output::json(&summary);
            }
            outln!(
                "wrote {} bytes (sha256 {} verified) to {}",
                bytes.len(),
                digest.to_hex(),
                path.display()
            );
            Ok(())
        }
        None if ctx.json() => {
            use base64::Engine as _;
            summary["data_base64"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
            output::json(&summary)
        }
        None => {
            output::stdout_bytes(bytes);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{Addr, Uint128};
    use ogpu_client::keys::HdPath;
    use ogpu_types::{CompetitionModel, DisputeTerms, HashSearch, Job, Requirements};

    const MNEMONIC: &str = "test test test test test test test test test test test junk";
    const PROVIDER: &str = "wasm1provider";

    fn spec(dispute: Option<DisputeTerms>) -> TaskSpec {
        TaskSpec {
            job: Job::HashSearch(HashSearch {
                prefix: HexBinary::from(b"x"),
                difficulty: 8,
            }),
            requirements: Requirements::default(),
            model: CompetitionModel::FirstResponse {
                commit_window: 10,
                reveal_window: 10,
            },
            collateral: Uint128::new(100),
            dispute,
            result_key: None,
        }
    }

    fn outcome(result: &[u8]) -> TaskOutcome {
        TaskOutcome {
            winner: Addr::unchecked(PROVIDER),
            price: Uint128::new(1000),
            digest: HexBinary::from(Sha256::digest(result).to_vec()),
        }
    }

    fn key(index: u32) -> ResultKey {
        ResultKey::from_mnemonic(MNEMONIC, &HdPath::cosmos(index)).unwrap()
    }

    fn sealed(to: &ResultKey, task_id: u64, plaintext: &[u8]) -> Vec<u8> {
        let ctx = SealContext {
            task_id,
            provider: PROVIDER,
        };
        sealing::seal(&to.public(), &ctx, plaintext).unwrap()
    }

    const TERMS: DisputeTerms = DisputeTerms {
        window: 60,
        replicas: 3,
        quorum: 2,
        bond: Uint128::new(500),
    };

    #[test]
    fn a_sealed_result_opens_to_its_committed_bytes() {
        let client = key(0);
        let posted = sealed(&client, 7, b"result");
        let opened = open(&client, 7, &spec(None), &outcome(b"result"), &posted).unwrap();
        assert_eq!(opened, b"result");
    }

    /// Another plaintext than committed, a result sealed for another task or to another key:
    /// each is grounds for a dispute, which the error says how to open, if the task can be.
    #[test]
    fn bad_results_are_grounds_for_a_dispute() {
        let client = key(0);
        let committed = outcome(b"result");
        let forged = sealed(&client, 7, b"forged");
        let err = open(&client, 7, &spec(Some(TERMS)), &committed, &forged).unwrap_err();
        assert_eq!(err.code, crate::error::EXIT_CHAIN);
        assert!(
            err.line()
                .contains("does not match the digest it committed to"),
            "{}",
            err.line()
        );
        assert!(
            err.line()
                .ends_with("this is grounds for a dispute: open one with `ogpu task dispute 7` within the dispute window"),
            "{}",
            err.line()
        );
        for posted in [sealed(&client, 8, b"result"), sealed(&key(1), 7, b"result")] {
            let err = open(&client, 7, &spec(None), &committed, &posted).unwrap_err();
            assert!(err.line().contains("does not open"), "{}", err.line());
            assert!(
                err.line().ends_with(
                    "published without dispute terms, so it cannot be disputed on chain"
                ),
                "{}",
                err.line()
            );
        }
        let err = check_public(7, &spec(None), &committed, b"forged".to_vec()).unwrap_err();
        assert!(
            err.line().contains("does not match the digest"),
            "{}",
            err.line()
        );
        assert_eq!(
            check_public(7, &spec(None), &committed, b"result".to_vec()).unwrap(),
            b"result"
        );
    }
}
