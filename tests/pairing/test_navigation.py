"""The top navigation leads someone with a match to it: "My match" for one, "My matches" for a mentor with more."""
from __future__ import annotations

import re

from portal.models import Match

NAV = re.compile(r'<nav class="container" aria-label="Main">(.*?)</nav>', re.S)


def nav_of(client, url: str = "/") -> str:
    return NAV.search(client.get(url).get_data(as_text=True)).group(1)


def test_my_match_appears_once_matched_and_leads_to_the_match(program, make_mentee, make_mentor, browser):
    mia = make_mentee("mia@example.org", "Mia Chen")
    olu = make_mentor("olu@example.org", "Olu Okafor", capacity=2)
    assert "My match" not in nav_of(browser(mia.email))

    match = Match.create(program=program, mentor=olu, mentee=mia, made_by="approval")
    for person in (mia, olu):
        nav = nav_of(browser(person.email))
        assert f'<a href="/matches/{match.id}" >My match</a>' in nav
    # On the match page itself the link says so to screen readers.
    assert f'<a href="/matches/{match.id}" aria-current="page">My match</a>' in nav_of(
        browser(mia.email), f"/matches/{match.id}")

    # A mentor with two mentees is led to the list of them; an ended match leads nowhere.
    leo = make_mentee("leo@example.org", "Leo Park")
    Match.create(program=program, mentor=olu, mentee=leo, made_by="approval")
    assert '<a href="/inbox#mentees-heading">My matches</a>' in nav_of(browser(olu.email))
    Match.update(ended_at=match.started_at).where(Match.id == match.id).execute()
    assert "My match" not in nav_of(browser(mia.email))
