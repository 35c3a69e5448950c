#!/usr/bin/env bash
# Copy the front-end libraries installed from the npm registry (package-lock.json) into the
# git-ignored static/vendor/ folder. Nothing is ever fetched from a CDN at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
rm -rf static/vendor.tmp
mkdir -p static/vendor.tmp/bootstrap static/vendor.tmp/echarts
cp node_modules/bootstrap/dist/css/bootstrap.min.css{,.map} static/vendor.tmp/bootstrap/
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js{,.map} static/vendor.tmp/bootstrap/
cp node_modules/bootstrap/LICENSE static/vendor.tmp/bootstrap/LICENSE
cp node_modules/echarts/dist/echarts.min.js static/vendor.tmp/echarts/
cp node_modules/echarts/LICENSE static/vendor.tmp/echarts/LICENSE
rm -rf static/vendor
mv static/vendor.tmp static/vendor
