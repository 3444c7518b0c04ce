#!/usr/bin/env bash
# Installs what building and testing the project needs, only what is missing, so a warm
# machine does nothing. Safe to run any number of times.
set -euo pipefail

COSMWASM_CHECK_VERSION=3.0.10 # 2.2.x does not link on Rust 1.95 (see shared/BUILDING.md)
APT_PACKAGES=(binaryen ocl-icd-opencl-dev pocl-opencl-icd clinfo)

say() { printf '[setup] %s\n' "$*"; }

for component in rustfmt clippy rust-src; do
  if rustup component list --installed | grep -q "^${component}"; then
    say "rustup component ${component}: present"
  else
    say "rustup component ${component}: installing"
    rustup component add "${component}"
  fi
done

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target wasm32-unknown-unknown: present"
else
  say "rustup target wasm32-unknown-unknown: installing"
  rustup target add wasm32-unknown-unknown
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q "install ok installed" || missing+=("${pkg}")
done
if ((${#missing[@]})); then
  say "Debian packages missing: ${missing[*]}: installing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  ${SUDO} apt-get update -qq
  DEBIAN_FRONTEND=noninteractive ${SUDO} apt-get install -y -qq "${missing[@]}"
else
  say "Debian packages ${APT_PACKAGES[*]}: present"
fi

if cosmwasm-check --version 2>/dev/null | grep -q "${COSMWASM_CHECK_VERSION}"; then
  say "cosmwasm-check ${COSMWASM_CHECK_VERSION}: present"
else
  say "cosmwasm-check ${COSMWASM_CHECK_VERSION}: installing (builds for a few minutes)"
  cargo install cosmwasm-check --version "${COSMWASM_CHECK_VERSION}" --locked
fi
