// The trace types the dashboard draws, and nothing else: scatter comes with the core; choropleth
// brings the geo subplot. Keep this list in step with layouts/figures.py (a test checks it).
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/choropleth'),
]);

module.exports = Plotly;
