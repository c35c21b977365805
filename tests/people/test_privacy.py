"""The organisation's record of a person is theirs to download and goes when an admin deletes them."""
from __future__ import annotations

import io
import json

from portal.models import OrgPerson
from portal.organisation import operations
from portal.privacy import erasure, export

FILE = b"name,email,department,job title\nMia Mentee,mia@example.org,Legal,Paralegal\nAda,ada@example.org,HR,\n"


def imported(app, admin):
    with app.test_request_context():
        operations.confirm_import(operations.check_file(io.BytesIO(FILE), "people.csv", admin), admin)


def test_a_person_downloads_the_organisation_s_record_of_them(app, create_user, admin):
    mia = create_user("mia@example.org", roles=("mentee",))
    imported(app, admin)
    with app.test_request_context():
        data = json.loads("".join(export.as_json(mia)))
    [record] = data["organisation_record"]
    assert (record["department"], record["job_title"], record["status"]) == ("Legal", "Paralegal", "registered")


def test_deleting_a_person_removes_the_organisation_s_record_of_them_only(app, create_user, admin):
    mia = create_user("mia@example.org", roles=("mentee",))
    imported(app, admin)
    with app.test_request_context():
        erasure.erase(mia, admin)
    assert [p.email for p in OrgPerson.select()] == ["ada@example.org"]
