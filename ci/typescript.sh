#!/usr/bin/env bash
# The TypeScript clients generated from schema/ (ts-client/, docs in ts-client/README.md):
# installs the pinned packages (npm ci, into the git-ignored ts-client/node_modules),
# regenerates the clients into a temp dir and fails if the committed ones differ, type-checks
# and compiles everything with `tsc --strict`, then runs ts-client/test/smoke.ts against a
# devnet (deploy, query config, publish a task). Needs node and npm, and artifacts/ from
# ci/build-wasm.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v node >/dev/null && command -v npm >/dev/null || {
  echo "node and npm are needed for the TypeScript clients (Debian: apt-get install nodejs npm)" >&2
  exit 1
}
[ -f artifacts/ogpu_task_registry.wasm ] || {
  echo "artifacts/ogpu_task_registry.wasm is missing: run bash ci/build-wasm.sh first" >&2
  exit 1
}
(cd ts-client && npm ci --no-audit --no-fund --silent)

generated=$(mktemp -d)
trap 'rm -rf "${generated}"' EXIT
(cd ts-client && node codegen.mjs "${generated}" >/dev/null)
if ! diff -r "${generated}" ts-client/src/contracts >/dev/null; then
  echo "ts-client/src/contracts is STALE against schema/ (< generated, > committed):" >&2
  diff -r "${generated}" ts-client/src/contracts | head -n 20 >&2 || true
  echo "Regenerate with 'cd ts-client && npm run codegen' and commit it." >&2
  exit 1
fi
rm -rf "${generated}"
(cd ts-client && npx tsc -p tsconfig.json)

# shellcheck source=ci/lib/devnet.sh
. ci/lib/devnet.sh
devnet_up --accounts 2
node ts-client/dist/test/smoke.js "${DEVNET_RPC}" artifacts
