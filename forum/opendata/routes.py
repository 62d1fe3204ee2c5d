"""Open data: the /dati page, the questions download and the DCAT-AP_IT records of the
catalogue and of each dataset (the practices download stays at /buone-pratiche/export.*)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from forum.opendata import dcat
from forum.opendata.datasets import DATASETS, FORMATS, download, export_limit
from forum.opendata.settings import get_open_data_settings

bp = Blueprint("opendata", __name__)

DATASET_KEYS = "any(" + ", ".join(f'"{key}"' for key in DATASETS) + ")"
RDF_FORMATS = "any(" + ", ".join(f'"{fmt}"' for fmt in dcat.SERIALISATIONS) + ")"


@bp.route("/dati")
def index():
    """The datasets, their formats, licence, last change and DCAT-AP_IT records."""
    datasets = [(dataset, dataset.modified()) for dataset in DATASETS.values()]
    return render_template("opendata/index.html", datasets=datasets, formats=FORMATS,
                           settings=get_open_data_settings())


@bp.route("/dati/domande-risposte.<any(csv, json):fmt>")
@export_limit
def questions_export(fmt: str):
    """Public questions and their accepted answers, streamed, without personal data."""
    return download(DATASETS["domande-risposte"], fmt)


def _rdf(graph_key: str | None, fmt: str) -> Response:
    text, mimetype = dcat.serialise(dcat.build_graph(graph_key), fmt)
    return Response(text, mimetype=mimetype, headers={"Cache-Control": "public, max-age=300"})


@bp.route(f"/dati/catalogo.<{RDF_FORMATS}:fmt>")
def catalogue(fmt: str):
    """The DCAT-AP_IT catalogue with every dataset (RDF/XML or Turtle)."""
    return _rdf(None, fmt)


@bp.route(f"/dati/<{DATASET_KEYS}:dataset>.<{RDF_FORMATS}:fmt>")
def dataset_metadata(dataset: str, fmt: str):
    """The DCAT-AP_IT record of one dataset (RDF/XML or Turtle)."""
    return _rdf(dataset, fmt)
