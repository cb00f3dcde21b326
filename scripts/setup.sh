#!/usr/bin/env bash
# Finds or installs the tools the stack and the test suite need (today: the Temporal CLI, which also is the
# dev server and Web UI). Order: $TEMPORAL_CLI_PATH, then PATH, then .tools/bin, then the per-user cache; otherwise
# `go install` the pinned version into the per-user cache (reused by fresh clones and CI) and link it into .tools/bin.
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
