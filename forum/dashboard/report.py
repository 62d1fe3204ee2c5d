"""From the dashboard's figures to what people read: the charts, the tables that repeat
their figures, and the CSV. No queries here (the figures come from `queries.dashboard`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _

from forum.dashboard.charts import Chart, Series, bar_chart, line_chart
from forum.dashboard.queries import Dashboard, Figures, Slice
from forum.opendata.exports import safe_cell

Getter = Callable[[Figures], float | int | None]


@dataclass(frozen=True)
class Measure:
    """One figure: its column heading, how to read it, and whether it is a share (0-1,
    shown as a percentage) or hours (one decimal)."""

    label: str
    get: Getter
    kind: str = "count"  # "count", "share" or "hours"

    def shown(self, figures: Figures) -> str:
        """The figure as the page prints it ("—" when there is nothing to measure)."""
        value = self.get(figures)
        if value is None:
            return "—"
        if self.kind == "share":
            return format_decimal(value * 100, format="#,##0.0") + " %"
        if self.kind == "hours":
            return format_decimal(value, format="#,##0.0")
        return format_decimal(value, format="#,##0")

    def plotted(self, figures: Figures) -> float | None:
        """The figure as a chart draws it (shares as percentages)."""
        value = self.get(figures)
        if value is None:
            return None
        return float(value) * 100 if self.kind == "share" else float(value)


def measures() -> dict[str, Measure]:
    """Every figure of the dashboard, by name, labelled in the reader's language."""
    return {
        "asked": Measure(_("Domande"), lambda f: f.asked),
        "answered": Measure(_("Con almeno una risposta"), lambda f: f.answered),
        "answer_rate": Measure(_("Tasso di risposta"), lambda f: f.answer_rate, "share"),
        "eligible_48h": Measure(_("Domande con più di 48 ore"), lambda f: f.eligible_48h),
        "unanswered_48h": Measure(_("Senza risposta dopo 48 ore"), lambda f: f.unanswered_48h),
        "unanswered_48h_share": Measure(_("Quota senza risposta dopo 48 ore"),
                                        lambda f: f.unanswered_48h_share, "share"),
        "median_first_answer_h": Measure(_("Mediana alla prima risposta (ore)"),
                                         lambda f: f.median_first_answer_h, "hours"),
        "median_solution_h": Measure(_("Mediana alla soluzione accettata (ore)"),
                                     lambda f: f.median_solution_h, "hours"),
        "active_members": Measure(_("Membri attivi"), lambda f: f.active_members),
        "practices_published": Measure(_("Buone pratiche pubblicate"),
                                       lambda f: f.practices_published),
        "practices_replicated": Measure(_("Buone pratiche replicate"),
                                        lambda f: f.practices_replicated),
        "registered": Measure(_("Iscritti agli incontri (posti confermati)"),
                              lambda f: f.registered),
        "attended": Measure(_("Presenti"), lambda f: f.attended),
        "attendance_rate": Measure(_("Tasso di presenza"), lambda f: f.attendance_rate, "share"),
    }


@dataclass(frozen=True)
class Panel:
    """A chart and the table that follows it: rows are the slices, columns the measures."""

    anchor: str
    chart: Chart
    caption: str
    row_heading: str
    rows: Sequence[Slice]
    columns: Sequence[Measure]


def _series(rows: Sequence[Slice], chosen: Sequence[Measure]) -> list[Series]:
    return [Series(m.label, [m.plotted(row.figures) for row in rows]) for m in chosen]


def panels(board: Dashboard) -> list[Panel]:
    """The page's charts, each with its table: five over the months, then the answer rate
    by theme and by region (their tables carry every figure)."""
    m = measures()
    months = board.by_month
    labels = [row.label for row in months]
    month = _("Mese")
    monthly = [
        ("risposte", _("Risposte per mese (%)"), ["answer_rate", "unanswered_48h_share"],
         ["asked", "answered", "answer_rate", "eligible_48h", "unanswered_48h",
          "unanswered_48h_share"], "line", "%"),
        ("tempi", _("Tempi mediani per mese (ore)"),
         ["median_first_answer_h", "median_solution_h"],
         ["median_first_answer_h", "median_solution_h"], "line", _("ore")),
        ("membri", _("Membri attivi per mese"), ["active_members"], ["active_members"],
         "bar", ""),
        ("pratiche", _("Buone pratiche pubblicate e replicate per mese"),
         ["practices_published", "practices_replicated"],
         ["practices_published", "practices_replicated"], "bar", ""),
        ("incontri", _("Partecipazione agli incontri per mese"), ["registered", "attended"],
         ["registered", "attended", "attendance_rate"], "bar", ""),
    ]
    result = []
    for anchor, title, plotted, tabled, kind, unit in monthly:
        series = _series(months, [m[name] for name in plotted])
        percent = m[plotted[0]].kind == "share"
        chart = (line_chart(title, labels, series, unit=unit, percent=percent) if kind == "line"
                 else bar_chart(title, labels, series, unit=unit))
        result.append(Panel(anchor, chart, title, month, months, [m[n] for n in tabled]))
    everything = list(m.values())
    for anchor, title, rows, heading in (
            ("temi", _("Tasso di risposta per tema (%)"), board.by_theme, _("Tema")),
            ("regioni", _("Tasso di risposta per regione dell'autore (%)"), board.by_region,
             _("Regione"))):
        labelled = [Slice(row.key, row.label or _("Non indicata"), row.figures) for row in rows]
        chart = bar_chart(title, [row.label for row in labelled],
                          _series(labelled, [m["answer_rate"]]), percent=True, horizontal=True)
        result.append(Panel(anchor, chart, title, heading, labelled, everything))
    return result


def _raw(measure: Measure, figures: Figures) -> str:
    value = measure.get(figures)
    if value is None:
        return ""
    if measure.kind == "count":
        return str(int(value))
    return f"{float(value):.4f}" if measure.kind == "share" else f"{float(value):.2f}"


def to_csv(board: Dashboard) -> str:
    """The same figures as the page, one row per slice (the period, each month, theme and
    region); shares as fractions 0-1 and times in hours, with a dot for decimals."""
    m = measures()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Sezione"), _("Chiave"), _("Etichetta"),
                     *(measure.label for measure in m.values())])
    sections: list[tuple[str, Sequence[Slice]]] = [
        (_("Periodo"), [Slice(f"{board.filters.start:%Y-%m}/{board.filters.end:%Y-%m}",
                              _("Tutto il periodo"), board.overall)]),
        (_("Mese"), board.by_month), (_("Tema"), board.by_theme),
        (_("Regione"), board.by_region)]
    for section, rows in sections:
        for row in rows:
            writer.writerow([safe_cell(section), safe_cell(row.key),
                             safe_cell(row.label or _("Non indicata")),
                             *(_raw(measure, row.figures) for measure in m.values())])
    return out.getvalue()
