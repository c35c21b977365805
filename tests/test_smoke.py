"""The portal starts, answers its health check and serves its pages."""


def test_health_checks_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_home_page_shows_programme_and_timeline(client, program):
    html = client.get("/").get_data(as_text=True)
    assert program.name in html
    assert "Mentor registration" in html and "Pairing window" in html


def test_front_end_packages_are_served_from_npm_install(client):
    assert client.get("/vendor/htmx.min.js").status_code == 200
    assert client.get("/vendor/pico.min.css").status_code == 200
    assert client.get("/vendor/anything-else.js").status_code == 404


def test_health_answers_503_when_the_database_is_unreachable(free_tcp_port):
    from portal import create_app

    app = create_app({
        "database": {"url": f"postgresql://nobody@127.0.0.1:{free_tcp_port}/none"},
        "jobs": {"immediate": True},
        "flask": {"TESTING": True, "SECRET_KEY": "x"},
    })
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    page = client.get("/login")
    assert page.status_code == 503
    assert "cannot reach its database" in page.get_data(as_text=True)


def test_ids_too_large_for_the_database_are_404(client, create_user):
    create_user("reader@example.org")
    client.login("reader@example.org")
    for path in ("/people/99999999999999999999", "/mentors/99999999999999999999", "/matches/99999999999999999999"):
        assert client.get(path).status_code == 404


def test_htmx_gets_the_fragment_but_a_history_restore_gets_the_page(client, admin):
    client.login("admin@example.org")
    fragment = client.get("/admin/people", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    restore = client.get("/admin/people", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)
