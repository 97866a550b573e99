#!/usr/bin/env bash
# Rebuilds static/vendor/echarts/echarts.min.js from entry.js (the chart types and components the
# dashboard uses). Needs node and the npm registry; run by hand when the dashboard needs another
# chart type or ECharts is upgraded, then commit the output. No build step at run time.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp entry.js package.json "$work/"
(cd "$work" && npm install --silent --no-audit --no-fund && npx esbuild entry.js --bundle --minify \
  --format=iife --target=es2017 --define:process.env.NODE_ENV='"production"' --legal-comments=none --outfile=echarts.min.js)
out=../../static/vendor/echarts
version=$(node -p "require('$work/node_modules/echarts/package.json').version")
cp "$work/echarts.min.js" "$out/echarts.min.js"
cp "$work/node_modules/echarts/LICENSE" "$out/LICENSE"
cat > "$out/VERSION" <<TXT
Apache ECharts $version, a custom build (static-src/echarts/entry.js: bar and pie charts, grid, tooltip,
legend, SVG renderer) made by static-src/echarts/build.sh with esbuild; LICENSE from the npm package.
TXT
ls -l "$out/echarts.min.js"
