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
# required by the map (maplibre) traces, which are not in this bundle. Two dependencies the app never
# reaches (extra projections, country-name lookup) are replaced by the stubs in stubs/.
./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false --define:process.env.NODE_DEBUG=false \
  --loader:.css=empty --legal-comments=none \
  --alias:d3-geo-projection=./stubs/d3-geo-projection.js --alias:country-iso-search=./stubs/country-iso-search.js --log-level=warning \
  --banner:js="/* plotly.js v$version partial bundle for chiiki: core (scatter; annotations, shapes, colorbar, legend, hover, modebar), bar, heatmap, choropleth (mercator, geojson ids). MIT licence: plotly-chiiki.LICENSE.txt */" \
  --outfile="$out"
cp node_modules/plotly.js/LICENSE "$root/assets/plotly-chiiki.LICENSE.txt"
# Dash's component bundles call regeneratorRuntime (Babel's async/await helper) and expect Babel's
# whole polyfill (34 KB gzipped) to provide it; app.py drops that polyfill and this 2 KB runtime,
# loaded as an asset before the renderer, provides the one thing they use from it.
rt_version="$(node -p "require('regenerator-runtime/package.json').version")"
./node_modules/.bin/esbuild node_modules/regenerator-runtime/runtime.js --minify --target=es2016 \
  --legal-comments=none --log-level=warning \
  --banner:js="/* regenerator-runtime v$rt_version (Meta, MIT licence: regenerator-runtime.LICENSE.txt) */" \
  --outfile="$root/assets/regenerator-runtime.min.js"
cp node_modules/regenerator-runtime/LICENSE "$root/assets/regenerator-runtime.LICENSE.txt"
(cd "$root/assets" && sha256sum plotly-chiiki.min.js regenerator-runtime.min.js > plotly-chiiki.min.js.sha256)
echo "built $out (plotly.js $version): $(wc -c < "$out") bytes, $(gzip -9 -c "$out" | wc -c) gzipped"
