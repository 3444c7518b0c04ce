//! The node's health as the operator reads it: one warning when the node stops answering,
//! a reminder at most every [`REMIND`] while it stays down, and one line when it is back.
//! Every task and the signer retry on their own; without this, each of them would warn
//! once a second through an outage.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use ogpu_client::ClientError;
use tracing::{debug, info, warn};

/// How often an outage is reported again.
const REMIND: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct NodeHealth {
    down: Mutex<Option<Outage>>,
}

#[derive(Debug)]
struct Outage {
    since: Instant,
    reported: Instant,
    failures: u64,
}

impl NodeHealth {
    /// A call to the node failed with `err`: an outage when the node is unreachable (logged
    /// as above); any other error is the caller's to log.
    pub fn failed(&self, err: &ClientError) {
        if !matches!(
            err,
            ClientError::Unreachable { .. } | ClientError::Timeout { .. }
        ) {
            return;
        }
        let mut down = self.down.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        match &mut *down {
            None => {
                warn!(%err, "the node does not answer; retrying (reported again every minute while it lasts)");
                *down = Some(Outage {
                    since: now,
                    reported: now,
                    failures: 1,
                });
            }
            Some(outage) => {
                outage.failures += 1;
                if now.duration_since(outage.reported) >= REMIND {
                    outage.reported = now;
                    warn!(
                        down_for = ?now.duration_since(outage.since),
                        failures = outage.failures,
                        "the node still does not answer"
                    );
                } else {
                    debug!(%err, "node unreachable");
                }
            }
        }
    }

    /// A call to the node succeeded: ends an outage.
    pub fn ok(&self) {
        let mut down = self.down.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(outage) = down.take() {
            info!(
                down_for = ?outage.since.elapsed(),
                failures = outage.failures,
                "the node answers again"
            );
        }
    }

    /// Whether the node is currently considered down.
    pub fn is_down(&self) -> bool {
        self.down
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }
}
