"""Launch fixtures: an organisation of known people, and an admin logged in."""
from __future__ import annotations

import pytest

from portal.models import OrgPerson

PEOPLE = (
    # email, name, department, job title
    ("hana@example.org", "Hana Head", "Research", "Head of Research"),
    ("sam@example.org", "Sam Senior", "Research", "Senior Engineer"),
    ("jo@example.org", "Jo Junior", "Research", "Engineer"),
    ("lee@example.org", "Lee Lead", "Sales", "Sales Lead"),
    ("max@example.org", "Max Many", "Sales", "Account manager"),
    ("ned@example.org", "Ned New", "Finance", "Analyst"),
)


@pytest.fixture
def organisation(db):
    """Six people in three departments, all invited (not registered)."""
    return {email: OrgPerson.create(email=email, name=name, department=department, job_title=title)
            for email, name, department, title in PEOPLE}


@pytest.fixture
def admin_client(client, admin):
    client.login(admin.email)
    return client
