"""Dashboard figures on a known data set (see tests/dashboard/helpers.py), and the
filters' parsing."""

from __future__ import annotations

from datetime import date

import pytest

from forum.dashboard.filters import MAX_MONTHS, DashboardFilters, parse_filters
from forum.dashboard.queries import dashboard, theme_choices
from tests.dashboard.helpers import NOW, THEME_A, THEME_B, known_world

PERIOD = DashboardFilters(date(2026, 1, 1), date(2026, 6, 1))


def _board(filters: DashboardFilters = PERIOD):  # type: ignore[no-untyped-def]
    return dashboard(filters, theme_choices(), now=NOW)


def _slice(rows, key):  # type: ignore[no-untyped-def]
    return next(row.figures for row in rows if row.key == key)


def test_overall_question_figures_count_only_visible_public_questions(app):
    known_world()
    overall = _board().overall
    assert (overall.asked, overall.answered) == (5, 3)
    assert overall.answer_rate == pytest.approx(0.6)


def test_median_time_to_first_answer_takes_the_middle_of_an_odd_count(app):
    known_world()
    assert _board().overall.median_first_answer_h == pytest.approx(4)


def test_median_time_to_solution_averages_the_middle_two_of_an_even_count(app):
    known_world()
    assert _board().overall.median_solution_h == pytest.approx(14.5)


def test_hidden_answers_do_not_count_as_first_answer(app):
    known_world()
    march = _slice(_board().by_month, "2026-03")
    assert march.median_first_answer_h == pytest.approx(3)  # 2 h and 4 h, not the hidden 1 h


def test_unanswered_after_48h_counts_late_and_missing_answers_of_old_enough_questions(app):
    known_world()
    board = _board()
    assert (board.overall.eligible_48h, board.overall.unanswered_48h) == (4, 2)
    assert board.overall.unanswered_48h_share == pytest.approx(0.5)
    june = _slice(board.by_month, "2026-06")
    assert (june.asked, june.eligible_48h, june.unanswered_48h_share) == (1, 0, None)


def test_by_month_lists_every_month_of_the_period_even_empty_ones(app):
    known_world()
    board = _board()
    assert [row.key for row in board.by_month] == [
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    april = _slice(board.by_month, "2026-04")
    assert (april.asked, april.answered, april.unanswered_48h) == (2, 1, 2)
    assert april.median_first_answer_h == pytest.approx(72)
    assert _slice(board.by_month, "2026-01").asked == 0


def test_by_theme_and_by_region_split_the_questions(app):
    known_world()
    board = _board()
    theme_a, theme_b = _slice(board.by_theme, THEME_A), _slice(board.by_theme, THEME_B)
    assert (theme_a.asked, theme_a.answered, theme_b.asked, theme_b.answered) == (3, 2, 2, 1)
    emilia, lazio = _slice(board.by_region, "08"), _slice(board.by_region, "12")
    assert (emilia.asked, lazio.asked) == (3, 2)
    assert emilia.median_solution_h == pytest.approx(14.5)


def test_active_members_are_distinct_posters_and_voters_in_the_period(app):
    known_world()
    board = _board()
    assert board.overall.active_members == 5
    assert _slice(board.by_month, "2026-04").active_members == 3  # asker_b, answerer_d, voter
    assert _slice(board.by_region, "03").active_members == 1


def test_practices_published_and_replicated_by_month_theme_and_region(app):
    known_world()
    board = _board()
    assert (board.overall.practices_published, board.overall.practices_replicated) == (2, 1)
    assert _slice(board.by_month, "2026-03").practices_replicated == 1
    assert _slice(board.by_theme, "giovani").practices_published == 1
    assert _slice(board.by_region, "08").practices_replicated == 1


def test_event_attendance_counts_confirmed_places_of_past_public_events(app):
    known_world()
    board = _board()
    assert (board.overall.registered, board.overall.attended) == (4, 3)
    assert board.overall.attendance_rate == pytest.approx(0.75)
    assert _slice(board.by_theme, THEME_B).registered == 1
    assert _slice(board.by_theme, THEME_A).registered == 4  # an event counts in each theme


def test_theme_and_region_filters_narrow_every_figure(app):
    known_world()
    board = _board(DashboardFilters(date(2026, 1, 1), date(2026, 6, 1), theme=THEME_B))
    assert (board.overall.asked, board.overall.practices_published) == (2, 1)
    assert [row.key for row in board.by_theme] == [THEME_B]
    board = _board(DashboardFilters(date(2026, 1, 1), date(2026, 6, 1), region="08"))
    assert (board.overall.asked, board.overall.registered) == (3, 3)
    assert [row.key for row in board.by_region] == ["08"]


def test_period_filter_leaves_out_what_happened_outside_it(app):
    known_world()
    board = _board(DashboardFilters(date(2026, 4, 1), date(2026, 4, 1)))
    assert board.overall.asked == 2
    assert board.overall.practices_published == 0


def test_default_filters_are_the_last_twelve_months():
    filters = parse_filters({}, ["giovani"], date(2026, 6, 15))
    assert (filters.start, filters.end, filters.messages) == (
        date(2025, 7, 1), date(2026, 6, 1), ())


@pytest.mark.parametrize("args", [
    {"da": "2026-13"}, {"a": "ieri"}, {"da": "2026-05", "a": "2026-01"},
    {"tema": "inventato"}, {"regione": "99"}, {"da": "1999-01"}, {"da": "2000-01"},
])
def test_bad_filter_values_fall_back_to_the_default_with_a_message(args):
    filters = parse_filters(args, ["giovani"], date(2026, 6, 15))
    assert filters.messages
    assert len(filters.months) <= MAX_MONTHS
    assert filters.theme is None and filters.region is None
