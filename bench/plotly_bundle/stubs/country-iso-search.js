// Stands in for the country-name lookup behind locationmode "country names": our choropleths locate
// regions by GeoJSON feature id, never by country. tests/test_plotly_bundle.py checks that.
module.exports = {
    COUNTRIES: [],
    createLookup: function () { return {lookupAlpha3: function () { return undefined; }}; }
};
