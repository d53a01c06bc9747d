#!/usr/bin/env bash
# Build assets/plotly-chiiki.min.js: plotly.js with only the trace types the app uses, from the npm
# release whose version plotly.py ships (package.json pins it; tests/test_plotly_bundle.py checks).
# Needs Node.js and the npm registry. Writes the bundle, its licence and its sha256 under assets/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
npm ci --no-audit --no-fund --ignore-scripts --silent
version="$(node -p "require('plotly.js/package.json').version")"
out="$root/assets/plotly-chiiki.min.js"
# The same settings plotly.js's own esbuild configuration uses for its dist bundles; CSS is only
# required by the map (maplibre) traces, which are not in this bundle.
./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false --define:process.env.NODE_DEBUG=false \
  --loader:.css=empty --legal-comments=none --log-level=warning \
  --banner:js="/* plotly.js v$version partial bundle for chiiki: core (scatter), bar, heatmap, choropleth. MIT licence: plotly-chiiki.LICENSE.txt */" \
  --outfile="$out"
cp node_modules/plotly.js/LICENSE "$root/assets/plotly-chiiki.LICENSE.txt"
(cd "$root/assets" && sha256sum plotly-chiiki.min.js > plotly-chiiki.min.js.sha256)
echo "built $out (plotly.js $version): $(wc -c < "$out") bytes, $(gzip -9 -c "$out" | wc -c) gzipped"
