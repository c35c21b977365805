"""Who may open each pairing page, whose data each one shows and changes, and the htmx shortlist widget."""
from __future__ import annotations

import pytest

from portal.models import Match, MatchRequest, Shortlist
from portal.pairing import operations as ops
from tests.pairing.conftest import page_text

# Every pairing route, with the method the access rule is checked by.
ROUTES = [
    ("GET", "/mentors"),
    ("GET", "/mentors/{mentor}"),
    ("GET", "/shortlist"),
    ("POST", "/shortlist/{mentor}"),
    ("POST", "/requests"),
    ("GET", "/inbox"),
    ("POST", "/requests/{request}/approve"),
    ("POST", "/requests/{request}/decline"),
    ("POST", "/requests/{request}/withdraw"),
    ("GET", "/matches/{match}"),
    ("GET", "/admin/unpaired"),
    ("POST", "/admin/settings/pairing"),
]


@pytest.fixture
def cast(program, pairing_open, within, make_mentee, make_mentor, create_user, admin):
    """Two mentees, two mentors (one a mentor only), a request to each mentor, one match, an outsider, an admin."""
    mia = make_mentee("mia@example.org", "Mia Chen")
    noah = make_mentee("noah@example.org", "Noah Kim")
    zoe = make_mentee("zoe@example.org", "Zoe Matched")
    olu = make_mentor("olu@example.org", "Olu Okafor", capacity=2)
    priya = make_mentor("priya@example.org", "Priya Shah", capacity=2)
    rosa = make_mentor("rosa@example.org", "Rosa Diaz")
    outsider = create_user("out@example.org", roles=(), name="Oscar Outsider")
    with within():
        ops.add_to_shortlist(program, mia, olu)
        ops.add_to_shortlist(program, noah, priya)
        ops.add_to_shortlist(program, noah, rosa)
        to_olu = ops.send_request(program, mia)
        to_priya = ops.send_request(program, noah)
        match = ops.create_match(program, rosa, zoe, made_by="admin", actor=admin)
    return {"mia": mia, "noah": noah, "zoe": zoe, "olu": olu, "priya": priya, "rosa": rosa, "outsider": outsider,
            "admin": admin, "to_olu": to_olu, "to_priya": to_priya, "match": match}


def url(template: str, cast) -> str:
    return template.format(mentor=cast["olu"].id, request=cast["to_olu"].id, match=cast["match"].id)


def send(client, method: str, path: str, data: dict | None = None, **kwargs):
    if method == "GET":
        return client.get(path, **kwargs)
    return client.submit(path, data or {}, page="/", **kwargs)


def test_the_route_list_covers_every_pairing_route(app):
    registered = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules() if rule.endpoint.startswith("pairing.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {
        (method, path.replace("{mentor}", "<int:user_id>", 1) if path.startswith("/mentors/") else
         path.replace("{mentor}", "<int:mentor_id>").replace("{request}", "<int:request_id>")
         .replace("{match}", "<int:match_id>"))
        for method, path in ROUTES
    }
    assert registered == listed


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_anonymous_visitors_are_sent_to_log_in(cast, client, method, path):
    response = send(client, method, url(path, cast), {"action": "add"})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


# --- mentees -------------------------------------------------------------------------------------------------------


def test_a_mentee_cannot_answer_requests(cast, browser):
    client = browser("mia@example.org")

    for request in (cast["to_olu"], cast["to_priya"]):
        for action in ("approve", "decline"):
            assert send(client, "POST", f"/requests/{request.id}/{action}").status_code == 404
    assert send(client, "POST", "/requests/99999/approve").status_code == 404
    assert {r.status for r in MatchRequest.select()} == {"pending"}
    assert Match.select().count() == 1


def test_a_mentee_has_no_inbox(cast, browser):
    assert browser("mia@example.org").get("/inbox").status_code == 403


def test_the_shortlist_page_shows_only_the_viewers_own(cast, browser):
    mia_page = page_text(browser("mia@example.org").get("/shortlist"))
    noah_page = page_text(browser("noah@example.org").get("/shortlist"))

    assert "Olu Okafor" in mia_page
    assert "Priya Shah" not in mia_page and "Rosa Diaz" not in mia_page and "Noah" not in mia_page
    assert "Priya Shah" in noah_page and "Rosa Diaz" in noah_page
    assert "Olu Okafor" not in noah_page and "Mia" not in noah_page


def test_shortlist_changes_only_ever_touch_the_callers_list(program, cast, browser):
    mia, noah = cast["mia"], cast["noah"]
    client = browser(mia.email)

    def lists():
        return {who.id: [e.mentor_id for e in ops.shortlist_of(program, who)] for who in (mia, noah)}

    noahs = lists()[noah.id]
    # Removing or moving a mentor on Noah's list, from Mia's session: Noah's list does not change.
    for action in ("remove", "up", "down"):
        send(client, "POST", f"/shortlist/{cast['rosa'].id}", {"action": action})
        send(client, "POST", f"/shortlist/{cast['priya'].id}", {"action": action})
    assert lists()[noah.id] == noahs
    # Adding lands on Mia's own list only.
    send(client, "POST", f"/shortlist/{cast['priya'].id}", {"action": "add"})
    assert lists() == {mia.id: [cast["olu"].id, cast["priya"].id], noah.id: noahs}
    send(client, "POST", f"/shortlist/{cast['priya'].id}", {"action": "remove"})
    assert lists() == {mia.id: [cast["olu"].id], noah.id: noahs}
    assert Shortlist.select().where(Shortlist.mentee == noah).count() == 2


def test_a_mentees_request_is_their_own(cast, browser, program):
    """POST /requests takes no one's id: it always asks for the caller."""
    client = browser("zoe@example.org")
    send(client, "POST", "/requests", {"mentee": cast["noah"].id, "mentee_id": cast["noah"].id})

    assert "You already have a mentor." in page_text(client.get("/shortlist"))
    assert MatchRequest.select().where(MatchRequest.mentee == cast["noah"]).count() == 1


# --- mentors, outsiders and admins ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [("GET", "/shortlist"), ("POST", "/shortlist/{mentor}"),
                                              ("POST", "/requests"), ("POST", "/requests/{request}/withdraw")])
def test_a_mentor_who_is_not_a_mentee_has_no_shortlist(cast, browser, method, path):
    response = send(browser("priya@example.org"), method, url(path, cast), {"action": "add"})

    assert response.status_code == 403
    assert Shortlist.select().where(Shortlist.mentee == cast["priya"]).count() == 0
    assert MatchRequest.get_by_id(cast["to_olu"].id).status == "pending"


def test_a_mentor_answers_only_requests_sent_to_them(cast, browser):
    client = browser("priya@example.org")

    for action in ("approve", "decline"):
        assert send(client, "POST", f"/requests/{cast['to_olu'].id}/{action}").status_code == 404
    assert MatchRequest.get_by_id(cast["to_olu"].id).status == "pending"
    assert client.get("/inbox").status_code == 200
    inbox = page_text(client.get("/inbox"))
    assert "Noah Kim" in inbox and "Mia Chen" not in inbox


def test_someone_not_taking_part_sees_no_pairing_pages(cast, browser):
    client = browser("out@example.org")

    assert client.get("/mentors").status_code == 403
    assert client.get(f"/mentors/{cast['olu'].id}").status_code == 403
    assert client.get("/shortlist").status_code == 403
    assert client.get("/inbox").status_code == 403
    assert client.get("/admin/unpaired").status_code == 403
    assert client.get(f"/matches/{cast['match'].id}").status_code == 404


@pytest.mark.parametrize("email", ["mia@example.org", "olu@example.org", "admin@example.org"])
def test_the_directory_and_profiles_are_for_participants_and_admins(cast, browser, email):
    client = browser(email)

    directory = client.get("/mentors")
    profile = client.get(f"/mentors/{cast['olu'].id}")

    assert directory.status_code == 200 and "Olu Okafor" in page_text(directory)
    assert profile.status_code == 200 and "Olu Okafor" in page_text(profile)


def test_a_profile_is_only_for_mentors(cast, browser):
    client = browser("olu@example.org")

    assert client.get(f"/mentors/{cast['mia'].id}").status_code == 404
    assert client.get("/mentors/99999").status_code == 404


@pytest.mark.parametrize("email", ["mia@example.org", "olu@example.org", "zoe@example.org"])
def test_the_list_of_people_to_pair_is_for_admins(cast, browser, email):
    assert browser(email).get("/admin/unpaired").status_code == 403


def test_an_admin_sees_the_list_of_people_to_pair(cast, browser, make_mentee):
    make_mentee("lee@example.org", "Lee Waiting")

    response = browser("admin@example.org").get("/admin/unpaired")

    assert response.status_code == 200
    text = page_text(response)
    # Mia and Noah have requests waiting and Zoe is matched: only Lee is still to pair.
    assert "Lee Waiting" in text and "none yet" in text
    for name in ("Mia Chen", "Noah Kim", "Zoe Matched"):
        assert name not in text


def test_the_console_and_the_dashboard_count_the_people_to_pair(cast, browser, make_mentee, within, program):
    make_mentee("lee@example.org", "Lee Waiting")
    make_mentee("ivy@example.org", "Ivy Waiting")
    make_mentee("una@example.org", "Una Unfinished", complete=False)
    admin = browser("admin@example.org")

    # Lee and Ivy: Mia and Noah have requests waiting, Zoe is matched and Una has not finished her questionnaire.
    with within():
        assert ops.count_to_pair(program) == len(ops.still_to_pair(program)) == 2
    assert "Mentees still to pair 2 " in page_text(admin.get("/admin/pairing"))
    assert '<article class="figure" id="figure-to-pair">\n  <h3>2</h3>' in admin.get("/admin/dashboard").get_data(
        as_text=True)


# --- the htmx shortlist widget -------------------------------------------------------------------------------------


HX = {"HX-Request": "true"}


def test_htmx_add_returns_just_the_button(cast, browser, program):
    client = browser("mia@example.org")

    response = send(client, "POST", f"/shortlist/{cast['priya'].id}", {"action": "add"}, headers=HX)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<body" not in html
    assert 'class="shortlist-button"' in html and f'/shortlist/{cast["priya"].id}' in html
    assert "On your shortlist" in html and 'aria-pressed="true"' in html
    assert [e.mentor_id for e in ops.shortlist_of(program, cast["mia"])] == [cast["olu"].id, cast["priya"].id]

    response = send(client, "POST", f"/shortlist/{cast['priya'].id}", {"action": "remove"}, headers=HX)
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Add to shortlist" in html and "On your shortlist" not in html


def test_htmx_error_comes_back_in_the_button(cast, browser, set_setting, program):
    set_setting("shortlist_size", 1)
    client = browser("mia@example.org")

    response = send(client, "POST", f"/shortlist/{cast['priya'].id}", {"action": "add"}, headers=HX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "Your shortlist holds 1 mentor. Remove one to add another." in html
    assert "Add to shortlist" in html
    assert [e.mentor_id for e in ops.shortlist_of(program, cast["mia"])] == [cast["olu"].id]


def test_htmx_with_the_shortlist_as_target_returns_the_whole_list(cast, browser, program):
    client = browser("mia@example.org")
    send(client, "POST", f"/shortlist/{cast['priya'].id}", {"action": "add"})

    response = send(client, "POST", f"/shortlist/{cast['priya'].id}", {"action": "up"},
                    headers={**HX, "HX-Target": "shortlist"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert '<section id="shortlist"' in html
    text = page_text(response)
    assert text.index("Priya Shah") < text.index("Olu Okafor")
    assert "2 of 3 places used" in text
    assert [e.mentor_id for e in ops.shortlist_of(program, cast["mia"])] == [cast["priya"].id, cast["olu"].id]


def test_without_htmx_the_widget_redirects_back(cast, browser):
    client = browser("noah@example.org")
    olu = cast["olu"].id

    referred = client.submit(f"/shortlist/{olu}", {"action": "add"}, page="/mentors",
                             headers={"Referer": f"http://localhost/mentors/{olu}?from=list"})
    assert referred.status_code == 302 and referred.headers["Location"] == f"/mentors/{olu}?from=list"

    told = client.submit(f"/shortlist/{olu}", {"action": "remove", "next": "/mentors?q=data"}, page="/mentors")
    assert told.status_code == 302 and told.headers["Location"] == "/mentors?q=data"

    # Never back to another site.
    foreign = client.submit(f"/shortlist/{olu}", {"action": "add", "next": "https://evil.example/phish"},
                            page="/mentors")
    assert foreign.status_code == 302 and foreign.headers["Location"] == "/shortlist"
    bare = client.submit(f"/shortlist/{olu}", {"action": "remove"}, page="/mentors")
    assert bare.status_code == 302 and bare.headers["Location"] == "/shortlist"


@pytest.mark.parametrize("target", [
    "https://evil.example/phish",
    "//evil.example/phish",
    "/\\evil.example/phish",
    "http://localhost//evil.example/phish",
    "javascript:alert(1)",
])
def test_the_widget_never_sends_a_browser_to_another_site(cast, browser, target):
    """`next` (or Referer) that a browser would read as another host falls back to the shortlist."""
    client = browser("noah@example.org")

    by_form = client.submit(f"/shortlist/{cast['olu'].id}", {"action": "add", "next": target}, page="/mentors")
    by_referer = client.submit(f"/shortlist/{cast['olu'].id}", {"action": "remove"}, page="/mentors",
                               headers={"Referer": target})

    for response in (by_form, by_referer):
        assert response.status_code == 302 and response.headers["Location"] == "/shortlist"
