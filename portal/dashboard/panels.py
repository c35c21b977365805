"""The dashboard's charts, made from its figures: each with a title and a sentence saying what it shows."""
from __future__ import annotations

from portal import kept
from portal.dashboard import figures as counting
from portal.dashboard.charts import Chart
from portal.dashboard.figures import Figures
from portal.leaving.operations import REASONS
from portal.models import Program

SCORES = ["1", "2", "3", "4", "5"]


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def charts(figures: Figures) -> dict[str, Chart]:
    """Every chart of the dashboard, by key."""
    return {chart.key: chart for chart in (
        _progress(figures), _rates(figures), _scores("ratings", "Session ratings by month", figures.ratings_by_month,
                                                     figures.average_rating, figures.feedback),
        _scores("fit", "Fit ratings by month", figures.fit_by_month, figures.average_fit, figures.fit_answers),
        _surveys(figures), _leavers(figures),
    )}


def counted(program: Program) -> tuple[Figures, dict[str, Chart]]:
    """The figures and their charts, drawn now so that the views that show them draw nothing."""
    numbers = counting.gather(program)
    drawn = charts(numbers)
    for chart in drawn.values():
        chart.svg()
    return numbers, drawn


kept.define("dashboard", counted)


def _progress(figures: Figures) -> Chart:
    days = figures.progress
    total = days[-1][3] if days else 0
    busiest = sorted(days, key=lambda d: -d[2])[:2]
    peaks = " and ".join(f"day {d[0]} ({d[2]})" for d in sorted(busiest) if d[2])
    summary = (f"{_count(total, 'pair')} matched over {_count(len(days), 'day')} since pairing opened; "
               f"the most were matched on {peaks}." if total else "No pairs matched yet.")
    return Chart("progress", "Pairs matched, by day since pairing opened", summary, [d[0] for d in days],
                 [("Matched in total", [d[3] for d in days]), ("Matched that day", [d[2] for d in days])],
                 kind="line", x_title="Days since pairing opened", y_title="Pairs")


def _rates(figures: Figures) -> Chart:
    summary = (f"{_count(figures.rate_pairs, 'pair')} matched a month or more held {figures.rate} sessions "
               "per pair per month; " + ", ".join(f"{count} {label}" for label, count in figures.rate_bins) + "."
               if figures.rate_pairs else "No pair has been matched for a month yet.")
    return Chart("rates", "Pairs by sessions per month", summary, [label for label, _ in figures.rate_bins],
                 [("Pairs", [count for _, count in figures.rate_bins])], x_title="Sessions per month", y_title="Pairs")


def _scores(key: str, title: str, months: list, average, answers: int) -> Chart:
    summary = (f"{_count(answers, 'answer')} averaging {average} out of 5, over {_count(len(months), 'month')}."
               if answers else "No answers yet.")
    return Chart(key, title, summary, [m[0] for m in months],
                 [(f"{score} of 5", [m[1][i] for m in months]) for i, score in enumerate(SCORES)],
                 kind="stacked", y_title="Answers")


def _surveys(figures: Figures) -> Chart:
    sent = [(label, rows) for label, sent_at, rows in figures.surveys if sent_at]
    rates = {(label, row["role"]): row["rate"] or 0 for label, rows in sent for row in rows}
    summary = ("; ".join(f"{label}: " + ", ".join(f"{row['rate'] or 0}% of {row['role']}s" for row in rows)
                         for label, rows in sent) + " answered."
               if sent else "No survey sent yet.")
    return Chart("surveys", "Survey response rate by role", summary, [label for label, _ in sent],
                 [(f"{role.capitalize()}s", [rates.get((label, role), 0) for label, _ in sent])
                  for role in ("mentor", "mentee")], y_title="Per cent answered")


def _leavers(figures: Figures) -> Chart:
    months = figures.left_by_month
    left = sum(m[1] + m[2] for m in months)
    reasons = ", ".join(f"{REASONS.get(r, r).lower()} ({m + e})" for r, m, e in figures.left_by_reason[:3])
    people = "person" if left == 1 else "people"
    summary = (f"{left} {people} left over {_count(len(months), 'month')}; the commonest reasons: {reasons}."
               if left else "Nobody has left.")
    return Chart("leavers", "People who left, by month and role", summary, [m[0] for m in months],
                 [("Mentors", [m[1] for m in months]), ("Mentees", [m[2] for m in months])],
                 kind="stacked", y_title="People")
