"""DCAT-AP_IT records parsed back with rdflib: the catalogue, the datasets, their
distributions, licence, publisher and contact point; admin changes show up."""

from __future__ import annotations

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from forum.opendata.settings import set_open_data_settings
from tests.factories import make_practice, make_user

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
BASE = "http://localhost/dati"


def _graph(client, path: str, fmt: str) -> Graph:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200, path
    return Graph().parse(data=response.get_data(as_text=True), format=fmt)


def _one(graph: Graph, subject, predicate):  # type: ignore[no-untyped-def]
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def test_catalogue_has_the_required_classes_and_properties(client, app):
    make_practice()
    for path, fmt in (("/dati/catalogo.rdf", "xml"), ("/dati/catalogo.ttl", "turtle")):
        graph = _graph(client, path, fmt)
        catalogue = URIRef(f"{BASE}/catalogo")
        assert (catalogue, RDF.type, DCATAPIT.Catalog) in graph
        for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.modified):
            _one(graph, catalogue, predicate)
        assert _one(graph, catalogue, FOAF.homepage) == URIRef(BASE)
        datasets = set(graph.objects(catalogue, DCAT.dataset))
        assert datasets == {URIRef(f"{BASE}/buone-pratiche"), URIRef(f"{BASE}/domande-risposte")}
        publisher = _one(graph, catalogue, DCTERMS.publisher)
        assert (publisher, RDF.type, DCATAPIT.Agent) in graph
        assert _one(graph, publisher, DCTERMS.identifier) == Literal("officina")
        _one(graph, publisher, FOAF.name)
        for dataset in datasets:
            _check_dataset(graph, dataset)


def _check_dataset(graph: Graph, dataset: URIRef) -> None:
    assert (dataset, RDF.type, DCATAPIT.Dataset) in graph
    key = str(dataset).rsplit("/", 1)[1]
    assert _one(graph, dataset, DCTERMS.identifier) == Literal(f"officina:{key}")
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.modified):
        _one(graph, dataset, predicate)
    assert _one(graph, dataset, DCAT.theme) == URIRef(EU + "data-theme/SOCI")
    assert _one(graph, dataset, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/CONT")
    agent = _one(graph, dataset, DCTERMS.publisher)
    assert _one(graph, dataset, DCTERMS.rightsHolder) == agent
    contact = _one(graph, dataset, DCAT.contactPoint)
    assert (contact, RDF.type, DCATAPIT.Organization) in graph
    assert _one(graph, contact, VCARD.hasEmail) == URIRef("mailto:dati@officina.example")
    distributions = set(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) == 2
    formats = set()
    for distribution in distributions:
        assert (distribution, RDF.type, DCATAPIT.Distribution) in graph
        formats.add(_one(graph, distribution, DCTERMS["format"]))
        download = str(_one(graph, distribution, DCAT.downloadURL))
        assert download.startswith("http://localhost/") and download.endswith((".csv", ".json"))
        _one(graph, distribution, DCAT.accessURL)
        licence = _one(graph, distribution, DCTERMS.license)
        assert licence == URIRef("https://creativecommons.org/licenses/by/4.0/")
        assert (licence, RDF.type, DCATAPIT.LicenseDocument) in graph
    assert formats == {URIRef(EU + "file-type/CSV"), URIRef(EU + "file-type/JSON")}


def test_each_dataset_has_its_own_record(client, app):
    for key in ("buone-pratiche", "domande-risposte"):
        for ext, fmt in (("rdf", "xml"), ("ttl", "turtle")):
            graph = _graph(client, f"/dati/{key}.{ext}", fmt)
            _check_dataset(graph, URIRef(f"{BASE}/{key}"))
            assert not list(graph.subjects(RDF.type, DCATAPIT.Catalog))
    assert client.get("/dati/sconosciuto.rdf").status_code == 404
    assert client.get("/dati/catalogo.xml").status_code == 404


def test_settings_changes_show_up_in_the_records(client, app):
    set_open_data_settings(make_user("admin"), licence="cc-by-sa-4.0",
                           publisher_name="Comune di Valverde", publisher_ipa="c_v123",
                           contact_email="opendata@valverde.example.it")
    graph = _graph(client, "/dati/catalogo.ttl", "turtle")
    dataset = URIRef(f"{BASE}/buone-pratiche")
    assert _one(graph, dataset, DCTERMS.identifier) == Literal("c_v123:buone-pratiche")
    agent = _one(graph, dataset, DCTERMS.publisher)
    assert _one(graph, agent, DCTERMS.identifier) == Literal("c_v123")
    assert str(_one(graph, agent, FOAF.name)) == "Comune di Valverde"
    contact = _one(graph, dataset, DCAT.contactPoint)
    assert _one(graph, contact, VCARD.hasEmail) == URIRef("mailto:opendata@valverde.example.it")
    licences = {o for o in graph.objects(None, DCTERMS.license)}
    assert licences == {URIRef("https://creativecommons.org/licenses/by-sa/4.0/")}
