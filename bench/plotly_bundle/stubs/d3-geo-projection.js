// Stands in for d3-geo-projection's extra projections: our maps use mercator, which d3-geo itself
// provides (plotly.js looks there first). tests/test_plotly_bundle.py checks no figure asks for another.
module.exports = {};
