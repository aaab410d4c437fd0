#!/usr/bin/env bash
# The README's test command (`npm test`): type-check, lint (Biome + knip), then every jest project.
# Integration/e2e suites start their own stand-ins and moto_server and stop them afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck" && npx tsc --noEmit -p .
echo "== lint: biome + knip" && npm run --silent lint
echo "== jest: unit + integration (parallel workers)" && npx jest --ci --selectProjects unit integration "$@"
# e2e suites share one build dir (.esbuild) through `sls`, so they run one at a time.
echo "== jest: e2e (serial)" && npx jest --ci --selectProjects e2e --runInBand --passWithNoTests "$@"
