"""The dashboard page: charts as accessible SVG within the Content-Security-Policy, true words, and a number of SQL
statements that does not grow with the number of pairs."""
from __future__ import annotations

import datetime as dt

from lxml import html

from portal.models import FollowUp, Participant
from tests.dashboard.conftest import feedback, requested, session
from tests.pairing.conftest import page_text

NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
DAY = dt.timedelta(days=1)


def statements_for(client, url: str) -> int:
    return len(requested(client, url)[1])


def busy_programme(pairs, people, count: int, admin=None) -> None:
    """`count` pairs with sessions, feedback, follow-ups, leavers and fresh mentees: every part of the page has rows."""
    for match in pairs(count, NOW - 70 * DAY):
        held = session(match, NOW - 60 * DAY)
        session(match, NOW + 3 * DAY)
        answer = feedback(held, 2, 3, NOW - 59 * DAY)
        for resolved in (False, True):
            FollowUp.create(program=match.program_id, match=match, user=match.mentee_id, reason="low_rating",
                            source=f"feedback:{answer.id}:{resolved}", resolved_at=NOW if resolved else None,
                            resolved_by=admin if resolved else None)
    pairs(count, NOW - 20 * DAY)  # nothing booked
    _, mentees = people(0, count)
    Participant.update(status="exited", exited_at=NOW - DAY, exit_reason="workload").where(
        Participant.user.in_(mentees[: count // 2])).execute()


def test_the_dashboard_makes_as_many_sql_statements_for_five_times_the_pairs(admin, client, pairs, people):
    client.login(admin.email)
    client.get("/admin/dashboard")  # a first page loads what every page keeps (settings, counters)
    busy_programme(pairs, people, 2, admin)
    few = statements_for(client, "/admin/dashboard")
    busy_programme(pairs, people, 8, admin)
    many = statements_for(client, "/admin/dashboard")
    assert few == many and 10 < many < 60, (few, many)


def test_twenty_seven_matched_pairs_without_a_session_are_said_so(admin, client, pairs):
    matched = pairs(28, NOW - 30 * DAY)
    session(matched[0], NOW - 10 * DAY)
    client.login(admin.email)
    text = page_text(client.get("/admin/dashboard"))
    assert "Every matched pair" not in text
    assert "27 matched pairs have booked no session 14 days or more after matching" in text
    assert "1 of 28 matched pairs held their first session" in text
    assert "0 pairs that met in the last 45 days" not in text and "1 pairs that met in the last 45 days" in text


def test_charts_are_svg_with_a_title_a_text_alternative_and_a_table_and_nothing_the_policy_refuses(
        admin, client, pairs, people):
    busy_programme(pairs, people, 4)
    client.login(admin.email)
    tree = html.fromstring(client.get("/admin/dashboard").get_data(as_text=True))
    charts = tree.xpath('//figure[contains(@class, "chart")]')
    drawn = {figure.get("id"): figure for figure in charts if figure.xpath(".//svg")}
    assert {"chart-progress", "chart-rates", "chart-ratings", "chart-fit", "chart-leavers"} <= set(drawn)
    for figure in drawn.values():
        svg = figure.xpath(".//svg")[0]
        title, desc = svg.get("aria-labelledby").split()
        assert svg.get("role") == "img"
        assert svg.xpath(f'.//title[@id="{title}"]')[0].text and svg.xpath(f'.//desc[@id="{desc}"]')[0].text
        assert figure.xpath(".//table//tbody/tr")  # the numbers beneath
    # style-src 'self' and script-src 'self': no <style>, no style attribute and no script anywhere on the page.
    assert tree.xpath("//style | //script[not(@src)] | //*[@style]") == []
    rates = drawn["chart-rates"].xpath(".//table//tbody/tr")
    assert [row.xpath("string(th)") for row in rates][3] == "1.0 to 1.5 (target)"
