"""Working groups: creating, joining, requests, invitations, roles, leaving, questions in a
group, publication to the public space; bad input answered with a clear 4xx."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from forum.answers.services import accept_answer
from forum.extensions import db
from forum.groups import invitations, publication
from forum.groups.services import (
    GroupFields,
    create_group,
    decide_request,
    join_group,
    leave_group,
    remove_member,
    request_to_join,
    set_member_role,
    update_group,
)
from forum.mail import outbox_messages
from forum.models import (
    Follow,
    FollowTarget,
    Group,
    GroupKind,
    GroupMember,
    GroupRequest,
    Notification,
    Question,
    User,
)
from forum.questions.services import ask_question
from tests.factories import make_answer, make_user


def group(owner: User, kind: str = GroupKind.OPEN, name: str = "Tavolo nidi Lombardia",
          **kw) -> Group:
    """A group opened by `owner` (its facilitator)."""
    return create_group(owner, GroupFields(name=name, description="Tariffe e **ISEE**.",
                                           kind=kind, **kw))


def member_ids(g: Group) -> set[int]:
    return set(db.session.scalars(select(GroupMember.user_id).where(
        GroupMember.group_id == g.id)))


def ask_in(g: Group, author: User, title: str = "Come calcolate le tariffe del nido?") -> Question:
    return ask_question(author, title=title, body="Nel nostro ambito usiamo l'ISEE a fasce.",
                        theme_slug="servizi-educativi-0-6", group_id=g.id)


def test_creator_is_facilitator_and_watches_the_group(app):
    owner = make_user()
    g = group(owner, region="03", audience=("comune", "ambito-sociale"))
    member = db.session.scalar(select(GroupMember).where(GroupMember.group_id == g.id))
    assert member.user_id == owner.id and member.is_facilitator
    assert g.slug == "tavolo-nidi-lombardia" and g.member_count == 1
    assert "<strong>ISEE</strong>" in g.description_html
    follow = db.session.scalar(select(Follow).where(Follow.target_type == FollowTarget.GROUP))
    assert follow.user_id == owner.id and follow.level == "watching"


def test_group_names_are_unique_whatever_the_case(app):
    owner = make_user()
    group(owner)
    with pytest.raises(Exception) as refused:
        group(owner, name="TAVOLO NIDI LOMBARDIA")
    assert "Esiste già un tavolo" in str(refused.value.field_errors)  # type: ignore[attr-defined]


def test_join_open_group_twice_makes_one_membership(app):
    owner, anna = make_user(), make_user()
    g = group(owner)
    join_group(anna, g.id)
    join_group(anna, g.id)
    assert member_ids(g) == {owner.id, anna.id}
    assert db.session.get(Group, g.id).member_count == 2


def test_request_group_needs_approval_and_notifies_facilitators(app):
    owner, anna = make_user(), make_user(display_name="Anna Bassi")
    g = group(owner, kind=GroupKind.ON_REQUEST)
    with pytest.raises(Exception, match="su richiesta"):
        join_group(anna, g.id)
    request_to_join(anna, g.id, "Lavoro all'ambito di Lecco")
    note = db.session.scalar(select(Notification).where(Notification.user_id == owner.id,
                                                        Notification.kind == "group_request"))
    assert note is not None and note.params["actor"] == "Anna Bassi"
    with pytest.raises(Exception, match="già chiesto"):
        request_to_join(anna, g.id)
    req = db.session.scalar(select(GroupRequest))
    decide_request(owner, g.id, req.id, approve=True)
    assert anna.id in member_ids(g)
    assert db.session.scalar(select(func.count()).select_from(GroupRequest)) == 0


def test_request_to_private_group_is_refused(app, client, login):
    owner, anna = make_user(), make_user()
    g = group(owner, kind=GroupKind.PRIVATE, listed=True)
    login(anna)
    response = client.post(f"/tavoli/{g.slug}/richiesta", data={"message": "Posso entrare?"})
    assert response.status_code == 403
    assert "solo su invito" in response.get_data(as_text=True)
    unlisted = group(owner, kind=GroupKind.PRIVATE, name="Tavolo tecnico riservato", listed=False)
    response = client.post(f"/tavoli/{unlisted.slug}/richiesta", data={"message": "Posso?"})
    assert response.status_code == 404
    assert "Tavolo tecnico riservato" not in response.get_data(as_text=True)


def test_invite_member_by_username_then_accept_with_the_link(app, client, login):
    owner, anna = make_user(), make_user(username="anna.bassi")
    g = group(owner, kind=GroupKind.PRIVATE)
    invitations.invite(owner, g.id, "Anna.Bassi")
    [mail] = [m for m in outbox_messages() if m["To"] == anna.email]
    text = mail.get_body(("plain",)).get_content()
    token = re.search(r"/tavoli/invito/(\S+)", text).group(1)
    login(anna)
    page = client.get(f"/tavoli/invito/{token}")
    assert page.status_code == 200 and g.name in page.get_data(as_text=True)
    response = client.post(f"/tavoli/invito/{token}", data={"risposta": "accetta"})
    assert response.status_code == 303 and response.headers["Location"].endswith(g.slug)
    assert anna.id in member_ids(g)
    again = client.post(f"/tavoli/invito/{token}", data={"risposta": "accetta"})
    assert again.status_code == 409 and "già stato accettato" in again.get_data(as_text=True)


def test_invitation_to_an_unregistered_address_leads_through_sign_up(app, client):
    owner = make_user()
    g = group(owner, kind=GroupKind.ON_REQUEST)
    invitations.invite(owner, g.id, "Nuova.Collega@Comune.Example.it")
    [mail] = [m for m in outbox_messages() if "nuova.collega" in m["To"].lower()]
    text = mail.get_body(("plain",)).get_content()
    token = re.search(r"/tavoli/invito/(\S+)", text).group(1)
    assert "/registrati?next=/tavoli/invito/" in text
    page = client.get(f"/tavoli/invito/{token}").get_data(as_text=True)
    assert "Registrati" in page and "email=Nuova.Collega" in page
    registered = client.post(f"/registrati?next=/tavoli/invito/{token}", data={
        "username": "nuova.collega", "display_name": "Nuova Collega",
        "email": "nuova.collega@comune.example.it", "password": "una-password-robusta-2026",
        "confirm": "una-password-robusta-2026", "organisation": "Comune di Lecco",
        "organisation_type": "comune", "region_code": "03", "accept_terms": "y"})
    assert registered.status_code == 303, registered.get_data(as_text=True)[:2000]
    assert registered.headers["Location"].endswith(f"/tavoli/invito/{token}")
    accepted = client.post(f"/tavoli/invito/{token}", data={"risposta": "accetta"})
    assert accepted.status_code == 303
    newcomer = db.session.scalar(select(User).where(User.username == "nuova.collega"))
    assert newcomer.id in member_ids(g)


@pytest.mark.parametrize(("target", "message"), [
    ("nessuno-si-chiama-cosi", "Nessun membro ha il nome utente"),
    ("non-un-indirizzo@", "non è un indirizzo e-mail valido"),
    ("@@", "non è un indirizzo e-mail valido"),
])
def test_invitation_to_an_unknown_target_is_a_clear_422_keeping_the_text(
        app, client, login, target, message):
    owner = make_user()
    g = group(owner)
    login(owner)
    response = client.post(f"/tavoli/{g.slug}/membri/invita", data={"target": target})
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and message in text
    assert f'value="{target}"' in text


def test_forged_invitation_token_is_a_404_in_italian(app, client, login):
    login(make_user())
    for token in ("inventato", "x" * 300, "%00"):
        response = client.get(f"/tavoli/invito/{token}")
        assert response.status_code == 404
        assert "Invito non valido" in response.get_data(as_text=True)
        assert client.post(f"/tavoli/invito/{token}", data={"risposta": "accetta"}
                           ).status_code == 404


def test_invitation_for_someone_else_cannot_be_used(app, client, login):
    owner, anna, intruder = make_user(), make_user(), make_user()
    g = group(owner, kind=GroupKind.PRIVATE)
    invitations.invite(owner, g.id, anna.username)
    [mail] = [m for m in outbox_messages() if m["To"] == anna.email]
    token = re.search(r"/tavoli/invito/(\S+)", mail.get_body(("plain",)).get_content()).group(1)
    login(intruder)
    response = client.post(f"/tavoli/invito/{token}", data={"risposta": "accetta"})
    assert response.status_code == 403 and intruder.id not in member_ids(g)


def test_the_last_facilitator_can_neither_be_removed_nor_leave(app, client, login):
    owner, anna = make_user(), make_user()
    g = group(owner)
    join_group(anna, g.id)
    login(owner)
    response = client.post(f"/tavoli/{g.slug}/membri/{owner.id}/rimuovi")
    assert response.status_code == 409
    assert "ultimo facilitatore" in response.get_data(as_text=True)
    assert client.post(f"/tavoli/{g.slug}/lascia").status_code == 409
    assert client.post(f"/tavoli/{g.slug}/membri/{owner.id}/ruolo",
                       data={"ruolo": "member"}).status_code == 409
    assert member_ids(g) == {owner.id, anna.id}
    set_member_role(owner, g.id, anna.id, "facilitator")
    leave_group(owner, g.id)
    assert member_ids(g) == {anna.id}


def test_only_facilitators_manage_members(app, client, login):
    owner, anna, bruno = make_user(), make_user(), make_user()
    g = group(owner)
    join_group(anna, g.id)
    join_group(bruno, g.id)
    login(anna)
    assert client.post(f"/tavoli/{g.slug}/membri/{bruno.id}/rimuovi").status_code == 403
    assert client.post(f"/tavoli/{g.slug}/membri/invita",
                       data={"target": "qualcuno@example.org"}).status_code == 403
    assert client.get(f"/tavoli/{g.slug}/modifica").status_code == 403
    remove_member(owner, g.id, bruno.id)
    assert bruno.id not in member_ids(g)


def test_private_discussion_only_for_members_and_removal_takes_effect_at_once(
        app, client, login):
    owner, anna, outsider = make_user(), make_user(), make_user()
    g = group(owner, kind=GroupKind.ON_REQUEST)
    req = request_to_join(anna, g.id)
    decide_request(owner, g.id, req.id, approve=True)
    question = ask_in(g, anna, "Riservata: tariffe del nido nell'ambito")
    login(outsider)
    response = client.get(f"/domande/{question.id}")
    assert response.status_code == 404 and "Riservata" not in response.get_data(as_text=True)
    assert client.post(f"/domande/{question.id}/risposte",
                       data={"body": "Provo a rispondere anche se non sono membro."}
                       ).status_code == 404
    login(anna)
    assert client.get(f"/domande/{question.id}").status_code == 200
    assert "Riservata" in client.get(f"/tavoli/{g.slug}").get_data(as_text=True)
    remove_member(owner, g.id, anna.id)
    assert client.get(f"/domande/{question.id}").status_code == 404


def test_open_group_discussions_are_public_until_the_group_turns_private(app, client):
    owner = make_user()
    g = group(owner)
    question = ask_in(g, owner, "Aperta: come finanziare un centro per le famiglie")
    assert client.get(f"/domande/{question.id}").status_code == 200
    assert "Aperta: come" in client.get(f"/tavoli/{g.slug}").get_data(as_text=True)
    update_group(owner, g.id, GroupFields(name=g.name, kind=GroupKind.PRIVATE))
    assert client.get(f"/domande/{question.id}").status_code == 404
    page = client.get(f"/tavoli/{g.slug}").get_data(as_text=True)  # listed: the name only
    assert g.name in page and "Aperta: come" not in page and "Tariffe e" not in page


def test_non_members_cannot_post_in_a_restricted_group(app, client, login):
    owner, outsider = make_user(), make_user()
    g = group(owner, kind=GroupKind.ON_REQUEST)
    login(outsider)
    assert client.get(f"/domande/nuova?tavolo={g.slug}").status_code == 403
    with pytest.raises(Exception, match="Solo i membri"):
        ask_in(g, outsider)


def test_publication_needs_the_askers_consent_and_makes_one_public_copy(app, client, login):
    owner, anna, outsider = make_user(), make_user(), make_user()
    g = group(owner, kind=GroupKind.PRIVATE)
    invitations.invite(owner, g.id, anna.username)
    token = re.search(r"/tavoli/invito/(\S+)", [m for m in outbox_messages()
                      if m["To"] == anna.email][0].get_body(("plain",)).get_content()).group(1)
    invitations.accept_invitation(anna, token)
    question = ask_in(g, anna, "Risolta: il regolamento delle tariffe")
    answer = make_answer(question, owner, body="Abbiamo adottato fasce ISEE progressive.")
    with pytest.raises(Exception, match="facilitatori"):
        publication.request_publication(anna, question.id)  # not solved, not facilitator
    accept_answer(anna, answer.id)
    publication.request_publication(owner, question.id)
    note = db.session.scalar(select(Notification).where(
        Notification.user_id == anna.id, Notification.kind == "group_publication_requested"))
    assert note is not None
    login(outsider)
    assert client.post(f"/domande/{question.id}/pubblicazione/consenso",
                       data={"risposta": "si"}).status_code == 404
    login(anna)
    response = client.post(f"/domande/{question.id}/pubblicazione/consenso",
                           data={"risposta": "si"})
    assert response.status_code == 303
    source = db.session.get(Question, question.id)
    db.session.refresh(source)
    copy = db.session.get(Question, source.published_copy_id)
    assert copy.group_id is None and copy.published_from_id == source.id
    assert copy.accepted_answer_id is not None and copy.answer_count == 1
    again = client.post(f"/domande/{question.id}/pubblicazione/consenso",
                        data={"risposta": "si"})
    assert again.status_code == 409
    client.post("/esci")
    public = client.get(f"/domande/{copy.id}").get_data(as_text=True)
    assert "Risolta: il regolamento" in public and "fasce ISEE progressive" in public
    assert f"/domande/{source.id}" in public
    assert client.get(f"/domande/{source.id}").status_code == 404


def test_pages_render(app, client, login):
    owner, anna = make_user(), make_user()
    g = group(owner, kind=GroupKind.ON_REQUEST, theme_ids=())
    ask_in(g, owner)
    for url in ("/tavoli", "/tavoli?q=nidi&tipo=su-richiesta", f"/tavoli/{g.slug}"):
        assert client.get(url).status_code == 200, url
    login(anna)
    page = client.get(f"/tavoli/{g.slug}").get_data(as_text=True)
    assert "Chiedi di partecipare" in page and "Come calcolate" not in page
    assert client.get(f"/tavoli/{g.slug}/membri").status_code == 404
    login(owner)
    for url in ("/tavoli/nuovo", f"/tavoli/{g.slug}", f"/tavoli/{g.slug}/membri",
                f"/tavoli/{g.slug}/modifica", f"/domande/nuova?tavolo={g.slug}", "/tavoli?miei=1"):
        assert client.get(url).status_code == 200, url
    assert client.get("/tavoli?tipo=inventato").status_code == 400


def test_create_group_form_keeps_the_text_on_error(app, client, login):
    login(make_user())
    response = client.post("/tavoli/nuovo", data={"name": "Ab", "description": "Il mio testo",
                                                   "kind": "open"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "Il mio testo" in text
    response = client.post("/tavoli/nuovo", data={"name": "Tavolo valido", "kind": "segreto"})
    assert response.status_code == 422
    response = client.post("/tavoli/nuovo", data={"name": "Tavolo valido", "kind": "open",
                                                   "themes": ["99999999999"]})
    assert response.status_code == 422


def test_24_simultaneous_joins_make_one_membership(app):
    owner, anna = make_user(), make_user()
    g = group(owner)
    session_id, slug = anna.get_id(), g.slug
    barrier = threading.Barrier(24)
    codes: list[int] = []
    errors: list[BaseException] = []

    def join() -> None:
        try:
            with app.app_context():
                client = app.test_client()
                with client.session_transaction() as session:
                    session["_user_id"] = session_id
                barrier.wait(10)
                codes.append(client.post(f"/tavoli/{slug}/partecipa").status_code)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=join) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and codes == [303] * 24
    db.session.commit()
    assert member_ids(g) == {owner.id, anna.id}
    assert db.session.get(Group, g.id).member_count == 2


def test_facilitators_moderate_their_groups_threads_and_site_moderators_cannot_read_them(
        app, client, login):
    owner, anna, moderator = make_user(), make_user(), make_user("moderator")
    g = group(owner, kind=GroupKind.ON_REQUEST)
    decide_request(owner, g.id, request_to_join(anna, g.id).id, approve=True)
    question = ask_in(g, anna)
    answer = make_answer(question, anna, body="Risposta da nascondere nel tavolo.")
    login(moderator)
    assert client.get(f"/moderazione/answer/{answer.id}/nascondi").status_code == 404
    assert client.post(f"/domande/{question.id}/moderazione/blocca",
                       data={"reason": "Prova"}).status_code == 404
    login(owner)
    response = client.post(f"/moderazione/answer/{answer.id}/nascondi",
                           data={"reason": "Fuori tema per il tavolo."})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/domande/{question.id}#risposta-{answer.id}")
    from forum.models import Answer

    assert db.session.get(Answer, answer.id).hidden_at is not None
    assert client.post(f"/domande/{question.id}/moderazione/blocca",
                       data={"reason": "Discussione conclusa."}).status_code == 303


def test_a_public_thread_cannot_be_closed_as_duplicate_of_a_restricted_groups_thread(
        app, client, login):
    from forum.moderation.threads import close_question
    from tests.factories import make_question

    owner, moderator = make_user(), make_user("moderator")
    g = group(owner, kind=GroupKind.PRIVATE)
    private = ask_in(g, owner, "Riservata: graduatorie del nido del tavolo")
    public = make_question()
    with pytest.raises(Exception) as refused:
        close_question(moderator, public.id, reason="duplicate", duplicate_of=str(private.id))
    assert "non esiste" in str(refused.value.field_errors)  # type: ignore[attr-defined]
    login(moderator)
    page = client.get(f"/domande/{public.id}").get_data(as_text=True)
    assert "Riservata: graduatorie" not in page


def test_group_pages_cost_the_same_statements_with_few_or_many_discussions_and_members(
        app, client, login, query_counter):
    owner = make_user()
    g = group(owner, kind=GroupKind.ON_REQUEST)
    login(owner)

    def grow(n: int) -> None:
        for _ in range(n):
            newcomer = make_user()
            decide_request(owner, g.id, request_to_join(newcomer, g.id).id, approve=True)
            ask_in(g, newcomer, f"Domanda del tavolo numero {newcomer.id} sulle tariffe")
            request_to_join(make_user(), g.id)

    def counts() -> tuple[int, int, int]:
        found = []
        for url in (f"/tavoli/{g.slug}", f"/tavoli/{g.slug}/membri", "/tavoli"):
            with query_counter.counting() as counted:
                assert client.get(url).status_code == 200
            found.append(counted.count)
        return found[0], found[1], found[2]

    grow(2)
    few = counts()
    grow(12)
    assert counts() == few
