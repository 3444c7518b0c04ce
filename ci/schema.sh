#!/usr/bin/env bash
# Regenerates schema/<contract>.json from each contract's schema binary.
# With --check, fails if the committed schema/ is stale instead of writing it.
set -euo pipefail
cd "$(dirname "$0")/.."

CONTRACTS=${CONTRACTS:-"ogpu-task-registry ogpu-provider-staking ogpu-settlement"}
out=schema
if [ "${1:-}" = "--check" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "${out}"' EXIT
fi
for contract in ${CONTRACTS}; do
  cargo run -q --locked -p "${contract}" --bin "${contract}-schema" -- "${out}"
done
if [ "${out}" != schema ]; then
  if ! diff -r "${out}" schema >/dev/null; then
    diff -rq "${out}" schema || true
    echo "schema/ is stale: run 'bash ci/schema.sh' and commit the result" >&2
    exit 1
  fi
  echo "schema/ is up to date"
fi
