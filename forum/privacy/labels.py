"""Words for request kinds and statuses, translated when shown."""

from __future__ import annotations

from flask_babel import gettext as _

from forum.models import RequestKind, RequestStatus
from forum.taxonomy import N_

KINDS = {RequestKind.EXPORT: N_("Esportazione dei dati"),
         RequestKind.DELETION: N_("Eliminazione dell'account")}
STATUSES = {RequestStatus.PENDING: N_("In corso"), RequestStatus.READY: N_("Pronta"),
            RequestStatus.EXPIRED: N_("Scaduta"), RequestStatus.CANCELLED: N_("Annullata"),
            RequestStatus.COMPLETED: N_("Eseguita")}


def kind_label(kind: str) -> str:
    """"Esportazione dei dati" or "Eliminazione dell'account"."""
    return _(KINDS.get(RequestKind(kind), kind)) if kind in tuple(RequestKind) else kind


def status_label(status: str) -> str:
    """The status in words."""
    return _(STATUSES[RequestStatus(status)]) if status in tuple(RequestStatus) else status
