"""Registration policy: who may write right after signing up, set by the admin at run time.

Stored as SiteSetting rows so a change needs no restart; until the admin saves one, the
defaults come from the configuration (REGISTRATION_POLICY, REGISTRATION_ALLOWED_DOMAINS).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum import permissions
from forum.database import write_intent
from forum.errors import InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import AccountStatus, User
from forum.moderation.audit import record_action
from forum.site_settings import read_settings, store_settings
from forum.text import clean_text

POLICY_KEY = "registration_policy"
DOMAINS_KEY = "registration_allowed_domains"
POLICIES = {
    "open": _l("Aperta: chi si registra può scrivere subito"),
    "approval": _l("Su approvazione: ogni nuovo account attende un moderatore"),
    "domains": _l(
        "Per dominio: approvazione automatica per gli indirizzi dei domini elencati, "
        "gli altri attendono un moderatore"
    ),
}
MAX_DOMAINS = 500
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN_RE = re.compile(rf"^(?:{_LABEL}\.)+[a-z]{{2,63}}$")


@dataclass(frozen=True)
class RegistrationPolicy:
    """The policy in force and, for "domains", the e-mail domains approved automatically."""

    policy: str
    domains: tuple[str, ...]

    def status_for(self, email: str) -> str:
        """The status a new member with this e-mail address starts with."""
        if self.policy == "open":
            return AccountStatus.ACTIVE
        if self.policy == "domains" and domain_allowed(email, self.domains):
            return AccountStatus.ACTIVE
        return AccountStatus.PENDING


def domain_allowed(email: str, domains: tuple[str, ...]) -> bool:
    """True when the address's domain is listed or is a subdomain of a listed one."""
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    return bool(domain) and any(domain == d or domain.endswith("." + d) for d in domains)


def parse_domains(text: str) -> tuple[list[str], list[str]]:
    """Domains one per line (commas tolerated), lower-cased and deduplicated; and bad lines."""
    domains: list[str] = []
    invalid: list[str] = []
    for raw in re.split(r"[\n,]", clean_text(text)):
        line = raw.strip().lower()
        if not line:
            continue
        if len(line) > 253 or not DOMAIN_RE.match(line):
            invalid.append(raw.strip())
        elif line not in domains:
            domains.append(line)
    return domains, invalid


def get_registration_policy() -> RegistrationPolicy:
    """The saved policy, or the configured default while the admin has saved none."""
    rows = read_settings((POLICY_KEY, DOMAINS_KEY))
    policy = rows.get(POLICY_KEY) or current_app.config["REGISTRATION_POLICY"]
    if policy not in POLICIES:
        policy = "approval"  # an unknown value must never open the door
    raw = rows[DOMAINS_KEY] if DOMAINS_KEY in rows else (
        current_app.config["REGISTRATION_ALLOWED_DOMAINS"] or ""
    )
    domains, _invalid = parse_domains(raw)
    return RegistrationPolicy(policy, tuple(domains))


def set_registration_policy(actor: User, *, policy: str, domains_text: str) -> RegistrationPolicy:
    """Save the policy and the allowed domains (admins only); invalid lines are refused."""
    if not permissions.is_admin(actor):
        raise NotAllowed(_("Solo gli amministratori cambiano le regole di iscrizione."))
    errors: dict[str, list[str]] = {}
    if policy not in POLICIES:
        errors["policy"] = [_("Scegli una delle regole di iscrizione proposte.")]
    domains, invalid = parse_domains(domains_text)
    if invalid:
        errors["domains"] = [_(
            "Domini non validi: %(lines)s. Scrivi un dominio per riga, per esempio "
            "comune.esempio.it (senza @ né indirizzi completi).",
            lines=", ".join(line[:60] for line in invalid[:10]),
        )]
    elif len(domains) > MAX_DOMAINS:
        errors["domains"] = [_("Puoi indicare al massimo %(n)d domini.", n=MAX_DOMAINS)]
    elif policy == "domains" and not domains:
        errors["domains"] = [_("Con la regola per dominio indica almeno un dominio.")]
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    before = get_registration_policy()
    with write_intent():
        store_settings({POLICY_KEY: policy, DOMAINS_KEY: "\n".join(domains)})
        record_action(
            actor, "update_settings", "settings", None,
            policy=policy, previous_policy=before.policy, domains=domains,
        )
        db.session.commit()
    return RegistrationPolicy(policy, tuple(domains))
