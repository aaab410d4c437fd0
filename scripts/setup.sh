#!/usr/bin/env bash
# Installs what the product and its tests need beyond node_modules:
#   moto_server (local AWS), cfn-lint (template lint), Debian chromium (dashboard browser test).
# Safe to run again; installs only what is missing. `--ci` = non-interactive.
set -uo pipefail
cd "$(dirname "$0")/.."
missing=0
need_py=()
command -v moto_server >/dev/null 2>&1 || need_py+=("moto[server]")
command -v cfn-lint >/dev/null 2>&1 || need_py+=("cfn-lint")
if [ ${#need_py[@]} -gt 0 ]; then
  echo "setup: installing ${need_py[*]} with pip"
  if ! python3 -m pip install --quiet "${need_py[@]}"; then
    echo "setup: could not install ${need_py[*]}. Install them with: python3 -m pip install 'moto[server]' cfn-lint" >&2
    missing=1
  fi
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing Debian chromium (for the dashboard browser test)"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "setup: chromium not installed; the browser test will be skipped. Install with: apt-get install chromium" >&2
  else
    echo "setup: run 'sudo apt-get install chromium' to enable the dashboard browser test" >&2
  fi
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
echo "setup: moto_server $(command -v moto_server || echo MISSING), cfn-lint $(command -v cfn-lint || echo MISSING), chromium $(command -v chromium || echo MISSING)"
exit $missing
