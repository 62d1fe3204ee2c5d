"""A restricted working group's content never reaches anyone outside it.

A discussion in a group joined on request or by invitation carries a marker word in its
title, body, answer and comment; for a signed-out visitor, a signed-in member of no group,
a member of another group and a site moderator who is not in the group, the marker shows
nowhere (lists with every filter, home, themes and their counts, profiles, directory and
organisation pages, search with its suggestion, related lists, practices, digests,
notifications, the moderation queues), while the group's members do find it, and a member
removed from the group stops finding it on the very next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, select

from forum.admin.catalogue import create_organisation
from forum.answers.services import accept_answer
from forum.database import write_intent
from forum.extensions import db
from forum.models import (
    Delivery,
    FollowTarget,
    Group,
    GroupKind,
    GroupMember,
    GroupRole,
    Notification,
    Organisation,
    Question,
    Theme,
    User,
)
from forum.models.base import utcnow
from forum.moderation.flags import flag_post
from forum.moderation.suggestions import propose_edit
from forum.notifications import digests
from forum.notifications.activity import Event, publish
from forum.notifications.follows import set_level
from forum.questions.queries import themes_with_counts
from forum.users.services import ProfileChange, update_profile
from tests.factories import make_answer, make_comment, make_practice, make_question, make_user

SECRET = "zafferano"  # the private group's marker
ASKED = "gelsomino"  # the on-request group's marker
THEME = "servizi-educativi-0-6"
OUTSIDERS = ("anonymous", "outsider", "other_member", "moderator")


@pytest.fixture
def app_overrides(tmp_path) -> dict:
    """Search kept in sync inline; every member may propose edits."""
    return {"SEARCH_SYNC": "inline", "SEARCH_INDEX_PATH": str(tmp_path / "index"),
            "PRIVILEGE_SUGGEST_EDIT": 0}


def make_group(name: str, kind: str, members: dict[User, str]) -> Group:
    """A group with its members (rows written directly: the group services are not
    what these tests are about)."""
    group = Group(name=name, slug=name.lower().replace(" ", "-"), kind=kind,
                  member_count=len(members))
    db.session.add(group)
    db.session.flush()
    db.session.add_all(GroupMember(group_id=group.id, user_id=user.id, role=role)
                       for user, role in members.items())
    db.session.commit()
    return group


def into_group(question: Question, group: Group) -> Question:
    """Move a question into a group (the search index follows at commit)."""
    question.group_id = group.id
    db.session.commit()
    return question


@dataclass
class World:
    """Members, groups and discussions of these tests."""

    author: User  # facilitator of the private group, asker of the secret thread
    member: User  # member of the private group
    requester: User  # member of the on-request group
    outsider: User  # member of no group
    other_member: User  # member of a third, unrelated group
    moderator: User  # site moderator in no group
    organisation: Organisation
    secret: Question  # in the private group
    asked: Question  # in the on-request group
    public: Question  # in the public space
    open_thread: Question  # in an open group: public
    practice_slug: str

    def user(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world(app: Flask) -> World:
    organisation = create_organisation(make_user("admin"), name="Comune di Valle Serena",
                                       organisation_type="comune", region_code="09")
    author = make_user(username="zetautrice", display_name="Utente Autrice")
    update_profile(author, ProfileChange(
        display_name=author.display_name, organisation=organisation.name,
        organisation_type="comune", region_code="09", visibility={"organisation": "public"}))
    member, requester, outsider, other_member = (make_user() for _ in range(4))
    moderator = make_user("moderator")
    private = make_group("Tavolo ristretto", GroupKind.PRIVATE,
                         {author: GroupRole.FACILITATOR, member: GroupRole.MEMBER})
    on_request = make_group("Tavolo su richiesta", GroupKind.ON_REQUEST,
                            {requester: GroupRole.FACILITATOR})
    make_group("Tavolo lontano", GroupKind.PRIVATE, {other_member: GroupRole.FACILITATOR})
    opened = make_group("Tavolo aperto", GroupKind.OPEN, {make_user(): GroupRole.FACILITATOR})
    practice = make_practice(title="Protocollo condiviso per i nidi del distretto",
                             themes=[THEME])
    public = make_question(make_user(), title="Protocollo per le tariffe dei nidi comunali?",
                           body="Come avete scritto il protocollo delle tariffe dei nidi?")
    secret = into_group(make_question(
        author, title=f"Protocollo {SECRET} per le tariffe dei nidi?",
        body=f"Bozza riservata del protocollo {SECRET} per le tariffe dei nidi comunali."),
        private)
    answer = make_answer(secret, member, body=(
        f"Da noi il metodo {SECRET} ha funzionato, vedi /buone-pratiche/{practice.slug}"))
    make_comment(secret, author, body=f"Grazie, provo subito il {SECRET}.")
    accept_answer(author, answer.id)
    asked = into_group(make_question(
        requester, title=f"Convenzione {ASKED} per i centri estivi?",
        body=f"Stiamo scrivendo la convenzione {ASKED} con le parrocchie del distretto."),
        on_request)
    asked.created_at = utcnow() - timedelta(days=60)  # unanswered and unsolved for long
    db.session.commit()
    open_thread = into_group(make_question(
        make_user(), title="Calendario aperto dei nidi estivi?",
        body="Il tavolo aperto raccoglie i calendari dei nidi estivi."), opened)
    return World(author, member, requester, outsider, other_member, moderator, organisation,
                 secret, asked, public, open_thread, practice.slug)


@pytest.fixture
def browse(app: Flask, client) -> Any:  # noqa: ARG001 - `client` sets the client class
    """`browse(user or None)`: a test client signed in as that member (or signed out)."""

    def open_as(user: User | None) -> Any:
        opened = app.test_client()
        if user is not None:
            with opened.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
        return opened

    return open_as


def _public_pages(world: World) -> list[str]:
    lists = [f"/domande?{args}" for args in (
        "", "stato=risolte", "stato=non-risolte", "stato=senza-risposta", "ordina=recenti",
        "ordina=voti", "tag=nido", f"tema={THEME}", "ordina=recenti&stato=risolte")]
    return [*lists, "/", "/temi", f"/temi/{THEME}", f"/temi/{THEME}?stato=non-risolte",
            f"/utenti/{world.author.username}", f"/utenti/{world.member.username}",
            f"/utenti/{world.requester.username}", "/rete", "/rete?risposto=" + THEME,
            "/rete?ordina=accettate", f"/enti/{world.organisation.slug}",
            "/cerca?q=protocollo+tariffe", "/cerca?q=convenzione+centri+estivi",
            "/cerca?q=zaferano", f"/api/v1/search?q={SECRET}", f"/api/v1/search?q={ASKED}",
            "/api/v1/search?q=protocollo",
            "/api/v1/similar-questions?text=protocollo+tariffe+nidi+bozza+riservata",
            "/api/v1/similar-questions?text=convenzione+centri+estivi+parrocchie",
            f"/domande/{world.public.id}", f"/buone-pratiche/{world.practice_slug}"]


@pytest.mark.parametrize("viewer", OUTSIDERS)
def test_no_page_shows_a_restricted_group_s_discussion_outside_it(world, browse, viewer):
    reader = browse(world.user(viewer))
    for path in _public_pages(world):
        response = reader.get(path)
        # the directory asks a signed-out visitor to sign in first
        assert response.status_code == (302 if path.startswith("/rete") and viewer ==
                                        "anonymous" else 200), path
        text = response.get_data(as_text=True).lower()
        assert SECRET not in text and ASKED not in text, path
    for question in (world.secret, world.asked):
        assert reader.get(f"/domande/{question.id}").status_code == 404


@pytest.mark.parametrize("viewer", OUTSIDERS)
def test_search_finds_nothing_and_suggests_no_word_of_a_restricted_group(world, browse, viewer):
    reader = browse(world.user(viewer))
    for q in (SECRET, ASKED, "zaferano", "gelsomno", "protocollo"):
        found = reader.get("/api/v1/search", query_string={"q": q}).get_json()
        assert all(r["id"] not in (world.secret.id, world.asked.id) for r in found["results"])
        assert SECRET not in str(found).lower() and ASKED not in str(found).lower(), q
    assert reader.get("/api/v1/search?q=zaferano").get_json()["suggestion"] is None
    assert reader.get(f"/api/v1/search?q={SECRET}").get_json()["total"] == 0
    for q in (SECRET, ASKED, "protocollo"):  # the page repeats the words searched for
        page = reader.get("/cerca", query_string={"q": q}).get_data(as_text=True)
        assert f"/domande/{world.secret.id}" not in page
        assert f"/domande/{world.asked.id}" not in page


def test_members_find_their_group_s_discussion_in_lists_and_search(world, browse):
    reader = browse(world.member)
    for path in ("/domande", "/domande?stato=risolte", "/", f"/temi/{THEME}",
                 f"/utenti/{world.author.username}", f"/utenti/{world.member.username}",
                 "/cerca?q=protocollo+tariffe", f"/buone-pratiche/{world.practice_slug}",
                 f"/domande/{world.public.id}"):  # among the similar discussions
        assert SECRET in reader.get(path).get_data(as_text=True).lower(), path
    assert reader.get(f"/domande/{world.secret.id}").status_code == 200
    found = reader.get(f"/api/v1/search?q={SECRET}").get_json()
    assert [r["id"] for r in found["results"]] == [world.secret.id]
    assert reader.get("/api/v1/search?q=zaferano").get_json()["suggestion"] == SECRET
    similar = reader.get("/api/v1/similar-questions",
                         query_string={"text": "protocollo tariffe nidi bozza riservata"})
    assert world.secret.id in [r["id"] for r in similar.get_json()["results"]]
    # a member of one restricted group is an outsider to another
    for path in ("/domande", "/cerca?q=convenzione", f"/utenti/{world.requester.username}"):
        assert ASKED not in reader.get(path).get_data(as_text=True).lower(), path
    assert reader.get(f"/api/v1/search?q={ASKED}").get_json()["total"] == 0
    assert ASKED in browse(world.requester).get("/domande").get_data(as_text=True).lower()


def test_an_open_group_s_discussion_is_public(world, browse):
    reader = browse(None)
    assert "calendario aperto" in reader.get("/domande").get_data(as_text=True).lower()
    assert reader.get(f"/domande/{world.open_thread.id}").status_code == 200
    assert reader.get("/api/v1/search?q=calendario").get_json()["total"] == 1


def test_a_removed_member_loses_the_discussion_on_the_next_request(world, browse):
    reader = browse(world.member)
    similar = f"/domande/{world.public.id}"  # related lists are cached per readable groups
    assert SECRET in reader.get("/domande").get_data(as_text=True).lower()
    assert SECRET in reader.get(similar).get_data(as_text=True).lower()
    assert SECRET not in browse(None).get(similar).get_data(as_text=True).lower()
    assert reader.get(f"/api/v1/search?q={SECRET}").get_json()["total"] == 1
    db.session.execute(delete(GroupMember).where(GroupMember.user_id == world.member.id))
    db.session.commit()
    assert SECRET not in reader.get("/domande").get_data(as_text=True).lower()
    assert SECRET not in reader.get("/cerca?q=protocollo").get_data(as_text=True).lower()
    assert reader.get(f"/api/v1/search?q={SECRET}").get_json()["total"] == 0
    assert reader.get(f"/domande/{world.secret.id}").status_code == 404
    assert SECRET not in reader.get(similar).get_data(as_text=True).lower()
    assert SECRET not in reader.get(
        f"/utenti/{world.member.username}").get_data(as_text=True).lower()


def test_theme_counts_leave_restricted_discussions_out_for_everyone(world):
    totals = {theme.slug: (total, solved) for theme, total, solved in themes_with_counts()}
    # the public question and the open group's: the secret (solved) one is not counted
    assert totals[THEME] == (2, 0)


def test_directory_counts_only_public_activity(world, browse):
    from forum.directory.queries import DirectoryFilters, directory

    cards = {card.user.id: card for card in directory(DirectoryFilters(), 1).cards}
    assert cards[world.member.id].accepted == []  # accepted only inside the private group
    answered = directory(DirectoryFilters(risposto=THEME), 1)
    assert world.member.id not in {card.user.id for card in answered.cards}


def test_a_non_member_watching_the_theme_gets_no_notification_and_no_digest_line(
        world, browse):
    theme = db.session.scalar(select(Theme).where(Theme.slug == THEME))
    for watcher in (world.outsider, world.moderator, world.member):
        set_level(watcher, FollowTarget.THEME, theme.id, "watching")
    with write_intent():  # the thread is announced again, now that it is in its group
        publish(Event.QUESTION_ASKED, world.author.id, question=world.secret.id)
        db.session.commit()
    make_answer(world.secret, world.author,
                body=f"Aggiungo al {SECRET}: @{world.outsider.username} e "
                     f"@{world.moderator.username} potrebbero aiutarci?")
    db.session.commit()
    for outsider in (world.outsider, world.moderator):
        notes = db.session.scalars(select(Notification).where(
            Notification.user_id == outsider.id)).all()
        assert all(n.subject_id != world.secret.id for n in notes)
        page = browse(outsider).get("/notifiche").get_data(as_text=True).lower()
        assert SECRET not in page
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == world.member.id,
        Notification.subject_id == world.secret.id, Notification.kind == "new_question"))
    window = digests.last_complete(Delivery.WEEKLY, utcnow() + timedelta(days=7))
    for outsider in (world.outsider, world.moderator):
        digest = digests.build(db.session.get_one(User, outsider.id), window)
        text = digests.compose(digest, window).text.lower()
        assert SECRET not in text and ASKED not in text
    digest = digests.build(db.session.get_one(User, world.member.id), window)
    assert SECRET in digests.compose(digest, window).text.lower()


def test_unanswered_question_is_offered_only_to_experts_in_the_group(world):
    from forum.models import Expertise
    from forum.routing.queries import expert_candidates

    theme = db.session.scalar(select(Theme).where(Theme.slug == THEME))
    db.session.add_all(Expertise(user_id=user.id, theme_id=theme.id)
                       for user in (world.outsider, world.member, world.author))
    db.session.commit()
    asked = db.session.get_one(Question, world.asked.id)
    assert expert_candidates(db.session(), asked, "", 10) == []  # only its asker is in it
    secret = db.session.get_one(Question, world.secret.id)
    assert [u.id for u, _n in expert_candidates(db.session(), secret, "", 10)] == [
        world.member.id]


def test_moderators_outside_the_group_see_neither_its_flags_nor_its_edit_proposals(
        world, browse):
    answer_id = db.session.get_one(Question, world.secret.id).accepted_answer_id
    assert answer_id is not None
    flag_post(world.author, "answer", answer_id, reason="attention",
              note=f"Controllare il {SECRET}")
    propose_edit(world.member, "question", world.secret.id,
                 title=f"Protocollo {SECRET} rivisto per le tariffe dei nidi?",
                 body=f"Bozza rivista del protocollo {SECRET} per le tariffe dei nidi.",
                 tags="nido", summary=f"preciso il {SECRET}")
    for admin in (world.moderator, make_user("admin")):
        reader = browse(admin)
        for path in ("/moderazione", "/moderazione/modifiche", "/moderazione/senza-soluzione",
                     "/moderazione?motivo=attention"):
            response = reader.get(path)
            assert response.status_code == 200, path
            text = response.get_data(as_text=True).lower()
            assert SECRET not in text and ASKED not in text, path
        assert reader.get(f"/moderazione/answer/{answer_id}/nascondi").status_code == 404
        assert reader.get(f"/segnala/question/{world.secret.id}").status_code == 404
    # a moderator who belongs to the group does review it
    insider = make_user("moderator")
    db.session.add(GroupMember(group_id=world.secret.group_id, user_id=insider.id))
    db.session.commit()
    queue = browse(insider).get("/moderazione").get_data(as_text=True).lower()
    assert SECRET in queue


def test_outsiders_cannot_answer_vote_or_open_the_edit_pages(world, browse):
    answer_id = db.session.get_one(Question, world.secret.id).accepted_answer_id
    reader = browse(world.outsider)
    assert reader.post(f"/domande/{world.secret.id}/risposte",
                       data={"body": "Una risposta da fuori del tavolo, lunga abbastanza."}
                       ).status_code == 404
    assert reader.post(f"/voti/question/{world.secret.id}", data={"voto": "su"},
                       headers={"Accept": "application/json"}).status_code == 404
    assert reader.get(f"/domande/{world.secret.id}/modifica").status_code == 404
    assert reader.get(f"/risposte/{answer_id}/modifica").status_code == 404
    assert reader.get(f"/domande/{world.secret.id}/revisioni").status_code == 404


def test_mention_suggestions_do_not_reveal_who_takes_part_in_a_restricted_thread(
        world, browse):
    def usernames(reader: Any, **thread: int) -> list[str]:
        found = reader.get("/menzioni/suggerimenti", query_string={"q": "utente", **thread})
        return [m["username"] for m in found.get_json()]

    outsider = browse(world.outsider)
    assert usernames(outsider, question=world.secret.id) == usernames(outsider)
    assert usernames(browse(world.member), question=world.secret.id)[0] == "zetautrice"


def test_a_restricted_thread_cannot_be_named_as_an_original_from_outside(world):
    from forum.errors import InvalidInput
    from forum.moderation.threads import close_question

    unknown = {"duplicate_of": ["La domanda originale indicata non esiste."]}
    with pytest.raises(InvalidInput) as closing:
        close_question(world.moderator, world.public.id, reason="duplicate",
                       duplicate_of=f"/domande/{world.secret.id}")
    assert closing.value.field_errors == unknown
    with pytest.raises(InvalidInput) as flagging:
        flag_post(world.outsider, "question", world.public.id, reason="duplicate",
                  duplicate_of=str(world.secret.id))
    assert flagging.value.field_errors == unknown
