#!/usr/bin/env bash
# Rolls a Helm release back to its previous *successful* revision, with a dry-run mode and an audit line.
#
# Usage: scripts/rollback.sh --release NAME [--namespace NS] [--to-revision N] [--dry-run] [--timeout 5m]
#                            [--history-file FILE] [--help]            (run with --help for the details)
#
# Why not "current revision - 1" (what `helm rollback NAME` does): after a failed upgrade that revision may be the
# failed one, a pending one, or a rollback that already holds the current content. The decision, made on
# `helm history NAME -n NS -o json --max 256`:
#
# 1. The current revision is the newest revision: what helm last applied, or tried to apply, to the cluster.
#    Normally it is the `deployed` one. It is not after a failed upgrade without --atomic (helm leaves the previous
#    revision `deployed` and marks the new one `failed`, but the cluster may already run part of it), while a
#    pending-* revision is stuck (the previous one is still `deployed`), or after a failed rollback (helm marks the
#    revision it rolled back from `superseded`, so none is `deployed`). Taking the newest as current makes the
#    still-`deployed` revision, the last known-good state, the target in the first two cases, not the one before it.
# 2. A revision's content origin is itself or, for a "Rollback to N" revision, N's content origin (chains are
#    followed; a revision no longer kept in the history is its own origin).
# 3. The target is the newest revision older than the current one whose status is `superseded` or `deployed` (it
#    was deployed successfully; never failed, pending-*, unknown or uninstalled) and whose content origin differs
#    from the current revision's (rolling back to the same content would change nothing).
# 4. No such revision: error "no earlier successful revision of release NAME to roll back to", exit 1.
# 5. The rule runs on its own (a real rollback without --to-revision) only when the current revision is `deployed`
#    or a failed upgrade ("Upgrade ... failed"). When it is stuck in pending-* (a helm operation was interrupted, or
#    is still running: rolling back under it would race it), a failed rollback or install (helm does not record
#    which revision a failed rollback was heading for) or `unknown`, a dry run shows the rule's choice and the
#    reason, and a real run is refused until the operator names the target with --to-revision. A release whose
#    newest revision is uninstalling/uninstalled is refused: this script rolls back installed releases only.
# 6. --to-revision N replaces the choice; N must exist, be `superseded` or `deployed`, and not be the current
#    revision.
#
# The rollback runs `$HELM rollback NAME TARGET --namespace NS --wait --timeout T --cleanup-on-fail`, then re-reads
# the history to report the new revision. --history-file FILE reads a recorded `helm history -o json` instead of
# asking helm, for tests and offline review; it needs --dry-run (a recording is not the live release).
#
# Audit: every run whose arguments parse writes one JSON line (jq-built) to stderr, prefixed "audit: ", and appends
# it to $ROLLBACK_AUDIT_LOG when that is set: {ts, event: "deploy.rollback", actor, release, namespace, from, to,
# new_revision, dry_run, outcome: rolled_back|dry_run|refused|failed, reason}.
#
# `from` is the current revision, `to` the chosen or requested target (null when unknown), `new_revision` the one the
# rollback created. Exit status: 0 rolled back or dry run; 1 refused or failed (audited, except when jq is missing
# or ROLLBACK_AUDIT_LOG is not writable); 2 usage error (not audited).
# Needs bash 4+, jq, and helm 3 (unless --history-file); HELM overrides the helm binary (default: helm on PATH).
set -euo pipefail

HELM="${HELM:-helm}"

release=""
namespace="${HELM_NAMESPACE:-default}"
to_revision=""
dry_run=false
timeout="5m"
history_file=""

# What the audit line reports; set as the run learns them.
audit_from=""
audit_to=""
audit_new_revision=""
audit_enabled=false

tmp_dir=""

usage() {
  cat <<'EOF'
Usage: scripts/rollback.sh --release NAME [options]

Rolls the Helm release NAME back to its previous successful revision: the newest revision older than the current
(newest) one that was deployed successfully (superseded or deployed) and whose content differs from the current
revision's ("Rollback to N" revisions hold N's content). Never a failed or pending revision.

Options:
  -r, --release NAME       Helm release (required)
  -n, --namespace NS       Kubernetes namespace (default: $HELM_NAMESPACE, else "default")
      --to-revision N      roll back to revision N instead (must be a superseded or deployed revision)
      --dry-run            print the decision and the helm command; change nothing
      --timeout DURATION   helm rollback --timeout, a Go duration (default: 5m)
      --history-file FILE  read a recorded `helm history -o json` instead of asking helm (needs --dry-run)
  -h, --help               show this help

Environment:
  HELM                 helm binary (default: helm on PATH)
  ROLLBACK_AUDIT_LOG   file to append the JSON audit line to (the line is always printed to stderr too)
  GITHUB_ACTOR, USER   the actor recorded in the audit line

Exit status: 0 rolled back or dry run, 1 refused or failed, 2 usage error.
EOF
}

log() { printf 'rollback: %s\n' "$*" >&2; }

usage_error() {
  log "error: $*"
  usage >&2
  exit 2
}

first_line() { # <text>: its first non-empty line, without helm's "Error: " prefix
  local line
  while IFS= read -r line; do
    if [[ -n "$line" ]]; then
      printf '%s' "${line#Error: }"
      return 0
    fi
  done <<<"$1"
}

audit() { # <outcome> <reason>
  if [[ "$audit_enabled" != true ]]; then return 0; fi
  local line
  line="$(jq -cn \
    --arg actor "${GITHUB_ACTOR:-${USER:-$(id -un 2>/dev/null || echo unknown)}}" \
    --arg release "$release" \
    --arg namespace "$namespace" \
    --arg from "$audit_from" \
    --arg to "$audit_to" \
    --arg new_revision "$audit_new_revision" \
    --arg dry_run "$dry_run" \
    --arg outcome "$1" \
    --arg reason "$2" \
    'def revision: if . == "" then null else tonumber end;
     {ts: (now | todate), event: "deploy.rollback", actor: $actor, release: $release, namespace: $namespace,
      from: ($from | revision), to: ($to | revision), new_revision: ($new_revision | revision),
      dry_run: ($dry_run == "true"), outcome: $outcome, reason: $reason}')"
  printf 'audit: %s\n' "$line" >&2
  if [[ -n "${ROLLBACK_AUDIT_LOG:-}" ]]; then
    printf '%s\n' "$line" >>"$ROLLBACK_AUDIT_LOG" || log "warning: could not append the audit line to $ROLLBACK_AUDIT_LOG"
  fi
}

refuse() { # <reason>: exit 1, audited as refused (nothing was changed)
  log "error: $1"
  audit refused "$1"
  exit 1
}

fail() { # <reason>: exit 1, audited as failed (something we needed did not work)
  log "error: $1"
  audit failed "$1"
  exit 1
}

parse_args() {
  local arg value inline
  while (($# > 0)); do
    arg="$1"
    value=""
    inline=false
    if [[ "$arg" == --*=* ]]; then
      value="${arg#*=}"
      arg="${arg%%=*}"
      inline=true
    fi
    case "$arg" in
      -h | --help | --dry-run)
        if [[ "$inline" == true ]]; then usage_error "$arg takes no value"; fi
        if [[ "$arg" == --dry-run ]]; then
          dry_run=true
        else
          usage
          exit 0
        fi
        shift
        ;;
      -r | --release | -n | --namespace | --to-revision | --timeout | --history-file)
        if [[ "$inline" == true ]]; then
          shift
        else
          if (($# < 2)) || [[ "$2" == -* ]]; then usage_error "$arg needs a value"; fi
          value="$2"
          shift 2
        fi
        if [[ -z "$value" ]]; then usage_error "$arg needs a value"; fi
        case "$arg" in
          -r | --release) release="$value" ;;
          -n | --namespace) namespace="$value" ;;
          --to-revision) to_revision="$value" ;;
          --timeout) timeout="$value" ;;
          --history-file) history_file="$value" ;;
        esac
        ;;
      *) usage_error "unknown argument: $arg" ;;
    esac
  done

  if [[ -z "$release" ]]; then usage_error "--release is required"; fi
  # Helm's release-name rule (lowercase DNS-1123 subdomain, at most 53 characters).
  if ((${#release} > 53)) || ! [[ "$release" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ ]]; then
    usage_error "--release: '$release' is not a valid Helm release name"
  fi
  if ((${#namespace} > 63)) || ! [[ "$namespace" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]]; then
    usage_error "--namespace: '$namespace' is not a valid Kubernetes namespace"
  fi
  if [[ -n "$to_revision" ]] && ! [[ "$to_revision" =~ ^[1-9][0-9]{0,8}$ ]]; then
    usage_error "--to-revision must be a revision number (a positive whole number), got '$to_revision'"
  fi
  if ! [[ "$timeout" =~ ^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$ ]]; then
    usage_error "--timeout must be a Go duration such as 5m, 90s or 1h30m, got '$timeout'"
  fi
  if [[ -n "$history_file" ]]; then
    if [[ ! -f "$history_file" || ! -r "$history_file" ]]; then
      usage_error "--history-file: cannot read '$history_file'"
    fi
    if [[ "$dry_run" != true ]]; then
      usage_error "--history-file reads a recorded history, not the live release: use it with --dry-run"
    fi
  fi
}

require_helm() {
  if ! command -v "$HELM" >/dev/null 2>&1; then
    fail "helm not found (HELM=$HELM): install helm 3 or set HELM to its path"
  fi
}

# Prints the release's history (a JSON array) from --history-file or from helm; exits audited when it cannot.
read_history() {
  if [[ -n "$history_file" ]]; then
    cat "$history_file"
    return 0
  fi
  local out err
  if ! out="$("$HELM" history "$release" --namespace "$namespace" -o json --max 256 2>"$tmp_dir/history.err")"; then
    err="$(first_line "$(cat "$tmp_dir/history.err")")"
    case "$err" in
      *"cluster unreachable"* | *"connection refused"* | *"no such host"* | *"i/o timeout"*)
        fail "cannot reach the Kubernetes cluster, so the history of release $release could not be read (check KUBECONFIG and the kube context): $err"
        ;;
      *"release: not found"*)
        fail "release $release not found in namespace $namespace"
        ;;
      *)
        fail "helm history $release --namespace $namespace failed: ${err:-no error message}"
        ;;
    esac
  fi
  printf '%s\n' "$out"
}

validate_history() { # <history json> <where from>
  if ! jq -e 'type == "array" and all(.[]; type == "object" and (.revision | type) == "number"
        and (.status | type) == "string")' >/dev/null 2>&1 <<<"$1"; then
    fail "the history from $2 is not helm history JSON (an array of {revision, status, description, ...})"
  fi
  if [[ "$(jq 'length' <<<"$1")" == 0 ]]; then
    fail "release $release has no revisions in the history from $2"
  fi
}

# The decision rule (see the header) as one jq program: prints the current revision, the rule's target (or null),
# the revisions it skipped and why, the successful revisions older than the current one, and every revision's
# content origin.
decide() { # <history json>
  jq -c '
    def successful: .status == "superseded" or .status == "deployed";
    def rollback_of: (.description // "") | [capture("^Rollback to (?<n>[0-9]+)$").n | tonumber] | .[0];
    sort_by(.revision) as $history
    | (reduce $history[] as $r ({}; .[$r.revision | tostring] = $r)) as $by_revision
    | def origin($rev):
        $by_revision[$rev | tostring] as $r
        | if $r == null then $rev
          else ($r | rollback_of) as $n | if $n != null and $n < $rev then origin($n) else $rev end
          end;
      $history[-1] as $current
    | origin($current.revision) as $current_origin
    | [$history[] | select(.revision < $current.revision) | . + {origin: origin(.revision)}] | reverse
    | . as $older
    | (map(select(successful and .origin != $current_origin)) | .[0]) as $target
    | {
        current: ($current + {origin: $current_origin}),
        target: $target,
        skipped: [
          $older[] | select($target == null or .revision > $target.revision)
          | "\(.revision) \(if successful then "same content as the current revision" else .status end)"
        ],
        successful: [$older[] | select(successful) | .revision],
        origins: ([$history[] | {key: (.revision | tostring), value: origin(.revision)}] | from_entries)
      }' <<<"$1"
}

describe_revision() { # <revision json>: "5 (deployed: Rollback to 3; chart tradeflow-0.1.0, app 0.1.0)"
  jq -r '"\(.revision) (\(.status): \(.description // "" | gsub("\\s+"; " ") | rtrimstr(" ")); chart \(.chart // "?"), app \(.app_version // "?"))"' <<<"$1"
}

join_list() { # <json array of strings or numbers> <separator>
  jq -r --arg sep "$2" 'map(tostring) | join($sep)' <<<"$1"
}

main() {
  if ! command -v jq >/dev/null 2>&1; then
    log "error: jq is required (scripts/setup.sh installs it; Debian/Ubuntu: apt-get install jq)"
    exit 1
  fi
  parse_args "$@"

  if [[ -n "${ROLLBACK_AUDIT_LOG:-}" ]] && ! { : >>"$ROLLBACK_AUDIT_LOG"; } 2>/dev/null; then
    log "error: ROLLBACK_AUDIT_LOG=$ROLLBACK_AUDIT_LOG is not writable; refusing to run without the audit log"
    exit 1
  fi
  audit_enabled=true
  tmp_dir="$(mktemp -d)"
  trap 'rm -rf "$tmp_dir"' EXIT

  local source history
  if [[ -n "$history_file" ]]; then
    source="recorded history $history_file"
  else
    source="helm history"
    require_helm
  fi
  history="$(read_history)" || exit 1
  validate_history "$history" "$source"

  local decision current current_revision current_status current_description current_origin successful
  decision="$(decide "$history")"
  current="$(jq -c '.current' <<<"$decision")"
  current_revision="$(jq -r '.revision' <<<"$current")"
  current_status="$(jq -r '.status' <<<"$current")"
  current_description="$(jq -r '.description // "" | gsub("\\s+"; " ") | rtrimstr(" ")' <<<"$current")"
  current_origin="$(jq -r '.origin' <<<"$current")"
  successful="$(join_list "$(jq -c '.successful' <<<"$decision")" ', ')"
  audit_from="$current_revision"

  if [[ "$current_status" == uninstalling || "$current_status" == uninstalled ]]; then
    refuse "release $release is $current_status (revision $current_revision); this script rolls back installed releases only (to restore it, review the history and run helm rollback yourself)"
  fi

  # When the rule may not run on its own (header, point 5): why, for the log and the refusal.
  local caution=""
  case "$current_status" in
    deployed) ;;
    failed)
      if [[ "$current_description" != "Upgrade \""* ]]; then
        caution="revision $current_revision is a failed rollback or install ($current_description); helm does not record which revision a failed rollback was heading for, so this script will not guess"
      fi
      ;;
    pending-*)
      caution="revision $current_revision is stuck in $current_status: a helm operation on release $release started and did not finish (helm was interrupted, or it is still running, e.g. a CI deploy). helm refuses upgrades while it is pending and a rollback clears it; make sure nothing else is deploying (or wait for it to finish)"
      ;;
    *)
      caution="revision $current_revision has status $current_status, so the current state of release $release is unclear"
      ;;
  esac

  local target why
  if [[ -n "$to_revision" ]]; then
    audit_to="$to_revision"
    local requested
    requested="$(jq -c --argjson n "$to_revision" 'map(select(.revision == $n)) | .[0]' <<<"$history")"
    if [[ "$requested" == null ]]; then
      refuse "--to-revision $to_revision: release $release has no revision $to_revision in its history (revisions $(jq -r 'map(.revision) | "\(min)-\(max)"' <<<"$history"))"
    fi
    if ((to_revision == current_revision)); then
      refuse "--to-revision $to_revision: revision $to_revision is the current revision of release $release; nothing to roll back to"
    fi
    local requested_status
    requested_status="$(jq -r '.status' <<<"$requested")"
    if [[ "$requested_status" != superseded && "$requested_status" != deployed ]]; then
      refuse "--to-revision $to_revision: revision $to_revision of release $release is $requested_status, not a successful (superseded or deployed) revision; successful earlier revisions: ${successful:-none}"
    fi
    target="$requested"
    why="chosen with --to-revision"
    local rule_choice
    rule_choice="$(jq -r '.target.revision // "none"' <<<"$decision")"
    if [[ "$rule_choice" != "$to_revision" ]]; then why+=" (the decision rule would choose $rule_choice)"; fi
    if [[ "$(jq -r --arg n "$to_revision" '.origins[$n]' <<<"$decision")" == "$current_origin" ]]; then
      why+="; revision $to_revision holds the same content as the current revision, so the rollback re-applies it"
    fi
    if [[ -n "$caution" ]]; then
      log "warning: $caution"
      why+="; note: $caution"
      caution=""
    fi
  else
    target="$(jq -c '.target' <<<"$decision")"
    if [[ "$target" == null ]]; then
      local no_target="no earlier successful revision of release $release to roll back to (current revision $current_revision is $current_status"
      if ((current_origin != current_revision)); then no_target+=", content of revision $current_origin"; fi
      no_target+="; successful earlier revisions: ${successful:-none})"
      if [[ -n "$caution" ]]; then no_target+="; note: $caution"; fi
      refuse "$no_target"
    fi
    local rule_target skipped
    rule_target="$(jq -r '.revision' <<<"$target")"
    skipped="$(join_list "$(jq -c '.skipped' <<<"$decision")" '; ')"
    why="revision $rule_target is the newest revision before $current_revision that was deployed successfully and whose content differs from the current revision's"
    if [[ -n "$skipped" ]]; then why+=" (skipped: $skipped)"; fi
    if [[ "$current_status" == failed && -z "$caution" ]]; then
      why+="; revision $current_revision is a failed upgrade (the cluster may run part of it), so revision $rule_target is the last successful state"
    fi
    audit_to="$rule_target"
  fi

  local target_revision
  target_revision="$(jq -r '.revision' <<<"$target")"

  local -a command=("$HELM" rollback "$release" "$target_revision" --namespace "$namespace" --wait
    --timeout "$timeout" --cleanup-on-fail)
  local command_text
  printf -v command_text '%q ' "${command[@]}"
  command_text="${command_text% }"

  local current_text
  current_text="$(describe_revision "$current")"
  if ((current_origin != current_revision)); then current_text+=" [content of revision $current_origin]"; fi
  printf 'release:   %s (namespace %s; from %s)\n' "$release" "$namespace" "$source"
  printf 'current:   %s\n' "$current_text"
  printf 'target:    %s\n' "$(describe_revision "$target")"
  printf 'why:       %s\n' "$why"
  printf 'command:   %s\n' "$command_text"

  if [[ -n "$caution" ]]; then
    local confirm="$caution. If revision $target_revision is the right target, rerun with --to-revision $target_revision"
    log "warning: $confirm"
    if [[ "$dry_run" == true ]]; then
      printf 'dry run:   nothing was changed; a real run needs --to-revision (see the warning)\n'
      audit dry_run "$why; a real run needs --to-revision: $caution"
      return 0
    fi
    printf 'refused:   nothing was changed; name the target with --to-revision (see the error)\n'
    refuse "$confirm"
  fi

  if [[ "$dry_run" == true ]]; then
    printf 'dry run:   nothing was changed\n'
    audit dry_run "$why"
    return 0
  fi

  log "running: $command_text"
  local output status=0
  output="$("${command[@]}" 2>&1)" || status=$?
  if [[ -n "$output" ]]; then printf '%s\n' "$output" >&2; fi
  if ((status != 0)); then
    fail "helm rollback of release $release to revision $target_revision failed (exit $status): $(first_line "$output"); see helm history $release --namespace $namespace"
  fi

  # Report the revision the rollback created.
  local after newest
  if after="$("$HELM" history "$release" --namespace "$namespace" -o json --max 256 2>/dev/null)" &&
    newest="$(jq -c 'sort_by(.revision) | .[-1]' <<<"$after" 2>/dev/null)" && [[ "$newest" != null ]]; then
    audit_new_revision="$(jq -r '.revision' <<<"$newest")"
    printf 'result:    rolled back to revision %s; new revision %s\n' "$target_revision" "$(describe_revision "$newest")"
    if [[ "$(jq -r '.status' <<<"$newest")" != deployed ||
      "$(jq -r '.description' <<<"$newest")" != "Rollback to $target_revision" ]]; then
      log "warning: the newest revision is not a deployed \"Rollback to $target_revision\"; check helm history $release --namespace $namespace"
    fi
  else
    printf 'result:    rolled back to revision %s (could not re-read the history to name the new revision)\n' "$target_revision"
    log "warning: could not re-read the history of release $release after the rollback"
  fi
  audit rolled_back "$why"
}

main "$@"
