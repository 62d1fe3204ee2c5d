"""The consultation forms fed the naughty-string corpus and an XSS list: never a 5xx,
never a script on the page, in the comment, the section address or the owners' answer."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import GuidelineComment
from tests.consultations.helpers import in_consultation
from tests.factories import make_user
from tests.hostile import HOSTILE, SAMPLE


def test_comments_and_answers_take_any_text(client, login, app):
    owner = make_user("editor")
    guideline = in_consultation(owner)
    base = f"/linee-guida/{guideline.slug}/consultazione"
    login(make_user())
    codes = set()
    for text in HOSTILE[1::6]:  # in the section's address (before any comment exists)
        anchor = quote(text[:60], safe="") or "x"
        response = client.post(f"{base}/sezioni/{anchor}/commenti",
                               data={f"s-{anchor}-body": "Un commento."})
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
    for text in SAMPLE:  # as the comment
        response = client.post(f"{base}/sezioni/passi/commenti", data={"s-passi-body": text})
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
    assert codes <= {303, 404, 405, 422}, codes
    assert 303 in codes
    login(owner)
    comment_id = db.session.scalar(select(func.min(GuidelineComment.id)))
    for text in HOSTILE[::7]:
        response = client.post(f"{base}/commenti/{comment_id}/risposta", data={
            f"r-{comment_id}-outcome": text, f"r-{comment_id}-reply": text})
        assert response.status_code in (303, 422), response.status_code
    page = client.get(base)
    assert page.status_code == 200
    assert "<script>alert" not in page.get_data(as_text=True)
