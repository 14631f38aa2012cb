#!/bin/sh
# Check every plan in a folder against its budgets: the CI step of docs/plans-in-ci.md.
#
#   docs/examples/check-plans.sh [PLANS_DIR] [BASE_REV]
#
# Exit 1 when a budget is missed, 2 when a plan cannot be read (the one-line message says why), 0 otherwise.
# Writes $REPORTS/archplan-budgets.xml (JUnit XML: one test case per budget, for the CI's test report)
# and $REPORTS/<plan>.md (a pull-request comment; compared with BASE_REV when the plan exists there).
# ARCHPLAN is the command to run (default: archplan, as installed with pip).
set -eu
plans_dir="${1:-plans}"
base="${2:-}"
reports="${REPORTS:-reports}"
archplan="${ARCHPLAN:-archplan}"

set -- "$plans_dir"/*.json
if [ ! -e "$1" ]; then
  echo "check-plans: no plan in $plans_dir"
  exit 0
fi
mkdir -p "$reports"

status=0
$archplan check "$@" --junit "$reports/archplan-budgets.xml" || status=$?

for plan in "$@"; do
  summary="$reports/$(basename "$plan" .json).md"
  if [ -n "$base" ] && git cat-file -e "$base:$plan" 2>/dev/null; then
    $archplan check "$plan" --markdown "$summary" --base "git:$base:$plan" > /dev/null || true
  else
    $archplan check "$plan" --markdown "$summary" > /dev/null || true
  fi
done
exit "$status"
