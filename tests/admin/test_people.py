"""The admin's list of participants, as a page and as the htmx fragment its filter asks for."""


def test_people_list_filters_and_serves_fragment_to_htmx(client, admin, create_user):
    create_user("zed@example.org", roles=("mentor",), name="Zed Zimmer")
    create_user("amy@example.org", roles=("mentee",), name="Amy Adams")
    client.login("admin@example.org")

    full = client.get("/admin/people?q=zed").get_data(as_text=True)
    assert "<html" in full and "Zed Zimmer" in full and "Amy Adams" not in full

    fragment = client.get("/admin/people?q=zed", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment
    assert "Zed Zimmer" in fragment and "1 participant." in fragment

    mentees = client.get("/admin/people?role=mentee").get_data(as_text=True)
    assert "Amy Adams" in mentees and "Zed Zimmer" not in mentees
