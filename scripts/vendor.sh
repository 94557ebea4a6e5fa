#!/usr/bin/env bash
# Fetches the pages' browser libraries (htmx, mermaid, Chart.js) from the npm registry at the exact
# versions in package-lock.json and copies their minified dist files to static/vendor (git-ignored).
# No build step: the server serves these files as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  echo "npm is missing: run 'sudo apt-get install -y npm' (or make as root)" >&2
  exit 1
fi
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
mkdir -p static/vendor
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
cp node_modules/mermaid/dist/mermaid.min.js static/vendor/mermaid.min.js
cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chart.umd.min.js
touch static/vendor/.stamp
