#!/usr/bin/env bash
# Builds the contracts to optimized wasm in artifacts/, writes checksums and checks each
# artifact with the CosmWasm VM's own validation (cosmwasm-check).
#
# The stable toolchain emits bulk-memory instructions that the CosmWasm VM rejects, so
# std is rebuilt for the MVP CPU (shared/BUILDING.md). Panics abort immediately: a
# contract must never panic, and dropping the panic formatting saves ~8% of code size.
set -euo pipefail
cd "$(dirname "$0")/.."

CONTRACTS=${CONTRACTS:-"ogpu-task-registry ogpu-provider-staking ogpu-settlement"}
GOAL_BYTES=$((250 * 1000))   # the project's goal per contract
LIMIT_BYTES=$((800 * 1024))  # wasmd's default MaxWasmSize
TARGET_DIR=target/wasm       # its own dir, so host builds keep their cache

packages=()
for contract in ${CONTRACTS}; do packages+=(-p "${contract}"); done

RUSTC_BOOTSTRAP=1 RUSTFLAGS="-C target-cpu=mvp -Zunstable-options -Cpanic=immediate-abort" \
  cargo build --release --lib --locked --target wasm32-unknown-unknown \
  -Zbuild-std=std,panic_abort --target-dir "${TARGET_DIR}" "${packages[@]}"

mkdir -p artifacts
: > artifacts/checksums.txt
status=0
printf '%-32s %10s %10s\n' artifact raw optimized
for contract in ${CONTRACTS}; do
  name=${contract//-/_}
  raw="${TARGET_DIR}/wasm32-unknown-unknown/release/${name}.wasm"
  out="artifacts/${name}.wasm"
  wasm-opt -Oz "${raw}" -o "${out}"
  (cd artifacts && sha256sum "${name}.wasm" >> checksums.txt)
  size=$(stat -c%s "${out}")
  printf '%-32s %10d %10d\n' "${name}.wasm" "$(stat -c%s "${raw}")" "${size}"
  if ((size > LIMIT_BYTES)); then
    echo "ERROR: ${out} exceeds wasmd's ${LIMIT_BYTES}-byte limit" >&2
    status=1
  elif ((size > GOAL_BYTES)); then
    echo "note: ${out} is above the ${GOAL_BYTES}-byte goal (see README, Contract sizes)"
  fi
done

for contract in ${CONTRACTS}; do
  cosmwasm-check "artifacts/${contract//-/_}.wasm"
done
exit "${status}"
