// plotly.js as the dashboard uses it, and nothing else. This mirrors plotly.js/src/core.js (read it
// when upgrading) but registers only the components our figures use: annotations (source lines),
// shapes (reference lines), error bars (ranges), colorbar/colorscale, legend, hover (fx), grid and the modebar. Left out:
// 3-D annotations, selections, update menus, sliders, range sliders/selectors, images.
// Traces: scatter comes with the core; bar, heatmap and choropleth (which brings the geo subplot).
// Keep the lists in step with layouts/figures.py (tests/test_plotly_bundle.py checks both).
exports.version = require('plotly.js/src/version').version;
require('plotly.js/build/plotcss');

var Registry = require('plotly.js/src/registry');
var register = exports.register = Registry.register;

var plotApi = require('plotly.js/src/plot_api');
Object.keys(plotApi).forEach(function (name) {
    if (name.charAt(0) !== '_') exports[name] = plotApi[name];
    register({moduleType: 'apiMethod', name: name, fn: plotApi[name]});
});

register(require('plotly.js/src/traces/scatter'));
register([
    require('plotly.js/src/components/annotations'),
    require('plotly.js/src/components/shapes'),
    require('plotly.js/src/components/grid'),
    require('plotly.js/src/components/errorbars'),
    require('plotly.js/src/components/colorscale'),
    require('plotly.js/src/components/colorbar'),
    require('plotly.js/src/components/legend'),   // after shapes, as in core.js
    require('plotly.js/src/components/fx'),       // after legend, as in core.js
    require('plotly.js/src/components/modebar')
]);
register([require('plotly.js/src/locale-en'), require('plotly.js/src/locale-en-us')]);

exports.Icons = require('plotly.js/src/fonts/ploticon');
var Fx = require('plotly.js/src/components/fx');
var Plots = require('plotly.js/src/plots/plots');
exports.Plots = {resize: Plots.resize, graphJson: Plots.graphJson, sendDataToCloud: Plots.sendDataToCloud};
exports.Fx = {hover: Fx.hover, unhover: Fx.unhover, loneHover: Fx.loneHover, loneUnhover: Fx.loneUnhover};
exports.Snapshot = require('plotly.js/src/snapshot');
exports.PlotSchema = require('plotly.js/src/plot_api/plot_schema');

register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/choropleth'),
]);
