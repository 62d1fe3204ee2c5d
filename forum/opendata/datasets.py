"""The datasets the site publishes as open data, described once: the /dati page, the
downloads and the DCAT-AP_IT records all read this table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Response, url_for
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address

from forum.extensions import limiter
from forum.limits import config_limit
from forum.opendata import exports, queries
from forum.opendata.settings import OpenDataSettings, get_open_data_settings
from forum.practices import transfer

FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Dataset:
    """One dataset: its stable key (used in URLs and identifiers), what it is, how its
    records are read and flattened, and when it last changed."""

    key: str
    title: Any
    description: Any
    keywords: tuple[str, ...]
    columns: Sequence[str]
    json_key: str
    records: Callable[[], Iterable[dict[str, Any]]]
    csv_row: Callable[[dict[str, Any]], dict[str, Any]]
    modified: Callable[[], datetime | None]
    download_endpoint: str

    def download_url(self, fmt: str) -> str:
        """The absolute address of the file in `fmt`."""
        return url_for(self.download_endpoint, fmt=fmt, _external=True)

    def metadata_url(self, fmt: str = "rdf") -> str:
        """The absolute address of its DCAT-AP_IT record."""
        return url_for("opendata.dataset_metadata", dataset=self.key, fmt=fmt, _external=True)


DATASETS: dict[str, Dataset] = {d.key: d for d in (
    Dataset(
        key="buone-pratiche",
        title=_l("Buone pratiche delle amministrazioni sulle politiche familiari"),
        description=_l(
            "Le buone pratiche pubblicate su Officina: ente promotore, territorio, temi, "
            "destinatari, risultati, valutazione e trasferibilità di ogni iniziativa."),
        keywords=("politiche familiari", "buone pratiche", "pubblica amministrazione"),
        columns=transfer.COLUMNS, json_key="practices",
        records=transfer.published_records, csv_row=transfer.csv_row,
        modified=queries.practices_modified, download_endpoint="practices.export",
    ),
    Dataset(
        key="domande-risposte",
        title=_l("Domande e risposte accettate sulle politiche familiari"),
        description=_l(
            "Le domande pubbliche della comunità di Officina con la risposta accettata, "
            "senza dati personali: dell'autore è indicato solo il tipo di ente."),
        keywords=("politiche familiari", "domande e risposte", "pubblica amministrazione"),
        columns=queries.QUESTION_COLUMNS, json_key="questions",
        records=queries.question_records, csv_row=queries.question_csv_row,
        modified=queries.questions_modified, download_endpoint="opendata.questions_export",
    ),
)}


def metadata(dataset: Dataset, settings: OpenDataSettings | None = None) -> dict[str, Any]:
    """What a JSON download says about itself: title, licence, publisher, DCAT record."""
    settings = settings or get_open_data_settings()
    modified = dataset.modified()
    return {
        "identifier": f"{settings.publisher_ipa}:{dataset.key}",
        "title": str(dataset.title),
        "description": str(dataset.description),
        "license": {"name": settings.licence.name, "url": settings.licence.url,
                    "spdx": settings.licence.spdx},
        "publisher": {"name": settings.publisher_name, "ipa_code": settings.publisher_ipa},
        "contact_email": settings.contact_email,
        "modified": None if modified is None else modified.isoformat() + "Z",
        "dcat": dataset.metadata_url(),
    }


def download(dataset: Dataset, fmt: str) -> Response:
    """The dataset as a streamed CSV or JSON file with its licence."""
    return exports.download(
        fmt, filename=dataset.key, columns=dataset.columns, records=dataset.records,
        csv_row=dataset.csv_row, key=dataset.json_key, metadata=metadata(dataset))


# A whole export holds a worker for seconds (20,000 threads: ~7 s): a per-address limit
# keeps a loop of downloads from taking every worker. Harvesters fetch once a day.
export_limit = limiter.shared_limit(config_limit("EXPORT_LIMIT"), scope="open-data-export",
                                    key_func=get_remote_address)
