"""DCAT-AP_IT (the profile of dati.gov.it) metadata of the catalogue and its datasets,
built with rdflib and served as RDF/XML or Turtle.

Every dataset names the publisher (an Agent with its IPA code), the contact point (an
Organization with an e-mail), its EU data theme (SOCI), update frequency and one
distribution per format, each with the EU file type and the licence chosen by the admin.
"""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL

from forum.models.base import utcnow
from forum.opendata.datasets import DATASETS, FORMATS, Dataset
from forum.opendata.settings import OpenDataSettings, get_open_data_settings
from forum.text import xml_text

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
LANGUAGE = URIRef("http://publications.europa.eu/resource/authority/language/ITA")
SERIALISATIONS = {"rdf": ("xml", "application/rdf+xml"), "ttl": ("turtle", "text/turtle")}


def _text(value: object) -> Literal:
    return Literal(xml_text(value), lang="it")


def _date(moment: datetime | None) -> Literal:
    return Literal((moment or utcnow()).date().isoformat(), datatype=XSD.date)


def _graph() -> Graph:
    graph = Graph()
    for prefix, namespace in (("dcatapit", DCATAPIT), ("dcat", DCAT), ("dct", DCTERMS),
                              ("foaf", FOAF), ("vcard", VCARD), ("owl", OWL)):
        graph.bind(prefix, namespace)
    return graph


def _agent(graph: Graph, settings: OpenDataSettings) -> URIRef:
    agent = URIRef(url_for("opendata.index", _external=True) + "#titolare")
    graph.add((agent, RDF.type, DCATAPIT.Agent))
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, DCTERMS.identifier, Literal(xml_text(settings.publisher_ipa))))
    graph.add((agent, FOAF.name, _text(settings.publisher_name)))
    return agent


def _licence(graph: Graph, settings: OpenDataSettings) -> URIRef:
    licence = URIRef(settings.licence.url)
    graph.add((licence, RDF.type, DCATAPIT.LicenseDocument))
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    graph.add((licence, DCTERMS.type, URIRef(settings.licence.adms_type)))
    graph.add((licence, FOAF.name, Literal(settings.licence.name)))
    graph.add((licence, OWL.versionInfo, Literal(settings.licence.version)))
    return licence


def _contact(graph: Graph, settings: OpenDataSettings) -> URIRef:
    contact = URIRef(url_for("opendata.index", _external=True) + "#contatto")
    graph.add((contact, RDF.type, DCATAPIT.Organization))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, _text(settings.publisher_name)))
    graph.add((contact, VCARD.hasEmail, URIRef("mailto:" + xml_text(settings.contact_email))))
    return contact


def _dataset(graph: Graph, dataset: Dataset, settings: OpenDataSettings, agent: URIRef,
             contact: URIRef, licence: URIRef) -> tuple[URIRef, datetime | None]:
    node = URIRef(dataset.metadata_url().rsplit(".", 1)[0])
    graph.add((node, RDF.type, DCATAPIT.Dataset))
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier,
               Literal(f"{xml_text(settings.publisher_ipa)}:{dataset.key}")))
    graph.add((node, DCTERMS.title, _text(dataset.title)))
    graph.add((node, DCTERMS.description, _text(dataset.description)))
    modified = dataset.modified()
    graph.add((node, DCTERMS.modified, _date(modified)))
    graph.add((node, DCAT.theme, THEME.SOCI))
    graph.add((node, DCTERMS.rightsHolder, agent))
    graph.add((node, DCTERMS.publisher, agent))
    graph.add((node, DCTERMS.accrualPeriodicity, FREQUENCY.CONT))
    graph.add((node, DCTERMS.language, LANGUAGE))
    graph.add((node, DCAT.contactPoint, contact))
    graph.add((node, DCAT.landingPage, URIRef(url_for("opendata.index", _external=True))))
    for keyword in dataset.keywords:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="it")))
    for fmt in FORMATS:
        distribution = URIRef(f"{node}#{fmt}")
        graph.add((node, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCATAPIT.Distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, _text(f"{dataset.title} ({fmt.upper()})")))
        graph.add((distribution, DCTERMS["format"], FILE_TYPE[fmt.upper()]))
        graph.add((distribution, DCAT.accessURL, URIRef(dataset.download_url(fmt))))
        graph.add((distribution, DCAT.downloadURL, URIRef(dataset.download_url(fmt))))
        graph.add((distribution, DCTERMS.license, licence))
    return node, modified


def build_graph(dataset_key: str | None = None) -> Graph:
    """The catalogue with every dataset (None), or one dataset's record."""
    settings = get_open_data_settings()
    graph = _graph()
    agent = _agent(graph, settings)
    contact = _contact(graph, settings)
    licence = _licence(graph, settings)
    chosen = [DATASETS[dataset_key]] if dataset_key else list(DATASETS.values())
    described = [_dataset(graph, d, settings, agent, contact, licence) for d in chosen]
    if dataset_key is None:
        catalogue = URIRef(url_for("opendata.catalogue", fmt="rdf", _external=True)
                           .rsplit(".", 1)[0])
        graph.add((catalogue, RDF.type, DCATAPIT.Catalog))
        graph.add((catalogue, RDF.type, DCAT.Catalog))
        graph.add((catalogue, DCTERMS.title, _text(_("Dati aperti di Officina"))))
        graph.add((catalogue, DCTERMS.description, _text(_(
            "Il catalogo dei dati aperti di Officina, la comunità delle amministrazioni "
            "pubbliche sulle politiche familiari."))))
        graph.add((catalogue, DCTERMS.publisher, agent))
        graph.add((catalogue, FOAF.homepage, URIRef(url_for("opendata.index", _external=True))))
        graph.add((catalogue, DCTERMS.language, LANGUAGE))
        modified = [m for _node, m in described if m is not None]
        graph.add((catalogue, DCTERMS.modified, _date(max(modified, default=None))))
        for node, _modified in described:
            graph.add((catalogue, DCAT.dataset, node))
    return graph


def serialise(graph: Graph, fmt: str) -> tuple[str, str]:
    """The graph as text in `fmt` ("rdf" or "ttl") and its media type."""
    name, mimetype = SERIALISATIONS[fmt]
    return graph.serialize(format=name), mimetype

