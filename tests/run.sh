#!/usr/bin/env bash
# The whole test suite: `npm test` (or `npm test -- unit|integration|security|e2e …` for a part).
# Installs what the lab needs on first use, builds the console for the browser tests,
# then runs every selected test file in one node:test run so there is one summary.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(unit integration security e2e)

needs_lab=0
needs_build=0
files=()
for suite in "${suites[@]}"; do
  case "$suite" in
    unit) needs_lab=1 ;; # a few unit tests run real tools too (sh, patch)
    integration) needs_lab=1 ;;
    security) needs_lab=1; needs_build=1 ;; # attacks on the built console and on test hosts
    e2e) needs_lab=1; needs_build=1 ;;
    *) echo "unknown suite '$suite' (use unit, integration, security or e2e)" >&2; exit 2 ;;
  esac
  shopt -s nullglob
  files+=(tests/"$suite"/*.test.ts)
  shopt -u nullglob
done

if [ "$needs_lab" = 1 ]; then
  bash tests/lab/ensure-packages.sh
fi
if [ "$needs_build" = 1 ]; then
  echo "== building the console for the browser tests"
  npx next build > tests/.build.log 2>&1 || { tail -50 tests/.build.log; exit 1; }
fi

[ ${#files[@]} -gt 0 ] || { echo "no test files in: ${suites[*]}" >&2; exit 1; }
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
