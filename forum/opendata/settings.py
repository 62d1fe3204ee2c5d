"""Open-data settings: the licence of the exports and feeds, and the publisher named in the
DCAT-AP_IT records (name, IPA code, contact e-mail).

Stored as SiteSetting rows so the admin changes them without a restart; until a value is
saved, the defaults come from the configuration (OPEN_DATA_*).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from forum import permissions
from forum.database import write_intent
from forum.errors import InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import User
from forum.moderation.audit import record_action
from forum.site_settings import read_settings, store_settings
from forum.text import clean_line


@dataclass(frozen=True)
class Licence:
    """An open licence: its label, the page it lives at (also its URI in DCAT-AP_IT),
    its SPDX id, version and ADMS licence type."""

    key: str
    name: str
    url: str
    spdx: str
    version: str
    adms_type: str


LICENCES: dict[str, Licence] = {licence.key: licence for licence in (
    Licence("cc0-1.0", "CC0 1.0 Universale", "https://creativecommons.org/publicdomain/zero/1.0/",
            "CC0-1.0", "1.0", "http://purl.org/adms/licencetype/PublicDomain"),
    Licence("cc-by-4.0", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/",
            "CC-BY-4.0", "4.0", "http://purl.org/adms/licencetype/Attribution"),
    Licence("cc-by-sa-4.0", "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/",
            "CC-BY-SA-4.0", "4.0", "http://purl.org/adms/licencetype/ShareAlike"),
    Licence("iodl-2.0", "Italian Open Data License 2.0", "https://www.dati.gov.it/iodl/2.0/",
            "IODL-2.0", "2.0", "http://purl.org/adms/licencetype/Attribution"),
)}
DEFAULT_LICENCE = "cc-by-4.0"
KEYS = {"licence": "open_data_licence", "publisher_name": "open_data_publisher_name",
        "publisher_ipa": "open_data_publisher_ipa", "contact_email": "open_data_contact_email"}
CONFIG = {"licence": "OPEN_DATA_LICENCE", "publisher_name": "OPEN_DATA_PUBLISHER_NAME",
          "publisher_ipa": "OPEN_DATA_PUBLISHER_IPA",
          "contact_email": "OPEN_DATA_CONTACT_EMAIL"}
# IPA codes are short lower-case codes (c_h501, agid, r_lazio); the admin may add a suffix.
IPA_RE = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")
EMAIL_RE = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True)
class OpenDataSettings:
    """The settings in force."""

    licence: Licence
    publisher_name: str
    publisher_ipa: str
    contact_email: str


def get_open_data_settings() -> OpenDataSettings:
    """The saved settings, each falling back to its configured default (one query)."""
    rows = read_settings(KEYS.values())
    values = {name: rows.get(key) or str(current_app.config[CONFIG[name]] or "")
              for name, key in KEYS.items()}
    licence = LICENCES.get(values["licence"]) or LICENCES[DEFAULT_LICENCE]
    return OpenDataSettings(licence, values["publisher_name"], values["publisher_ipa"],
                            values["contact_email"])


def _checked(licence: str, publisher_name: str, publisher_ipa: str,
             contact_email: str) -> dict[str, str]:
    values = {"licence": licence, "publisher_name": clean_line(publisher_name),
              "publisher_ipa": clean_line(publisher_ipa),
              "contact_email": clean_line(contact_email)}
    errors: dict[str, list[str]] = {}
    if licence not in LICENCES:
        errors["licence"] = [_("Scegli una delle licenze proposte.")]
    if not 2 <= len(values["publisher_name"]) <= 200:
        errors["publisher_name"] = [_("Scrivi il nome dell'ente titolare (da 2 a 200 caratteri).")]
    if not IPA_RE.match(values["publisher_ipa"]):
        errors["publisher_ipa"] = [_(
            "Il codice IPA ha da 2 a 40 caratteri: lettere, cifre, trattino basso, punto o "
            "trattino (per esempio c_h501).")]
    if len(values["contact_email"]) > 254 or not EMAIL_RE.match(values["contact_email"]):
        errors["contact_email"] = [_("Scrivi un indirizzo e-mail valido, per esempio "
                                     "dati@comune.esempio.it.")]
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    return values


def set_open_data_settings(actor: User, *, licence: str, publisher_name: str,
                           publisher_ipa: str, contact_email: str) -> OpenDataSettings:
    """Save the licence and the publisher (admins only), written in the audit log."""
    if not permissions.is_admin(actor):
        raise NotAllowed(_("Solo gli amministratori cambiano le impostazioni dei dati aperti."))
    values = _checked(licence, publisher_name, publisher_ipa, contact_email)
    with write_intent():
        store_settings({key: values[name] for name, key in KEYS.items()})
        record_action(actor, "update_open_data_settings", "settings", None, **values)
        db.session.commit()
    return OpenDataSettings(LICENCES[licence], values["publisher_name"],
                            values["publisher_ipa"], values["contact_email"])
