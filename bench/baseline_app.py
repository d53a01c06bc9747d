"""The naive way to build the same map: a go.Figure with the GeoJSON inline, rebuilt and resent in
full on every change, data read with pandas on each call. Used only as the benchmark's baseline."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=2)
def _geojson(level: str) -> dict:
    name = "prefectures" if level == "prefecture" else "municipalities"
    return json.loads((ROOT / "assets" / "geo" / f"{name}.geojson").read_text(encoding="utf-8"))


def naive_figure(indicator: str, year: int, level: str) -> go.Figure:
    obs = pd.read_parquet(ROOT / "data" / "observations.parquet")
    regions = pd.read_parquet(ROOT / "data" / "regions.parquet")
    df = obs[(obs.indicator_id == indicator) & (obs.year == year)].merge(regions, left_on="region_code",
                                                                          right_on="code")
    df = df[df.level == level].drop_duplicates("region_code", keep="last")
    fig = go.Figure(go.Choropleth(geojson=_geojson(level), featureidkey="id", locations=df.region_code, z=df.value,
                                  text=df.name_ja, colorscale="Viridis"))
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(title=f"{indicator} {year}")
    return fig


app = Dash(__name__, assets_folder=str(ROOT / "bench" / "no_assets"))
app.layout = html.Div([dcc.Input(id="b-ind", value="A1101"), dcc.Input(id="b-year", value="2020"),
                       dcc.Input(id="b-level", value="prefecture"), dcc.Graph(id="b-map")])


@app.callback(Output("b-map", "figure"), Input("b-ind", "value"), Input("b-year", "value"),
              Input("b-level", "value"))
def _update(ind, year, level):
    return naive_figure(ind, int(year), level)


server = app.server
