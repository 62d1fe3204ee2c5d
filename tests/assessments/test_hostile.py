"""The criteria editor and the answers form fed the naughty-string corpus and an XSS list:
never a 5xx, never a script on a page, and every page still renders afterwards."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.models import Criterion
from tests.assessments.helpers import checklist
from tests.factories import make_guideline, make_user
from tests.hostile import SAMPLE


def test_the_criteria_editor_takes_any_text(client, login):
    guideline = make_guideline()
    login(make_user("editor"))
    url = f"/autovalutazione/{guideline.slug}/criteri"
    codes = set()
    for n, text in enumerate(SAMPLE):
        data = {"area": text, "title": text, "explanation": text,
                "scale_max": text if n % 3 == 0 else "4", "themes": [text]}
        if n % 2:
            data.pop("themes")
        response = client.post(url, data=data)
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
        if len(db.session.scalars(select(Criterion.id)).all()) >= 55:
            break
    assert codes <= {303, 422}, codes
    assert 303 in codes and 422 in codes
    page = client.get(url)
    assert page.status_code == 200 and "<script>alert" not in page.get_data(as_text=True)
    criterion = db.session.scalars(select(Criterion)).first()
    assert criterion is not None
    response = client.get(f"{url}/{criterion.id}")
    assert response.status_code == 200


def test_the_answers_form_takes_any_text_in_notes_and_scores(client, login):
    guideline, criteria = checklist()
    member = make_user()
    login(member)
    url = f"/autovalutazione/{guideline.slug}"
    codes = set()
    for n, text in enumerate(SAMPLE):
        target = criteria[n % len(criteria)]
        data = {f"score-{target.id}": text if n % 4 == 0 else str(n % 5),
                f"note-{target.id}": text, f"note-{text[:30]}": text}
        response = client.post(url, data=data)
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
    assert codes <= {303, 422}, codes
    assert 303 in codes and 422 in codes
    for page in (url, f"{url}/risultati", "/autovalutazione"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert "<script>alert" not in response.get_data(as_text=True)
