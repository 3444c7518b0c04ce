//! The optimized wasm of each contract, as `ci/build-wasm.sh` leaves it in `artifacts/`.

use std::path::Path;

use ogpu_client::deploy::ARTIFACTS;

use crate::error::{DemoError, DemoResult};

/// wasmd's default maximum code size is 800 KiB; the project's goal is 250 KB.
pub const GOAL_BYTES: u64 = 250_000;

pub fn measure(artifacts: &Path) -> DemoResult<Vec<(String, u64)>> {
    ARTIFACTS
        .iter()
        .map(|name| {
            let path = artifacts.join(name);
            let bytes = std::fs::metadata(&path)
                .map_err(|e| {
                    DemoError::Setup(format!(
                        "{}: {e} (build the contracts with `bash ci/build-wasm.sh`)",
                        path.display()
                    ))
                })?
                .len();
            Ok((name.to_string(), bytes))
        })
        .collect()
}
