"""The promotion kit: texts filled with the programme's name, dates and registration address, and an A4 poster PDF
whose QR code, read back out of the PDF, opens the registration page."""
from __future__ import annotations

import datetime as dt
import io

import pytest
import zxingcpp
from pypdf import PdfReader

from portal.models import Program
from portal.promotion import poster

REGISTER = "http://localhost/register"


@pytest.fixture
def named(program) -> Program:
    Program.update(name="Grow Together 2027", mentor_registration_opens=dt.date(2026, 12, 1),
                   mentee_registration_opens=dt.date(2026, 12, 8), pairing_opens=dt.date(2026, 12, 15),
                   pairing_closes=dt.date(2027, 1, 5)).where(Program.id == program.id).execute()
    return Program.get_by_id(program.id)


@pytest.fixture
def admin_client(client, admin):
    client.login(admin.email)
    return client


def qr_codes(pdf: bytes) -> list[str]:
    """Every QR code in the PDF's images, decoded."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            found += [code.text for code in zxingcpp.read_barcodes(image.image.convert("L"))
                      if code.format == zxingcpp.BarcodeFormat.QRCode]
    return found


def test_the_page_offers_each_text_filled_in_and_the_poster(admin_client, named):
    response = admin_client.get("/admin/promotion")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for kind in ("email", "chat", "intranet"):
        assert f'id="{kind}-text"' in html and "readonly" in html
    texts = {kind: html.split(f'id="{kind}-text"')[1].split("</textarea>")[0] for kind in ("email", "chat", "intranet")}
    for kind, text in texts.items():
        assert "Grow Together 2027" in text and REGISTER in text, kind
    assert "Subject: Find a mentor, or become one: Grow Together 2027 is open" in texts["email"]
    assert "Tuesday 1 December 2026" in texts["email"] and "Monday 4 January 2027" in texts["intranet"]
    assert 'href="/admin/promotion/poster.pdf"' in html


def test_the_poster_is_an_a4_pdf_with_the_name_the_dates_and_a_qr_code_to_registration(admin_client, named):
    response = admin_client.get("/admin/promotion/poster.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    assert "Grow Together 2027" in text
    assert "Tuesday 1 December 2026" in text and "Monday 4 January 2027" in text and REGISTER in text
    assert qr_codes(response.data) == [REGISTER]


def test_a_name_in_any_script_and_a_long_one_keep_the_qr_code_on_the_page(app, named):
    named.name = "Programme de mentorat Łódź–Zürich 2027 " * 4
    with app.test_request_context():
        pdf = poster.make(named, REGISTER)
        without_fonts = poster.make(named, REGISTER, font_dirs=())

    assert "Łódź" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert qr_codes(pdf) == [REGISTER]
    # Without a Unicode font the built-in one prints what it cannot as "?", and the poster is still made.
    assert "?" in PdfReader(io.BytesIO(without_fonts)).pages[0].extract_text()
    assert qr_codes(without_fonts) == [REGISTER]
