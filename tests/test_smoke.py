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
