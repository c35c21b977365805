"""What a mentee meets along the way: page titles, wording once matched, withdrawing a request."""
from __future__ import annotations

import html
import re

import pytest

from portal.models import AuditLog, MatchRequest
from portal.pairing import operations as ops
from tests.pairing.conftest import emails_to, page_text


@pytest.fixture
def waiting(program, pairing_open, within, mia, olu, priya):
    """Mia's request to Olu, her first favourite, waiting for an answer."""
    with within():
        ops.add_to_shortlist(program, mia, olu)
        ops.add_to_shortlist(program, mia, priya)
        return ops.send_request(program, mia)


@pytest.fixture
def matched(waiting, within, olu):
    with within():
        return ops.approve_request(waiting, olu)


def title_of(response) -> str:
    found = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.DOTALL)
    assert found, "no <title>"
    return html.unescape(found.group(1))


def test_titles_are_plain_text(matched, olu, browser):
    mentee, mentor = browser("mia@example.org"), browser("olu@example.org")
    pages = [(mentee, f"/matches/{matched.id}"), (mentor, f"/matches/{matched.id}"), (mentee, "/mentors"),
             (mentee, f"/mentors/{olu.id}"), (mentee, "/shortlist"), (mentor, "/inbox"), (mentee, "/")]
    for client, path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        title = title_of(response)
        assert "<" not in title and "\n" not in title.strip(), (path, title)
    assert title_of(mentee.get(f"/matches/{matched.id}")).startswith("Olu Okafor and Mia Chen · ")


def test_the_leave_link_stays_on_the_match_page(matched, browser):
    response = browser("mia@example.org").get(f"/matches/{matched.id}")

    assert "Leave the programme" in page_text(response)


def test_a_matched_mentee_is_not_told_to_shortlist_or_request(matched, olu, priya, browser):
    mentee = browser("mia@example.org")

    directory = mentee.get("/mentors")
    profile = mentee.get(f"/mentors/{priya.id}")
    shortlist = mentee.get("/shortlist")

    assert "You are matched with Olu Okafor" in page_text(directory)
    for response in (directory, profile, shortlist):
        text = page_text(response)
        assert "Add to shortlist" not in text and "send your request" not in text, response.request.path
        assert "Request a match" not in text and "Choose my mentor" not in text, response.request.path
    assert "You are matched with Olu Okafor" in page_text(shortlist)
    assert "Your shortlist is empty" not in page_text(shortlist)


def test_a_mentee_still_choosing_is_offered_the_shortlist(program, pairing_open, mia, olu, browser):
    text = page_text(browser("mia@example.org").get("/mentors"))

    assert "Shortlist up to your favourites" in text and "Add to shortlist" in text


def test_a_mentee_withdraws_a_waiting_request_and_the_mentor_is_told(waiting, mia, olu, browser):
    mentee = browser("mia@example.org")
    assert "Withdraw my request to Olu" in page_text(mentee.get("/shortlist"))

    response = mentee.submit(f"/requests/{waiting.id}/withdraw", page="/shortlist")

    assert response.status_code == 302
    assert MatchRequest.get_by_id(waiting.id).status == "withdrawn"
    told = emails_to(olu, "Mia Chen withdrew their request")
    assert len(told) == 1 and "needs no answer" in told[0].text_body
    assert AuditLog.select().where(AuditLog.action == "request.withdraw").count() == 1
    page = page_text(mentee.get("/shortlist"))
    assert "withdrawn; we have told them" in page and "Withdraw my request" not in page
    # The mentor's inbox no longer asks for an answer.
    assert "Approve" not in page_text(browser("olu@example.org").get("/inbox"))


def test_only_the_mentee_who_sent_it_can_withdraw(waiting, make_mentee, browser):
    make_mentee("noah@example.org", "Noah Berg")

    response = browser("noah@example.org").submit(f"/requests/{waiting.id}/withdraw", page="/shortlist")

    assert response.status_code == 404
    assert MatchRequest.get_by_id(waiting.id).status == "pending"


def test_an_answered_request_cannot_be_withdrawn(matched, waiting, olu, browser):
    mentee = browser("mia@example.org")

    mentee.submit(f"/requests/{waiting.id}/withdraw", page="/shortlist")

    assert MatchRequest.get_by_id(waiting.id).status == "approved"
    assert emails_to(olu, "Mia Chen withdrew their request") == []


def _answer(program, user, key: str, value: str) -> None:
    from portal.models import Answer, Question

    Answer.create(program=program, user=user, question=Question.get(Question.program == program, Question.key == key),
                  value=value)


def test_people_with_the_same_name_are_told_apart_by_title_and_department(program, pairing_open, within, make_mentee,
                                                                         priya, browser):
    first, second = make_mentee("alex.k@example.org", "Alex Kim"), make_mentee("alex.kim@example.org", "Alex Kim")
    for person, title, department in ((first, "Data Analyst", "Finance"), (second, "Product Designer", "Design")):
        _answer(program, person, "role_title", title)
        _answer(program, person, "department", department)
        with within():
            ops.add_to_shortlist(program, person, priya)
            ops.send_request(program, person)
    _answer(program, priya, "role_title", "Staff Engineer")
    _answer(program, priya, "department", "Engineering")

    inbox = page_text(browser("priya@example.org").get("/inbox"))
    shortlist = page_text(browser("alex.k@example.org").get("/shortlist"))

    assert "Alex Kim Data Analyst · Finance" in inbox and "Alex Kim Product Designer · Design" in inbox
    assert "Priya Shah Staff Engineer · Engineering" in shortlist
