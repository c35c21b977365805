"""Importing the organisation's people: checked first, previewed, confirmed all or nothing, and again by email."""
from __future__ import annotations

import io
import re

import pytest

from portal.models import AuditLog, OrgPerson, PeopleImport, PeopleImportRow, Program
from portal.organisation import writing
from portal.programme import operations as programme

GOOD = (
    "Full Name,E-mail,Department,Job Title,Location,Manager's Email,Shoe size\n"
    "Ada Lovelace,ADA@Example.org,Research,Engineer,London,bob@example.org,4\n"
    "Bob Boss,bob@example.org,Research,Head of research,London,,5\n"
    "Cy Young,cy@example.org,Sales,,Leeds,nobody@example.org,\n"
)


def upload(client, text: str | bytes, name: str = "people.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.submit("/admin/people/import", {"file": (io.BytesIO(data), name)},
                         content_type="multipart/form-data")


def checked(client, text: str | bytes):
    """Upload a file and open its check page; (the page's address, its text)."""
    response = upload(client, text)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = client.get(response.location)
    assert page.status_code == 200
    return response.location, page.get_data(as_text=True)


def confirm(client, address: str):
    return client.submit(address, page=address)


@pytest.fixture
def admin_client(client, admin):
    client.login(admin.email)
    return client


def test_a_good_file_is_previewed_then_imported_and_a_second_import_updates_by_email(admin_client, db, program):
    address, page = checked(admin_client, GOOD)
    assert "3 rows checked: 0 errors" in page
    assert "Ignored column: Shoe size." in page
    assert "nobody@example.org is not in the file" in page  # a warning, not an error
    assert "adds 3 new people, updates 0 and leaves 0 unchanged" in page
    assert OrgPerson.select().count() == 0  # checking writes nobody

    done = confirm(admin_client, address)
    assert done.status_code == 302 and done.location.endswith(address)
    assert "3 new, 0 updated, 0 unchanged" in admin_client.get(address).get_data(as_text=True)
    people = {p.email: p for p in OrgPerson.select()}
    assert set(people) == {"ada@example.org", "bob@example.org", "cy@example.org"}
    ada = people["ada@example.org"]
    assert (ada.name, ada.department, ada.job_title, ada.location, ada.manager_email, ada.status, ada.user_id) == (
        "Ada Lovelace", "Research", "Engineer", "London", "bob@example.org", "invited", None)
    assert Program.get_by_id(program.id).organisation_size == 3
    assert PeopleImportRow.select().count() == 0  # the stored rows go once imported

    changed = GOOD.replace("Engineer", "Principal engineer").replace("ADA@Example.org", "ada@EXAMPLE.ORG")
    address, page = checked(admin_client, changed + "Di Dane,di@example.org,Sales,,,,\n")
    assert "adds 1 new person, updates 1 and leaves 2 unchanged" in page
    confirm(admin_client, address)
    assert OrgPerson.select().count() == 4
    assert OrgPerson.get(OrgPerson.email == "ada@example.org").job_title == "Principal engineer"
    assert PeopleImport.get_by_id(int(PeopleImport.select().order_by(PeopleImport.id.desc()).first().id)).counts == {
        "new": 1, "updated": 1, "unchanged": 2}
    assert Program.get_by_id(program.id).organisation_size == 4


def test_every_row_error_is_listed_by_line_and_nothing_is_written(admin_client, db):
    bad = (
        "name;email;department\n"
        ";nameless@example.org;Sales\n"
        "Not An Address;not-an-address;Sales\n"
        "Eve,;eve@example.org;\n"
        "Eve Again;EVE@example.org;\n"
        "Fine Person;fine@example.org;HR\n"
    )
    address, page = checked(admin_client, bad)
    assert "5 rows checked: 3 errors" in page
    rows = dict(re.findall(r"<tr><td>(\d+)</td><td>[^<]*</td><td>([^<]+)</td></tr>", page))
    assert rows["2"] == "missing name"
    assert "is not an email address" in rows["3"]
    assert rows["5"] == "eve@example.org is also on line 4"
    assert "Import 5 people" not in page and "Fix every error" in page

    refused = confirm(admin_client, address)
    assert refused.status_code == 302
    assert "Fix every error" in admin_client.get(refused.location).get_data(as_text=True)
    assert OrgPerson.select().count() == 0
    assert PeopleImport.get().status == "checked"


@pytest.mark.parametrize("content, message", [
    ("name,email\nJosé,jose@example.org\n".encode("latin-1"), "line 2 has characters in another encoding"),
    (b"", "The file is empty"),
    ("surname,phone\nA,1\n".encode(), "no name or email column"),
    ("name,email\n".encode(), "has nobody in it"),
])
def test_a_file_that_cannot_be_read_is_refused_with_the_reason_and_stores_nothing(admin_client, db, content, message):
    response = upload(admin_client, content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert PeopleImport.select().count() == 0 and PeopleImportRow.select().count() == 0


def test_utf8_with_a_byte_order_mark_and_crlf_line_ends_reads_as_utf8(admin_client, db):
    address, page = checked(admin_client, "\ufeffName,Email\r\nZoë Ørsted,zoe@example.org\r\n".encode())
    assert "1 row checked: 0 errors" in page
    confirm(admin_client, address)
    assert OrgPerson.get().name == "Zoë Ørsted"


def test_confirming_twice_imports_once(admin_client, db):
    address, _ = checked(admin_client, GOOD)
    confirm(admin_client, address)
    confirm(admin_client, address)
    assert OrgPerson.select().count() == 3
    assert AuditLog.select().where(AuditLog.action == "people.import").count() == 1


def test_a_tampered_or_unknown_import_link_is_not_found(admin_client, db):
    address, _ = checked(admin_client, GOOD)
    assert admin_client.get(address[:-3] + "abc").status_code == 404
    assert admin_client.get("/admin/people/import/not-a-token").status_code == 404


def test_an_import_that_fails_part_way_writes_nobody_and_says_so(admin_client, db, monkeypatch):
    address, _ = checked(admin_client, GOOD)

    def broken():
        raise RuntimeError("disk full")

    # Runs after every person is written, inside the same transaction.
    monkeypatch.setattr(writing, "_set_organisation_size", broken)
    response = confirm(admin_client, address)
    assert response.status_code == 302
    assert OrgPerson.select().count() == 0
    assert PeopleImport.get().status == "failed" and "disk full" in PeopleImport.get().problem
    assert "nothing was changed: RuntimeError: disk full" in admin_client.get(address).get_data(as_text=True)

    monkeypatch.undo()  # the disk has room again: the same checked file is imported on a second try
    assert "Try again" in admin_client.get(address).get_data(as_text=True)
    confirm(admin_client, address)
    assert OrgPerson.select().count() == 3 and PeopleImport.get().status == "done"


def test_people_who_have_an_account_are_registered_and_others_are_linked_when_they_confirm(
        admin_client, db, create_user, app):
    existing = create_user("bob@example.org", roles=("mentor",), name="Bob Boss")
    address, page = checked(admin_client, GOOD.replace("bob@example.org,4", "boss@example.org,4")
                            .replace(",bob@example.org,Research", ",BOB@example.org,Research"))
    assert "manager boss@example.org is not in the file or among the people imported" in page
    confirm(admin_client, address)
    bob = OrgPerson.get(OrgPerson.email == "bob@example.org")
    assert (bob.status, bob.user_id) == ("registered", existing.id)
    assert OrgPerson.get(OrgPerson.email == "ada@example.org").status == "invited"

    later = create_user("Cy@Example.org", roles=("mentee",))
    cy = OrgPerson.get(OrgPerson.email == "cy@example.org")
    assert (cy.status, cy.user_id) == ("registered", later.id)


def test_the_organisation_size_follows_imports_until_an_admin_types_one_on_the_settings_page(admin_client, db, program):
    confirm(admin_client, checked(admin_client, GOOD)[0])
    assert Program.get_by_id(program.id).organisation_size == 3
    settings = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "Set by each people import until you change it here." in settings

    form = {name: getattr(program, name).isoformat() for name in programme.DATE_FIELDS}
    saved = admin_client.submit("/admin/settings/programme", {**form, "name": program.name, "organisation_size": "1200",
                                                              "length_months": "", "action": "save"},
                                page="/admin/settings")
    assert saved.status_code == 302
    confirm(admin_client, checked(admin_client, GOOD + "Di Dane,di@example.org,Sales,,,,\n")[0])
    assert OrgPerson.select().count() == 4
    assert Program.get_by_id(program.id).organisation_size == 1200


def test_a_large_import_runs_as_a_job_and_the_page_says_so_while_it_runs(admin_client, db, app):
    from portal.organisation import operations

    address, _ = checked(admin_client, GOOD)
    upload_row = PeopleImport.get()
    with app.test_request_context():
        # Marked under way as a confirm does, before the job has run.
        PeopleImport.update(status="importing").where(PeopleImport.id == upload_row.id).execute()
        running = admin_client.get(address, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "Importing 3 people" in running and 'hx-trigger="every 2s"' in running and "<html" not in running
        PeopleImport.update(status="checked").where(PeopleImport.id == upload_row.id).execute()
        done = operations.confirm_import(PeopleImport.get_by_id(upload_row.id), None, background=True)
    assert done.status == "done" and OrgPerson.select().count() == 3
    assert "Imported" in admin_client.get(address).get_data(as_text=True)


def test_the_list_of_people_is_searchable_and_paginated(admin_client, db):
    rows = "".join(f"Person {n:03},p{n}@example.org,{'Sales' if n % 2 else 'Legal'}\n" for n in range(60))
    confirm(admin_client, checked(admin_client, "name,email,department\n" + rows)[0])
    first = admin_client.get("/admin/people/import").get_data(as_text=True)
    assert "60 people." in first and "Person 000" in first and "Person 059" not in first
    assert "Person 059" in admin_client.get("/admin/people/import?page=2").get_data(as_text=True)
    found = admin_client.get("/admin/people/import?q=legal", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "30 people matching" in found and "<html" not in found
    assert "1 person matching" in admin_client.get("/admin/people/import?q=P7@EXAMPLE").get_data(as_text=True)


def test_a_file_larger_than_other_uploads_is_taken_and_imported_by_the_job(admin_client, db):
    # 6,000 people and a wide column the import ignores: about 2.7 MB, over the 2 MB other forms may send, and over
    # the size the page imports at once rather than in a job.
    notes = "x" * 400
    rows = "".join(f"Person {n},p{n}@example.org,{notes}\n" for n in range(6000))
    address, page = checked(admin_client, "name,email,notes\n" + rows)
    assert "6000 rows checked: 0 errors" in page and "Ignored column: notes." in page
    confirm(admin_client, address)
    assert OrgPerson.select().count() == 6000
    assert "6000 new, 0 updated, 0 unchanged" in admin_client.get(address).get_data(as_text=True)


def test_a_line_the_csv_reader_cannot_read_is_named(admin_client, db):
    response = upload(admin_client, "name,email\nAda,ada@example.org\n" + "Bo,b@example.org," + "y" * 200_000 + "\n")
    assert response.status_code == 400
    assert "Line 3 cannot be read as CSV" in response.get_data(as_text=True)


def test_an_unconfirmed_account_does_not_claim_an_imported_person_until_its_address_is_confirmed(admin_client, db, app):
    from portal.accounts import emails, operations as accounts

    confirm(admin_client, checked(admin_client, GOOD)[0])
    with app.test_request_context():
        someone = accounts.create_user("ada@example.org", "Ada", "a long password here", confirmed=False)
        assert OrgPerson.get(OrgPerson.email == "ada@example.org").status == "invited"
        accounts.confirm_email(accounts.user_for_confirmation(emails.confirm_token(someone)))
    ada = OrgPerson.get(OrgPerson.email == "ada@example.org")
    assert (ada.status, ada.user_id) == ("registered", someone.id)
