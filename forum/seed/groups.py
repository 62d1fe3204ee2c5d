"""Demo working groups: one open, one on request, one private, with members, a pending
request, discussions (one solved) and documents. Seeded through the services, by name, so
a second run adds nothing."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from forum.answers.services import accept_answer, post_answer
from forum.extensions import db
from forum.groups.services import (
    GroupFields,
    create_group,
    decide_request,
    join_group,
    request_to_join,
)
from forum.models import Group, GroupKind, GroupMember, GroupRequest, Question, Theme, User
from forum.models.base import utcnow
from forum.questions.services import ask_question

DEMO_GROUPS: tuple[dict[str, Any], ...] = (
    {
        "name": "Rete dei centri per le famiglie",
        "kind": GroupKind.OPEN,
        "facilitator": "chiara.lombardo",
        "members": ("anna.bertoldi", "luca.moretti", "sara.conti"),
        "themes": ("centri-famiglia-consultori",),
        "audience": ("comune", "unione-comuni", "ambito-sociale", "terzo-settore"),
        "description": (
            "Un tavolo aperto a chi gestisce o progetta un **centro per le famiglie**: "
            "scambio di modelli organizzativi, schede di monitoraggio e formazione "
            "congiunta degli operatori."),
        "documents": (
            ("luca.moretti", "Scheda di monitoraggio trimestrale", "Monitoraggio",
             "scheda-monitoraggio.csv", (
                 "indicatore,descrizione\naccessi,persone accolte nel trimestre\n"
                 "gruppi,gruppi di genitori attivati\n",
                 "indicatore,descrizione\naccessi,persone accolte nel trimestre\n"
                 "gruppi,gruppi di genitori attivati\ninvii,invii ai servizi sociali\n")),
        ),
        "discussions": (
            ("anna.bertoldi", "Scheda di monitoraggio comune per i centri per le famiglie?",
             "Stiamo rivedendo gli indicatori del nostro centro: accessi, percorsi di "
             "sostegno alla genitorialità, invii ai servizi. Qualcuno usa già una scheda "
             "condivisa con altri centri della regione?",
             ("luca.moretti", "Da noi usiamo una scheda trimestrale con **12 indicatori**, "
              "concordata con l'ambito: accessi, gruppi attivati, invii e rientri. Posso "
              "condividerla nei documenti del tavolo.")),
        ),
    },
    {
        "name": "Tavolo tariffe e accesso ai nidi",
        "kind": GroupKind.ON_REQUEST,
        "facilitator": "giulia.ferraris",
        "members": ("marco.esposito", "francesca.sanna"),
        "requests": ("roberto.vitale",),
        "themes": ("servizi-educativi-0-6",),
        "audience": ("comune", "unione-comuni"),
        "description": (
            "Comuni e unioni che rivedono regolamenti e tariffe dei servizi 0-3: fasce "
            "ISEE, esenzioni, bonus nido e graduatorie. Si entra su richiesta, per "
            "confrontare bozze di delibera prima che siano pubbliche."),
        "documents": (
            ("giulia.ferraris", "Simulazione delle tariffe per fasce ISEE", "Regolamenti",
             "simulazione-tariffe.csv", (
                 "isee,tariffa_mensile\n6000,100\n15000,250\n30000,480\n",
                 "isee,tariffa_mensile\n6000,90\n15000,240\n30000,480\n")),
        ),
        "discussions": (
            ("marco.esposito", "Fasce ISEE del nido: progressività lineare o a scaglioni?",
             "Stiamo riscrivendo il regolamento tariffario del nido. La giunta chiede una "
             "tariffa proporzionale all'ISEE (progressività lineare) invece dei cinque "
             "scaglioni attuali. Chi l'ha già fatto: come avete fissato minimo e massimo?",
             ("giulia.ferraris", "Noi abbiamo adottato la progressività lineare nel 2024: "
              "tariffa minima sotto i 6.000 euro di ISEE, massima sopra i 30.000, e in mezzo "
              "una retta proporzionale. Le famiglie hanno capito subito la simulazione "
              "pubblicata sul sito: meno ricorsi dei vecchi scaglioni."), True),
        ),
    },
    {
        "name": "Gruppo tecnico linee guida 0-6",
        "kind": GroupKind.PRIVATE,
        "listed": False,
        "facilitator": "elena.marchetti",
        "members": ("chiara.lombardo", "paolo.benedetti"),
        "themes": ("servizi-educativi-0-6",),
        "audience": ("ministero-dipartimento", "regione"),
        "description": (
            "Gruppo tecnico riservato che prepara la bozza delle linee guida nazionali sul "
            "sistema integrato 0-6, prima della consultazione pubblica."),
        "documents": (
            ("elena.marchetti", "Indice della bozza di linee guida 0-6", "Bozze",
             "indice-bozza.csv", ("capitolo,titolo\n1,Principi\n2,Accesso ai servizi\n"
                                  "3,Coordinamento pedagogico territoriale\n",)),
        ),
        "discussions": (
            ("paolo.benedetti", "Bozza capitolo 3: coordinamento pedagogico territoriale",
             "Allego le osservazioni degli ambiti sul capitolo 3. Il punto aperto è chi "
             "finanzia il coordinatore pedagogico quando l'ambito copre più comuni sotto i "
             "5.000 abitanti.",
             ("chiara.lombardo", "La regione può coprire la quota dei comuni più piccoli con "
              "il fondo regionale 0-6: lo proporrei come raccomandazione nel capitolo.")),
        ),
    },
)


def seed_groups(users: dict[str, User]) -> int:
    """The demo groups that are not there yet; returns how many discussions were added."""
    existing = set(db.session.scalars(select(Group.name)))
    themes = {t.slug: t.id for t in db.session.scalars(select(Theme))}
    added = 0
    for spec in DEMO_GROUPS:
        names = (spec["facilitator"], *spec["members"], *spec.get("requests", ()))
        if spec["name"] in existing or any(name not in users for name in names):
            continue
        group = create_group(users[spec["facilitator"]], GroupFields(
            name=spec["name"], description=spec["description"], kind=spec["kind"],
            listed=spec.get("listed", True), audience=spec["audience"],
            theme_ids=tuple(themes[s] for s in spec["themes"] if s in themes)))
        for username in spec["members"]:
            _admit(group, users[spec["facilitator"]], users[username])
        for username in spec.get("requests", ()):
            request_to_join(users[username], group.id,
                            "Vorrei partecipare: stiamo rivedendo le tariffe del nostro nido.")
        added += _discussions(group, spec, users)
        _documents(group, spec, users)
        db.session.execute(update(GroupMember).where(GroupMember.group_id == group.id)
                           .values(joined_at=utcnow() - timedelta(days=40)))
        db.session.commit()
    return added


def _admit(group: Group, facilitator: User, user: User) -> None:
    """Join an open group; be approved in a group on request; be added to a private one."""
    if group.kind == GroupKind.OPEN:
        join_group(user, group.id)
    elif group.kind == GroupKind.ON_REQUEST:
        request_to_join(user, group.id)
        request = db.session.scalar(select(GroupRequest).where(
            GroupRequest.group_id == group.id, GroupRequest.user_id == user.id))
        assert request is not None
        decide_request(facilitator, group.id, request.id, approve=True)
    else:
        from forum.database import write_intent
        from forum.groups.services import add_member

        with write_intent():
            add_member(group, user)
            db.session.commit()


def _discussions(group: Group, spec: dict[str, Any], users: dict[str, User]) -> int:
    count = 0
    for asker, title, body, (answerer, answer_body), *solved in spec["discussions"]:
        question = ask_question(users[asker], title=title, body=body,
                                theme_slug=spec["themes"][0], group_id=group.id)
        answer = post_answer(users[answerer], question.id, body=answer_body)
        if solved and solved[0]:
            accept_answer(users[asker], answer.id)
        days = 20 - 5 * count
        db.session.execute(update(Question).where(Question.id == question.id).values(
            created_at=utcnow() - timedelta(days=days),
            last_activity_at=utcnow() - timedelta(days=days - 1)))
        db.session.commit()
        count += 1
    return count


def _documents(group: Group, spec: dict[str, Any], users: dict[str, User]) -> None:
    """Each demo document with its versions (a revised version says what changed)."""
    from werkzeug.datastructures import FileStorage

    from forum.groups.documents import DocumentFields, upload_document, upload_version

    for uploader, title, folder, filename, versions in spec.get("documents", ()):
        first, *later = versions
        document = upload_document(
            users[uploader], group.id, DocumentFields(title=title, folder=folder),
            FileStorage(io.BytesIO(first.encode()), filename=filename,
                        content_type="text/csv"))
        for text in later:
            upload_version(users[uploader], group.id, document.id,
                           FileStorage(io.BytesIO(text.encode()), filename=filename,
                                       content_type="text/csv"),
                           note="Aggiornata dopo la riunione del tavolo.")
