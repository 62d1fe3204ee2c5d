"""The scale of a criterion: its labels, and what counts as a weak score.

Kept apart from the services and queries because forms, results and the seed all read it.
"""

from __future__ import annotations

from flask_babel import gettext as _

DEFAULT_SCALE = 4
SCALE_LIMITS = (1, 10)


def scale_labels(scale_max: int) -> list[tuple[int, str]]:
    """Each point of a 0..`scale_max` scale with its label: the ends always say what they
    mean; the default 0-4 scale names every step, longer scales show the number only."""
    named = {
        0: _("Non presente"),
        scale_max: _("Pienamente realizzato"),
    }
    if scale_max == DEFAULT_SCALE:
        named |= {1: _("Appena avviato"), 2: _("Parzialmente realizzato"),
                  3: _("In gran parte realizzato")}
    return [(n, f"{n} – {named[n]}" if n in named else str(n)) for n in range(scale_max + 1)]


def percent(score: float, scale_max: int) -> float:
    """A score as a share of its scale, 0-100."""
    return 100.0 * score / scale_max if scale_max else 0.0


def is_weak(score: int, scale_max: int) -> bool:
    """A score at or below half of its scale is weak.

    Half is the point where a criterion is at best "parzialmente realizzato": below it the
    organisation has more to do than it has done, which is where practices and solved
    threads from other organisations help most. Using `<=` keeps the middle step of an even
    scale (2 of 4) weak, and the rule is scale-free (2 of 4, 5 of 10, 0 of 1).
    """
    return 2 * score <= scale_max
