#!/usr/bin/env bash
# Finds or installs the tools the stack and the test suite need: the Temporal CLI (which also is the dev server and
# Web UI) and HashiCorp Vault (for the Vault secrets tests). Order: $TEMPORAL_CLI_PATH / $VAULT_CLI_PATH, then PATH,
# then .tools/bin, then the per-user cache; otherwise build the pinned version from the Go module proxy into the
# per-user cache (reused by fresh clones and CI) and link it into .tools/bin.
set -euo pipefail

TEMPORAL_CLI_VERSION="1.5.1" # v1.6+ cannot be `go install`ed (replace directives in its go.mod)
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_bin="$repo_root/.tools/bin"
cache_root="${TRADEFLOW_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tradeflow}"
cached_temporal="$cache_root/temporal-$TEMPORAL_CLI_VERSION/temporal"

log() { printf '[setup] %s\n' "$*" >&2; }

link_into_tools() {
  mkdir -p "$tools_bin"
  ln -sf "$1" "$tools_bin/temporal"
}

find_temporal() {
  if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
    if [[ -x "$TEMPORAL_CLI_PATH" ]]; then
      echo "$TEMPORAL_CLI_PATH"
      return 0
    fi
    log "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file"
    return 1
  fi
  if command -v temporal >/dev/null 2>&1; then
    command -v temporal
    return 0
  fi
  if [[ -x "$tools_bin/temporal" ]]; then
    echo "$tools_bin/temporal"
    return 0
  fi
  if [[ -x "$cached_temporal" ]]; then
    link_into_tools "$cached_temporal"
    echo "$tools_bin/temporal"
    return 0
  fi
  return 1
}

install_temporal() {
  if ! command -v go >/dev/null 2>&1; then
    log "The Temporal CLI was not found (TEMPORAL_CLI_PATH, PATH, $tools_bin, $cache_root) and Go is not installed."
    log "Install Go (https://go.dev/dl/) and rerun, or install the Temporal CLI yourself and set TEMPORAL_CLI_PATH."
    return 1
  fi
  log "Installing the Temporal CLI v$TEMPORAL_CLI_VERSION with go install (first time only: ~4 minutes, 250 MB)..."
  mkdir -p "$(dirname "$cached_temporal")"
  GOBIN="$(dirname "$cached_temporal")" GOFLAGS=-mod=mod \
    go install "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION"
  link_into_tools "$cached_temporal"
  log "Installed $cached_temporal"
}

if ! temporal_path="$(find_temporal)"; then
  if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then exit 1; fi
  install_temporal
  temporal_path="$tools_bin/temporal"
fi
# Always reachable at .tools/bin/temporal, so the README's copy-paste commands work whichever way it was found.
if [[ "$temporal_path" != "$tools_bin/temporal" ]]; then link_into_tools "$temporal_path"; fi

# HashiCorp Vault, for the Vault secrets provider's integration tests (each test file starts `vault server -dev`).
# Vault has no Debian or npm package, and Vault 1.15+ is under the Business Source License: we build it from the Go
# module proxy for local development and tests only, and never ship it. This recipe builds v1.21.0 (v1.14.x and
# v1.21.4 do not: their in-tree sdk differs from its published tags). First time 9-20 minutes (CPU-bound), 500 MB.
VAULT_VERSION="1.21.0"
cached_vault="$cache_root/vault-$VAULT_VERSION/vault"

find_vault() {
  if [[ -n "${VAULT_CLI_PATH:-}" ]]; then
    if [[ -x "$VAULT_CLI_PATH" ]]; then
      echo "$VAULT_CLI_PATH"
      return 0
    fi
    log "VAULT_CLI_PATH=$VAULT_CLI_PATH is not an executable file"
    return 1
  fi
  if command -v vault >/dev/null 2>&1; then
    command -v vault
    return 0
  fi
  if [[ -x "$tools_bin/vault" ]]; then
    echo "$tools_bin/vault"
    return 0
  fi
  if [[ -x "$cached_vault" ]]; then
    echo "$cached_vault"
    return 0
  fi
  return 1
}

build_vault() {
  if ! command -v go >/dev/null 2>&1; then
    log "Vault was not found (VAULT_CLI_PATH, PATH, $tools_bin, $cache_root) and Go is not installed."
    log "Install Go 1.25.3+ (https://go.dev/dl/) and rerun, or put a vault binary on PATH / set VAULT_CLI_PATH."
    return 1
  fi
  local src="$cache_root/vault-src-$VAULT_VERSION"
  mkdir -p "$src" "$(dirname "$cached_vault")"
  (
    # One build at a time per cache (parallel CI jobs, two terminals); the second waits, then finds the binary.
    if command -v flock >/dev/null 2>&1; then
      exec 9>"$cache_root/vault-$VAULT_VERSION.lock"
      flock 9
    fi
    if [[ -x "$cached_vault" ]]; then exit 0; fi
    log "Building Vault v$VAULT_VERSION from the Go module proxy (first time only: 9-20 minutes, 500 MB)..."
    cat >"$src/go.mod" <<GOMOD
module tradeflow.local/vaultbuild

go 1.25.3

replace github.com/99designs/keyring => github.com/Jeffail/keyring v1.2.3
GOMOD
    printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/hashicorp/vault"\n' >"$src/tools.go"
    cd "$src"
    GOFLAGS=-mod=mod go get "github.com/hashicorp/vault@v$VAULT_VERSION" >&2
    # Build beside the target and rename, so an interrupted build never leaves a half-written binary in the cache.
    GOFLAGS=-mod=mod go build -o "$cached_vault.partial" github.com/hashicorp/vault >&2
    mv -f "$cached_vault.partial" "$cached_vault"
    log "Built $cached_vault"
  )
}

if vault_path="$(find_vault)"; then
  if [[ "$vault_path" != "$tools_bin/vault" ]]; then
    mkdir -p "$tools_bin"
    ln -sf "$vault_path" "$tools_bin/vault"
  fi
elif [[ -n "${VAULT_CLI_PATH:-}" ]]; then
  exit 1
elif [[ "${npm_lifecycle_event:-}" == "dev" ]]; then
  # Only the test suite runs Vault itself; `npm run dev` talks to whatever VAULT_ADDR points at, if anything.
  log "Vault not found; skipped for npm run dev (npm run setup or npm test builds it)"
else
  build_vault
  mkdir -p "$tools_bin"
  ln -sf "$cached_vault" "$tools_bin/vault"
fi

# PostgreSQL server binaries (Debian's packages), for the store tests against PostgreSQL.
ensure_postgres() {
  if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || [[ -n "${PG_BIN_DIR:-}" ]]; then return 0; fi
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    log "Installing PostgreSQL from Debian's packages (first time only)..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    # The test suite starts its own throwaway cluster; the packaged service is not needed.
    command -v service >/dev/null 2>&1 && service postgresql stop >/dev/null 2>&1 || true
    return 0
  fi
  log "PostgreSQL server binaries were not found (/usr/lib/postgresql/*/bin) and this is not root with apt-get."
  log "Install them (Debian/Ubuntu: sudo apt-get install -y postgresql) or set PG_BIN_DIR to the folder of initdb."
  return 1
}
ensure_postgres

log "Temporal CLI: $temporal_path ($("$temporal_path" --version 2>/dev/null | head -n 1))"
if [[ -x "$tools_bin/vault" ]]; then log "Vault: $(readlink -f "$tools_bin/vault") ($("$tools_bin/vault" version 2>/dev/null | head -n 1))"; fi
