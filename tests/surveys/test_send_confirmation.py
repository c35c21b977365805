"""Sending a survey now asks first, on a page that works without JavaScript."""
from __future__ import annotations

from portal.models import Survey
from tests.pairing.conftest import page_text
from tests.surveys.test_admin import ada  # noqa: F401  (fixture)


def test_send_now_asks_first(people, ada, smtp_sink):
    asked = ada.submit("/admin/surveys/end/send", page="/admin/surveys")
    assert asked.status_code == 200
    assert "Send the end-of-programme survey today instead of on its date?" in page_text(asked)
    assert "emailed now to 2 people" in page_text(asked)
    assert 'action="/admin/surveys/end/send"' in asked.get_data(as_text=True)
    assert Survey.get(Survey.kind == "end").sent_at is None and smtp_sink.messages == []

    assert ada.submit("/admin/surveys/end/send", {"confirmed": "yes"}, page="/admin/surveys").status_code == 302
    assert Survey.get(Survey.kind == "end").sent_at is not None
