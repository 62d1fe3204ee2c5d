"""Demo comments on the guideline in consultation (co-progettazione), through the services:
three members comment on sections, a curator has already answered one."""

from __future__ import annotations

from sqlalchemy import select

from forum.consultations.services import comment_on_section, respond_to_comment
from forum.extensions import db
from forum.models import CommentOutcome, Guideline, GuidelineComment, User
from forum.permissions import consultation_open

CONSULTED = "avviare-coprogettazione-terzo-settore"
COMMENTS = (
    ("luca.moretti", "passi",
     "Nel nostro ambito l'avviso pubblico è stato la parte più lunga: suggerirei di indicare "
     "**tempi minimi** di pubblicazione e un modello di avviso da riusare."),
    ("sara.conti", "attenzione",
     "Dal lato del Terzo settore: chiarite come si rendicontano i costi messi a disposizione "
     "dagli enti (personale volontario, spazi), altrimenti le proposte non sono confrontabili."),
    ("anna.bertoldi", "quando-usarla",
     "Utile un esempio di servizio per cui la co-progettazione *non* è adatta, per evitare "
     "che diventi una scorciatoia rispetto all'appalto."),
)
ANSWERED = ("chiara.lombardo", "Recepito: nella nuova versione il passo 2 indica 30 giorni di "
            "pubblicazione e rimanda al modello di avviso dell'allegato.")


def seed_consultation(users: dict[str, User]) -> int:
    """Comments on the guideline in consultation, once; returns how many were added."""
    guideline = db.session.scalar(select(Guideline).where(Guideline.slug == CONSULTED))
    if guideline is None or not consultation_open(guideline) or db.session.scalar(
            select(GuidelineComment.id).where(GuidelineComment.guideline_id == guideline.id)
            .limit(1)) is not None:
        return 0
    added = []
    for username, anchor, body in COMMENTS:
        if username in users:
            added.append(comment_on_section(users[username], CONSULTED, anchor, body))
    curator, reply = ANSWERED
    if added and curator in users:
        respond_to_comment(users[curator], CONSULTED, added[0].id, CommentOutcome.ACCEPTED,
                           reply)
    return len(added)
