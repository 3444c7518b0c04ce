#!/usr/bin/env bash
# Regenerates schema/<crate>/ (the full API in <crate>.json, one file per message in raw/)
# from each contract's schema binary (`<crate>-schema`, see
# packages/ogpu-types/src/schema.rs).
#
#   bash ci/schema.sh           # write schema/
#   bash ci/schema.sh --check   # generate into a temp dir; fail if schema/ is stale
#
# The binaries are built with `cargo build --workspace --bins --examples` rather than
# `cargo run -p <crate>`: that selection resolves the same features as `cargo test
# --workspace`, so after the tests it only links three binaries. `cargo run -p` would
# resolve a narrower feature set and rebuild most of the dependency tree a second time.
set -euo pipefail
cd "$(dirname "$0")/.."

CONTRACTS=${CONTRACTS:-"ogpu-task-registry ogpu-provider-staking ogpu-settlement ogpu-upgrade-v2"}

check=false
case "${1:-}" in
  "") ;;
  --check) check=true ;;
  *)
    echo "usage: bash ci/schema.sh [--check]" >&2
    exit 2
    ;;
esac

# Artifact messages (JSON) on stdout, compiler diagnostics rendered on stderr.
messages=$(cargo build -q --locked --workspace --bins --examples \
  --message-format=json-render-diagnostics)

out=schema
if ${check}; then
  out=$(mktemp -d)
  trap 'rm -rf "${out}"' EXIT
fi

for contract in ${CONTRACTS}; do
  exe=$(sed -n "s|.*\"executable\":\"\([^\"]*/${contract}-schema\)\".*|\1|p" <<<"${messages}" | head -n 1)
  if [ -z "${exe}" ]; then
    echo "no binary ${contract}-schema was built (is ${contract} a workspace member with that [[bin]]?)" >&2
    exit 1
  fi
  "${exe}" "${out}"
done

if ${check}; then
  # Only the contracts' directories are compared, so a subset (CONTRACTS=...) checks that
  # subset.
  stale=()
  for contract in ${CONTRACTS}; do
    if ! diff -rq "${out}/${contract}" "schema/${contract}" >/dev/null 2>&1; then
      stale+=("${contract}")
    fi
  done
  if ((${#stale[@]})); then
    echo >&2
    echo "schema/ is STALE for: ${stale[*]}" >&2
    for contract in "${stale[@]}"; do
      committed=schema/${contract}
      if [ ! -d "${committed}" ]; then
        echo "  ${committed}/: missing" >&2
        continue
      fi
      echo "  ${committed}/: first differences (< committed, > generated):" >&2
      diff -r "${committed}" "${out}/${contract}" | head -n 20 | sed 's/^/    /' >&2 || true
    done
    echo "Regenerate with 'bash ci/schema.sh' and commit schema/." >&2
    exit 1
  fi
  echo "schema/ is up to date (${CONTRACTS})"
fi
