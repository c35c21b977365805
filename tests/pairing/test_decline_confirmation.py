"""Declining a request asks first, on a page that works without JavaScript, and keeps the reason typed."""
from __future__ import annotations

from tests.pairing.conftest import page_text
from tests.pairing.test_requests import fresh, requests_of  # noqa: F401  (fixtures too)


def test_declining_asks_first_and_keeps_the_reason(program, pairing_open, mia, olu, priya, browser):
    mentee = browser(mia.email)
    mentee.submit(f"/shortlist/{olu.id}", {"action": "add"}, page="/shortlist")
    mentee.submit("/requests", {"message": "Hello"}, page="/shortlist")
    [request] = requests_of(mia)
    mentor = browser(olu.email)

    asked = mentor.submit(f"/requests/{request.id}/decline", {"reason": "Fully \"booked\" <now>"}, page="/inbox")
    assert asked.status_code == 200
    text = page_text(asked)
    assert "Decline Mia Chen's request?" in text and 'Fully "booked" <now>' in text
    body = asked.get_data(as_text=True)
    assert 'name="reason" value="Fully &#34;booked&#34; &lt;now&gt;"' in body
    assert 'name="confirmed" value="yes"' in body and f'href="/inbox#request-{request.id}"' in body
    assert fresh(request).status == "pending"

    mentor.submit(f"/requests/{request.id}/decline", {"reason": 'Fully "booked" <now>', "confirmed": "yes"},
                  page="/inbox")
    assert (fresh(request).status, fresh(request).reason) == ("declined", 'Fully "booked" <now>')


def test_someone_elses_request_is_not_asked_about(program, pairing_open, mia, olu, priya, browser):
    mentee = browser(mia.email)
    mentee.submit(f"/shortlist/{olu.id}", {"action": "add"}, page="/shortlist")
    mentee.submit("/requests", {}, page="/shortlist")
    [request] = requests_of(mia)
    assert browser(priya.email).submit(f"/requests/{request.id}/decline", page="/inbox").status_code == 404
