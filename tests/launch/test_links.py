"""The links in an invitation: registration filled in from a signed link, refused when tampered or expired; and an
unsubscribe page that opts the person out of every later wave, without logging in."""
from __future__ import annotations

import datetime as dt
import re

from portal.launch import plan
from portal.models import Email, OrgPerson


def links_of(admin_client, program, email: str) -> tuple[str, str]:
    """Send wave 1 to one person; (their registration link, their unsubscribe link), as paths."""
    wave = plan.wave(program, 1)
    wave.segment = {"by": "emails", "values": [email]}
    wave.save()
    admin_client.submit("/admin/launch/waves/1/send", {"confirmed": "yes"}, page="/admin/launch/waves/1/preview")
    text = Email.get(Email.to_address == email).text_body
    register = re.search(r"http://localhost(/register\?token=\S+)", text).group(1)
    unsubscribe = re.search(r"http://localhost(/unsubscribe/\S+)", text).group(1)
    return register, unsubscribe


def test_the_invitation_link_opens_registration_filled_in(app, admin_client, db, program, organisation):
    register, _ = links_of(admin_client, program, "hana@example.org")
    visitor = app.test_client()
    page = visitor.get(register)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="Hana Head"' in html and 'value="hana@example.org"' in html
    assert 'id="department" value="Research" readonly' in html


def test_a_tampered_or_expired_invitation_link_is_refused_with_a_clear_page(app, admin_client, db, program,
                                                                          organisation, time_machine):
    register, _ = links_of(admin_client, program, "hana@example.org")
    visitor = app.test_client()
    tampered = visitor.get(register[:-3] + ("aaa" if not register.endswith("aaa") else "bbb"))
    assert tampered.status_code == 404 and "This link does not work" in tampered.get_data(as_text=True)
    other_person = visitor.get(register.replace("token=", "token=x"))
    assert other_person.status_code == 404
    time_machine.move_to(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=61))
    expired = visitor.get(register)
    assert expired.status_code == 410 and "This link has expired" in expired.get_data(as_text=True)
    assert "Hana" not in expired.get_data(as_text=True)


def test_an_invitation_link_for_an_address_that_changed_no_longer_fits(app, admin_client, db, program, organisation):
    register, _ = links_of(admin_client, program, "hana@example.org")
    OrgPerson.update(email="hana.h@example.org").where(OrgPerson.email == "hana@example.org").execute()
    assert app.test_client().get(register).status_code == 404


def test_unsubscribing_asks_then_opts_out_of_every_later_wave(app, admin_client, db, program, organisation):
    _, unsubscribe = links_of(admin_client, program, "hana@example.org")
    visitor = app.test_client()
    asked = visitor.get(unsubscribe)
    assert asked.status_code == 200 and "Stop invitations to the mentoring programme?" in asked.get_data(as_text=True)
    assert OrgPerson.get(OrgPerson.email == "hana@example.org").status == "invited"  # a GET changes nothing
    token = re.search(r'name="csrf_token" value="([^"]+)"', asked.get_data(as_text=True)).group(1)
    done = visitor.post(unsubscribe, data={"csrf_token": token})
    assert done.status_code == 200 and "You will get no more invitations" in done.get_data(as_text=True)
    assert OrgPerson.get(OrgPerson.email == "hana@example.org").status == "opted_out"
    # Wave 2 (everyone) and wave 3 leave her out.
    admin_client.submit("/admin/launch/waves/2/send", {"confirmed": "yes"}, page="/admin/launch/waves/2/preview")
    assert Email.select().where(Email.to_address == "hana@example.org").count() == 1
    assert Email.select().count() == 1 + 5
    admin_client.submit("/admin/launch/waves/3/send", {"confirmed": "yes"}, page="/admin/launch/waves/3/preview")
    assert Email.select().where(Email.to_address == "hana@example.org").count() == 1


def test_a_tampered_unsubscribe_link_is_refused(app, admin_client, db, program, organisation):
    _, unsubscribe = links_of(admin_client, program, "hana@example.org")
    visitor = app.test_client()
    assert visitor.get(unsubscribe + "x").status_code == 404
    assert visitor.get(unsubscribe.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 404
    assert OrgPerson.get(OrgPerson.email == "hana@example.org").status == "invited"
