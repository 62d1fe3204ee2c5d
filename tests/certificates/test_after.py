"""The after-the-event partial (`events/_after.html`) fed by `after_context`: organisers
see the forms for materials and the link to the ratings, a member present sees the
certificate link and the feedback form, a visitor only the materials."""

from __future__ import annotations

from flask import render_template
from flask_login import AnonymousUserMixin

from forum.certificates.feedback import give_feedback
from forum.certificates.materials import add_material
from forum.certificates.queries import after_context
from tests.certificates.helpers import ended_event
from tests.factories import make_user


def _render(app, viewer, event) -> str:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        return render_template("events/_after.html", **after_context(viewer, event))


def test_partial_shows_each_viewer_what_they_may_do(app) -> None:
    organiser, present, confirmed = make_user("moderator"), make_user(), make_user()
    event = ended_event(organiser, present=(present,), confirmed=(confirmed,))
    add_material(organiser, event.id, "Registrazione dell'incontro",
                 url="https://video.example.org/r")
    give_feedback(confirmed, event.id, 3, "Bene")

    page = _render(app, organiser, event)
    assert "Registrazione dell&#39;incontro" in page
    assert "Aggiungi un materiale" in page and "/elimina" in page
    assert f"/incontri/{event.slug}/valutazioni" in page
    assert "Scarica l" not in page

    page = _render(app, present, event)
    assert "Scarica l" in page and f"/incontri/{event.slug}/attestato" in page
    assert "Invia la valutazione" in page and "Aggiungi un materiale" not in page

    page = _render(app, confirmed, event)
    assert "Scarica l" not in page
    assert "Hai già dato un voto (3)" in page and 'value="3" checked' in page

    page = _render(app, AnonymousUserMixin(), event)
    assert "Registrazione dell&#39;incontro" in page
    for hidden in ("Aggiungi un materiale", "attestato", "Invia la valutazione", "/elimina"):
        assert hidden not in page
