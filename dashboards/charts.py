"""Plotly figures of the dashboards. They take query results as they come and only lay them
out: no figure computes what the marts already hold.

The map uses the départements' boundaries shipped in ``static/departements.geojson`` (Natural
Earth, public domain — "Made with Natural Earth"). It is a MapLibre choropleth on the blank
``white-bg`` style: plotly's ``geo`` maps fetch a world topojson from a CDN at display time,
which a closed network refuses (the map then stays empty). The browser fetches the 400 KB
boundaries once from Streamlit's static files (``server.enableStaticServing``) instead of
receiving them inside every rerun's chart; without static serving they travel inline.
Overseas départements are far from the mainland, so the map frames metropolitan France and
the DROM values stay in its table.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import plotly.express as px
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards.display import is_ratio
from dashboards.small_counts import NOT_RECEIVED_LABEL, SECRET_LABEL, secret_mask
from dashboards.ui import STATUS_COLOURS
from data_contracts.french_format import PLOTLY_SEPARATORS, fr_percent, fr_short_month

GEOJSON_PATH = Path(__file__).parent / "static" / "departements.geojson"
GEOJSON_URL = "app/static/departements.geojson"  # relative: works under any base URL path
MAP_ATTRIBUTION = "Fond de carte : Natural Earth (domaine public)."
DROM_CODES = frozenset({"971", "972", "973", "974", "976"})
# Light to dark blue: the lowest value stays visible against the white background.
MAP_COLOURS = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]


@lru_cache(maxsize=1)
def departements_geojson() -> dict:
    return json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _metro_geojson() -> dict:
    every = departements_geojson()
    return {"type": "FeatureCollection",
            "features": [f for f in every["features"] if f["properties"]["code"] not in DROM_CODES]}


#: Axis ticks and hover values as French numbers: d3's "," groups thousands (« 700 000 »
#: with the layout's French separators) where plotly's default writes « 700k ».
FRENCH_NUMBER_AXIS = {"tickformat": ",", "hoverformat": ",.4~r"}
_PERCENT_TICKS = [i / 10 for i in range(0, 11, 2)]


def _layout(fig: go.Figure, title: str) -> go.Figure:
    """Title, margins and French number separators (decimal comma, narrow no-break space)."""
    fig.update_layout(title=title, margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      legend_title_text="", separators=PLOTLY_SEPARATORS)
    return fig


def _percent_axis(fig: go.Figure, axis: str = "y") -> None:
    """A 0–1 ratio axis read « 0 % … 100 % » (d3's ".0%" writes « 100% », without the space)."""
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(range=[0, 1.05], tickvals=_PERCENT_TICKS, ticktext=[fr_percent(v) for v in _PERCENT_TICKS],
           hoverformat=".1%")


def _french_months(frame: pl.DataFrame, x: str) -> pl.DataFrame:
    """Month codes as axes read them (« janv. 2026 »): plotly would date them « Jan 2026 »."""
    if x != "month_code" or frame.is_empty():
        return frame
    return frame.sort(x).with_columns(pl.col(x).map_elements(fr_short_month, return_dtype=pl.String))


def choropleth(frame: pl.DataFrame, indicator: str, label: str) -> go.Figure:
    """Métropole coloured by ``indicator``; ``frame`` has ``departement_code``/``_name``."""
    metro = frame.filter(~pl.col("departement_code").is_in(list(DROM_CODES)))
    served = st.get_option("server.enableStaticServing")
    fig = px.choropleth_map(
        metro, geojson=GEOJSON_URL if served else departements_geojson(), locations="departement_code",
        featureidkey="properties.code", color=indicator, hover_name="departement_name",
        color_continuous_scale=MAP_COLOURS, labels={indicator: label, "departement_code": "Code"},
        map_style="white-bg", center={"lat": 46.6, "lon": 2.4}, zoom=4.4, height=600,
    )
    # Hidden cells and missing reports each get their own colour and legend entry (both are
    # null, and the colour scale alone would leave both white).
    secret = secret_mask(metro, indicator)
    missing = metro[indicator].is_null() & ~secret
    for flags, label, colour in ((secret, SECRET_LABEL, "#9e9e9e"), (missing, NOT_RECEIVED_LABEL, "#ffffff")):
        codes = metro.filter(flags)["departement_code"].to_list()
        if codes:
            fig.add_trace(go.Choroplethmap(
                geojson=GEOJSON_URL if served else departements_geojson(), locations=codes,
                featureidkey="properties.code", z=[0] * len(codes),
                colorscale=[[0, colour], [1, colour]], showscale=False, name=label, showlegend=True,
                marker_line_color="#9e9e9e", hovertemplate=f"%{{location}} — {label}<extra></extra>"))
    fig.update_layout(legend={"orientation": "h", "y": -0.02})
    fig.update_coloraxes(colorbar_tickformat=",")
    # Every metropolitan boundary as a grey base layer, so a map of a few départements
    # (a regional role, missing reports) still reads as France.
    fig.update_layout(map_layers=[{"source": GEOJSON_URL if served else _metro_geojson(),
                                   "sourcetype": "geojson",
                                   "type": "line", "color": "#9e9e9e", "line": {"width": 0.6}}])
    return _layout(fig, label)


#: plotly express spends a tenth of a second per figure validating and building it, and a page
#: rebuilds every chart on each rerun (each click): figures depend only on their arguments, so
#: they are cached like the data (measured at ×100 volume, with the settings no longer rebuilt at
#: each call: a cached render of « Suivis et actions » went from 0.3–0.4 s to ~0.12 s).
_FIGURE_CACHE = {"show_spinner": False, "max_entries": 500}


@st.cache_data(**_FIGURE_CACHE)
def trend(frame: pl.DataFrame, x: str, series: dict[str, str], title: str,
          percent: bool = False, shared_axis: bool = True) -> go.Figure:
    """Lines over time, one per measure (``series``: column → French label). Measures of
    different sizes (a stock and a weekly flow) get one panel each with its own axis."""
    frame = _french_months(frame, x)
    long = frame.select([x, *series]).unpivot(index=x, variable_name="mesure", value_name="valeur")
    long = long.with_columns(pl.col("mesure").replace_strict(series))
    facets = {} if shared_axis else {"facet_row": "mesure", "facet_row_spacing": 0.08}
    fig = px.line(long, x=x, y="valeur", color="mesure", markers=True,
                  labels={x: "Période", "valeur": "", "mesure": ""}, **facets)
    if not shared_axis:
        fig.update_yaxes(matches=None, rangemode="tozero")
        fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
        fig.update_layout(height=220 * len(series) + 80, showlegend=False)
    if percent:
        _percent_axis(fig)
    else:
        fig.update_yaxes(**FRENCH_NUMBER_AXIS)
    _mark_secrets(fig, frame, x, series)
    fig.update_xaxes(type="category")
    return _layout(fig, title)


def _mark_secrets(fig: go.Figure, frame: pl.DataFrame, x: str, series: dict[str, str]) -> None:
    """A grey cross on the axis where a value is hidden (secret statistique), in the legend
    once: a gap alone would read as a missing report."""
    axes = {t.name: (t.xaxis, t.yaxis) for t in fig.data}
    shown = False
    for column, label in series.items():
        flags = secret_mask(frame, column)
        if not flags.any():
            continue
        xaxis, yaxis = axes.get(label, ("x", "y"))
        fig.add_trace(go.Scatter(
            x=frame.filter(flags)[x].to_list(), y=[0] * int(flags.sum()), mode="markers",
            marker={"symbol": "x", "color": "#616161", "size": 9}, name=SECRET_LABEL,
            legendgroup="secret", showlegend=not shown, xaxis=xaxis, yaxis=yaxis,
            hovertemplate=f"%{{x}} — {label} : {SECRET_LABEL}<extra></extra>"))
        shown = True


@st.cache_data(**_FIGURE_CACHE)
def bars(frame: pl.DataFrame, x: str, y: str, title: str, labels: dict[str, str] | None = None,
         color: str | None = None, horizontal: bool = False) -> go.Figure:
    frame = _french_months(frame, x)
    fig = (px.bar(frame, y=x, x=y, color=color, labels=labels or {}, orientation="h")
           if horizontal else px.bar(frame, x=x, y=y, color=color, labels=labels or {}))
    value_axis = "x" if horizontal else "y"
    if is_ratio(y):
        _percent_axis(fig, value_axis)
    else:
        (fig.update_xaxes if horizontal else fig.update_yaxes)(**FRENCH_NUMBER_AXIS)
    if x == "month_code":
        fig.update_xaxes(type="category")
    return _layout(fig, title)


def status_heatmap(grid: pl.DataFrame, title: str) -> go.Figure:
    """Département × week, one colour per status (à l'heure, en retard, néant, manquant)."""
    order = list(STATUS_COLOURS)
    codes = {label: i for i, label in enumerate(order)}
    weeks = sorted(grid["week_code"].unique().to_list())
    labels = (grid.select("departement_code", "departement_name").unique()
              .sort("departement_code"))
    rows = [f"{c} {n}" for c, n in labels.iter_rows()]
    lookup = {(d, w): s for d, w, s in grid.select("departement_code", "week_code", "status").iter_rows()}
    z = [[codes.get(lookup.get((code, w)), None) for w in weeks] for code in labels["departement_code"]]
    text = [[lookup.get((code, w), "") for w in weeks] for code in labels["departement_code"]]
    n = len(order)
    scale = []
    for i, label in enumerate(order):
        scale += [[i / n, STATUS_COLOURS[label]], [(i + 1) / n, STATUS_COLOURS[label]]]
    fig = go.Figure(go.Heatmap(
        z=z, x=weeks, y=rows, text=text, zmin=-0.5, zmax=n - 0.5, colorscale=scale,
        hovertemplate="%{y}<br>%{x} : %{text}<extra></extra>", xgap=1, ygap=1,
        colorbar={"tickvals": list(range(n)), "ticktext": order, "title": "", "len": 260,
                  "lenmode": "pixels", "yanchor": "top", "y": 1}))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category")
    fig.update_layout(height=max(320, 18 * len(rows) + 120))
    return _layout(fig, title)
