"""Demo profiles: roles, expertise, competences and privacy choices of the demo members.

Applied once per member (only while their role is empty), so a member who then edits their
profile keeps their changes when the seed runs again.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from forum.database import write_intent
from forum.extensions import db
from forum.models import Expertise, Organisation, Theme, User
from forum.practices.vocabulary import DEFAULT_LEVEL

# username: (role, province, expertise themes, competences, languages, public fields)
DEMO_PROFILES: dict[str, tuple[str, str, tuple[str, ...], str, str, tuple[str, ...]]] = {
    "giulia.ferraris": (
        "Responsabile servizi educativi", "001",
        ("servizi-educativi-0-6", "conciliazione-vita-lavoro"),
        "Graduatorie e tariffe dei nidi, gare per la gestione dei servizi 0-6, "
        "sezioni primavera.", "it,fr", ("organisation", "place", "job_title", "expertise")),
    "marco.esposito": (
        "Istruttore amministrativo, ufficio politiche sociali", "063",
        ("sostegno-economico", "poverta-educativa"),
        "Assegno unico e ISEE, bonus comunali, sportello famiglie.", "it,en",
        ("organisation", "place")),
    "chiara.lombardo": (
        "Funzionaria dell'agenzia regionale", "072",
        ("centri-famiglia-consultori", "natalita-genitorialita", "violenza-tutela"),
        "Programmazione regionale dei centri per le famiglie, formazione degli operatori.",
        "it,en,es", ("organisation", "place", "job_title", "expertise", "competences")),
    "anna.bertoldi": (
        "Coordinatrice del distretto famiglia", "022",
        ("family-friendly", "conciliazione-vita-lavoro"),
        "Family Audit, marchio Family in Trentino, piani giovani di zona.", "it,de",
        ("organisation", "place", "job_title", "expertise", "competences", "languages")),
    "luca.moretti": (
        "Responsabile dell'ufficio di piano", "037",
        ("anziani-caregiver", "disabilita", "servizi-educativi-0-6"),
        "Piano di zona, gestione associata dei servizi, fondi per la non autosufficienza.",
        "it", ("organisation", "place")),
    "francesca.sanna": (
        "Assistente sociale", "092", ("affido-adozione", "violenza-tutela"),
        "Affido familiare, reti di famiglie accoglienti, tutela minori.", "it,en", ()),
    "davide.greco": (
        "Psicologo del consultorio familiare", "078", ("centri-famiglia-consultori",),
        "Percorso nascita, sostegno alla genitorialità, mediazione familiare.", "it", ()),
}


def seed_profiles(users: dict[str, User]) -> None:
    """Link every member to the organisation on the list with their organisation's name,
    and fill the demo profiles that are still empty."""
    themes = {t.slug: t.id for t in db.session.scalars(select(Theme))}
    with write_intent():
        for organisation in db.session.scalars(select(Organisation)):
            db.session.execute(update(User).where(
                User.organisation_id.is_(None),
                func.lower(User.organisation) == organisation.name.lower(),
            ).values(organisation_id=organisation.id))
        for username, (role, province, expertise, competences, languages,
                       public) in DEMO_PROFILES.items():
            member = users.get(username)
            if member is None:
                continue
            member = db.session.get_one(User, member.id)
            if member.job_title:
                continue
            member.job_title, member.province_code = role, province
            member.competences, member.languages = competences, languages
            member.level_of_government = DEFAULT_LEVEL.get(member.organisation_type, "")
            for field in public:
                setattr(member, f"vis_{field}", "public")
            db.session.add_all(Expertise(user_id=member.id, theme_id=themes[slug])
                               for slug in expertise if slug in themes)
        db.session.commit()
