#!/usr/bin/env bash
# Finds or installs the tools the stack and the test suite need: the Temporal CLI (which also is the dev server and
# Web UI), HashiCorp Vault (for the Vault secrets tests), helm and actionlint (the deployment lint tests) and a few
# Debian packages. Order: $TEMPORAL_CLI_PATH / $VAULT_CLI_PATH / $HELM_PATH / $ACTIONLINT_PATH, then PATH,
# then .tools/bin, then the per-user cache; otherwise build the pinned version from the Go module proxy into the
# per-user cache (reused by fresh clones and CI) and link it into .tools/bin.
set -euo pipefail

TEMPORAL_CLI_VERSION="1.5.1" # v1.6+ cannot be `go install`ed (replace directives in its go.mod)
HELM_VERSION="3.22.0"         # keep in step with test/support/deploy-tools.ts
ACTIONLINT_VERSION="1.7.12"   # likewise
TEMPORAL_TEST_SERVER_VERSION="1.31.0" # io.temporal:temporal-test-server (Maven Central): workflow unit tests
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_bin="$repo_root/.tools/bin"
cache_root="${TRADEFLOW_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tradeflow}"

log() { printf '[setup] %s\n' "$*" >&2; }

# `npm run dev`, `npm run demo` and `npm run video` only run the stack: they need the Temporal CLI, not the test
# suite's tools. The video also needs the browser and the encoder (Debian's chromium and ffmpeg).
stack_only=false
needs_browser=true
case "${npm_lifecycle_event:-}" in
  dev | demo) stack_only=true needs_browser=false ;;
  video) stack_only=true ;;
esac

link_into_tools() { # <binary-path> <name>
  mkdir -p "$tools_bin"
  ln -sf "$1" "$tools_bin/$2"
}

# Prints the path of <name>: $<PATH_VAR>, then PATH, then .tools/bin, then the per-user cache; fails if none.
find_tool() { # <name> <version> <path-variable>
  local name="$1" version="$2" path_var="$3"
  local explicit="${!path_var:-}"
  if [[ -n "$explicit" ]]; then
    if [[ -x "$explicit" ]]; then
      echo "$explicit"
      return 0
    fi
    log "$path_var=$explicit is not an executable file"
    return 1
  fi
  if command -v "$name" >/dev/null 2>&1; then
    command -v "$name"
    return 0
  fi
  if [[ -x "$tools_bin/$name" ]]; then
    echo "$tools_bin/$name"
    return 0
  fi
  local cached="$cache_root/$name-$version/$name"
  if [[ -x "$cached" ]]; then
    echo "$cached"
    return 0
  fi
  return 1
}

# Finds <name> or `go install`s <module>@v<version> into the per-user cache, then links it into .tools/bin so the
# README's commands and the tests find it at one place whichever way it was found.
ensure_go_tool() { # <name> <version> <module> <path-variable> <first-install note>
  local name="$1" version="$2" module="$3" path_var="$4" note="$5" found
  if ! found="$(find_tool "$name" "$version" "$path_var")"; then
    if [[ -n "${!path_var:-}" ]]; then return 1; fi
    if ! command -v go >/dev/null 2>&1; then
      log "$name was not found ($path_var, PATH, $tools_bin, $cache_root) and Go is not installed."
      log "Install Go (https://go.dev/dl/) and rerun, or install $name v$version yourself and set $path_var."
      return 1
    fi
    local cache_dir="$cache_root/$name-$version"
    log "Installing $name v$version with go install (first time only: $note)..."
    mkdir -p "$cache_dir"
    GOBIN="$cache_dir" GOFLAGS=-mod=mod go install "$module@v$version"
    found="$cache_dir/$name"
    log "Installed $found"
  fi
  if [[ "$found" != "$tools_bin/$name" ]]; then link_into_tools "$found" "$name"; fi
}

ensure_go_tool temporal "$TEMPORAL_CLI_VERSION" github.com/temporalio/cli/cmd/temporal TEMPORAL_CLI_PATH \
  "~4 minutes, 250 MB"
temporal_path="$tools_bin/temporal"

# HashiCorp Vault, for the Vault secrets provider's integration tests (each test file starts `vault server -dev`).
# Vault has no Debian or npm package, and Vault 1.15+ is under the Business Source License: we build it from the Go
# module proxy for local development and tests only, and never ship it. This recipe builds v1.21.0 (v1.14.x and
# v1.21.4 do not: their in-tree sdk differs from its published tags). First time 9-20 minutes (CPU-bound), 500 MB.
VAULT_VERSION="1.21.0"
cached_vault="$cache_root/vault-$VAULT_VERSION/vault"

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

if vault_path="$(find_tool vault "$VAULT_VERSION" VAULT_CLI_PATH)"; then
  if [[ "$vault_path" != "$tools_bin/vault" ]]; then link_into_tools "$vault_path" vault; fi
elif [[ -n "${VAULT_CLI_PATH:-}" ]]; then
  exit 1
elif [[ "$stack_only" == true ]]; then
  # Only the test suite runs Vault itself; `npm run dev` talks to whatever VAULT_ADDR points at, if anything.
  log "Vault not found; skipped for npm run $npm_lifecycle_event (npm run setup or npm test builds it)"
else
  build_vault
  link_into_tools "$cached_vault" vault
fi

# The deployment linters the test suite runs: helm (lint + template of the chart) and actionlint (the CI/CD
# workflow). Only the test suite needs them, not `npm run dev`.
if [[ "$stack_only" != true ]]; then
  ensure_go_tool helm "$HELM_VERSION" helm.sh/helm/v3/cmd/helm HELM_PATH "~1.5 minutes"
  ensure_go_tool actionlint "$ACTIONLINT_VERSION" github.com/rhysd/actionlint/cmd/actionlint ACTIONLINT_PATH "seconds"
fi

# Debian packages: PostgreSQL server binaries (the store tests start a throwaway cluster), shellcheck (actionlint
# checks the workflow's run: scripts with it; the suite also checks scripts/*.sh), jq (scripts/rollback.sh),
# chromium (the dashboard's browser tests drive Debian's build through playwright-core; no browser download) and
# ffmpeg (recording the dashboard walkthrough video).
missing_debian_packages() {
  local missing=()
  if [[ "$stack_only" != true ]]; then
    # The store tests start a throwaway PostgreSQL cluster; the stack itself uses SQLite (or DATABASE_URL).
    if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && [[ -z "${PG_BIN_DIR:-}" ]]; then
      missing+=(postgresql)
    fi
    command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
    command -v jq >/dev/null 2>&1 || missing+=(jq)
    # Temporal's time-skipping test server (the workflow unit tests) is Java, fetched from Maven Central.
    command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
  fi
  if [[ "$needs_browser" == true ]]; then
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
  fi
  echo "${missing[@]}"
}

ensure_debian_packages() {
  local missing
  missing="$(missing_debian_packages)"
  if [[ -z "$missing" ]]; then return 0; fi
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    log "Installing Debian packages (first time only): $missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
    # The test suite starts its own throwaway PostgreSQL cluster; the packaged service is not needed.
    if [[ "$missing" == *postgresql* ]] && command -v service >/dev/null 2>&1; then
      service postgresql stop >/dev/null 2>&1 || true
    fi
    return 0
  fi
  log "Missing Debian packages: $missing, and this is not root with apt-get."
  log "Install them (Debian/Ubuntu: sudo apt-get install -y $missing); for PostgreSQL you may instead set PG_BIN_DIR"
  log "to the folder of initdb."
  return 1
}
ensure_debian_packages

# Temporal's own time-skipping test server, which TestWorkflowEnvironment.createTimeSkipping() starts for the
# workflow unit tests (an approval timeout of an hour passes in milliseconds). The SDK would download a native build
# from the internet; instead the Java server and its dependencies come from Maven Central into the per-user cache,
# behind a small launcher that takes the same arguments (the port). Override with TEMPORAL_TEST_SERVER_PATH.
ensure_temporal_test_server() {
  if [[ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ]]; then return 0; fi
  local dir="$cache_root/temporal-test-server-$TEMPORAL_TEST_SERVER_VERSION"
  local launcher="$dir/temporal-test-server"
  if [[ ! -x "$launcher" ]]; then
    log "Fetching Temporal's test server v$TEMPORAL_TEST_SERVER_VERSION from Maven Central (first time only: ~1 minute)..."
    local work
    work="$(mktemp -d)"
    cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.tradeflow</groupId>
  <artifactId>temporal-test-server-launcher</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>$TEMPORAL_TEST_SERVER_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
    mkdir -p "$dir"
    mvn -q -f "$work/pom.xml" dependency:copy-dependencies -DoutputDirectory="$dir/lib" >&2
    cat >"$launcher.tmp" <<'LAUNCHER'
#!/bin/sh
# Temporal's time-skipping test server (io.temporal:temporal-test-server): temporal-test-server <port>
dir="$(dirname "$(readlink -f "$0")")"
exec java -cp "$dir/lib/*" io.temporal.testserver.TestServer "$@"
LAUNCHER
    chmod +x "$launcher.tmp"
    mv "$launcher.tmp" "$launcher"
    rm -rf "$work"
    log "Installed $launcher"
  fi
  link_into_tools "$launcher" temporal-test-server
}
if [[ "$stack_only" != true ]]; then ensure_temporal_test_server; fi

log "Temporal CLI: $temporal_path ($("$temporal_path" --version 2>/dev/null | head -n 1))"
if [[ -x "$tools_bin/vault" ]]; then log "Vault: $(readlink -f "$tools_bin/vault") ($("$tools_bin/vault" version 2>/dev/null | head -n 1))"; fi
for tool in helm actionlint temporal-test-server; do
  if [[ -x "$tools_bin/$tool" ]]; then log "$tool: $(readlink -f "$tools_bin/$tool")"; fi
done
