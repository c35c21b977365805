"""The launch funnel is kept between views and counted again as soon as a wave's invitations are sent."""
from __future__ import annotations

from tests.launch.test_waves import send
from tests.pairing.conftest import page_text


def test_invitations_sent_show_on_the_funnel_at_once(admin_client, db, program, organisation):
    before = page_text(admin_client.get("/admin/launch"))
    assert "Nobody invited yet." in before and "Figures as of " in before
    assert "Nobody invited yet." in page_text(admin_client.get("/admin/dashboard"))
    send(admin_client, 2)  # wave two: everyone not registered
    after = page_text(admin_client.get("/admin/launch"))
    assert "Nobody invited yet." not in after and "Everyone invited 6 0" in after
    assert "6 invited → 0 registered" in page_text(admin_client.get("/admin/dashboard"))
