"""The printable A4 poster: the programme's name, its dates and a QR code to the registration page, as a PDF drawn
with fpdf2 (the QR code by segno, embedded as a PNG)."""
from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from portal.chat import messages
from portal.chat.messages import long_date
from portal.models import Program

if TYPE_CHECKING:
    from fpdf import FPDF

# DejaVu Sans (Debian's fonts-dejavu-core) covers most scripts; without it the PDF's built-in Helvetica is used, which
# shows only Western European letters.
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
QR_SIZE_MM = 90


def _unicode_font(pdf: FPDF, font_dirs=FONT_DIRS) -> str | None:
    for folder in font_dirs:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu"
    return None


def qr_png(address: str) -> bytes:
    """The registration address as a QR code (error correction M, the standard quiet zone), as PNG."""
    import segno

    out = io.BytesIO()
    segno.make(address, error="m", micro=False).save(out, kind="png", scale=12, border=4)
    return out.getvalue()


def make(program: Program, address: str, font_dirs=FONT_DIRS) -> bytes:
    """The poster as PDF bytes."""
    # Imported here: fpdf2 and the font and image libraries it loads take about 50 MB, for a page seldom asked for.
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(f"{program.name}: poster")
    pdf.set_creator("Mentoring programme portal")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    family = _unicode_font(pdf, font_dirs)
    unicode = family is not None
    family = family or "Helvetica"

    def fit(text: str) -> str:
        # The built-in font has Latin-1 only: other letters print as "?" rather than stop the poster.
        return text if unicode else text.encode("latin-1", "replace").decode("latin-1")

    width = pdf.w - 2 * 20
    pdf.set_margins(20, 20, 20)
    pdf.set_fill_color(31, 78, 121)
    pdf.rect(0, 0, pdf.w, 12, style="F")
    pdf.set_xy(20, 26)
    pdf.set_font(family, "B", 14)
    pdf.set_text_color(31, 78, 121)
    pdf.cell(width, 8, fit("MENTORING PROGRAMME"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_text_color(20, 20, 20)
    # A long name gets smaller letters, so the QR code still fits on the page.
    size = 34 if len(program.name) <= 40 else 26 if len(program.name) <= 80 else 16
    pdf.set_font(family, "B", size)
    pdf.multi_cell(width, size * 0.42, fit(program.name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(family, "", 18)
    pdf.multi_cell(width, 9, fit("Find a mentor, or become one."), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(family, "", 13)
    dates = [
        f"Mentors sign up from {long_date(program.mentor_registration_opens)}",
        f"Mentees sign up from {long_date(program.mentee_registration_opens)}",
        f"Pairing opens {long_date(program.pairing_opens)}",
        f"Last day to sign up: {long_date(messages.last_registration_day(program))}",
    ]
    for line in dates:
        pdf.cell(width, 8, fit(line), align="C", new_x="LMARGIN", new_y="NEXT")
    top = max(pdf.get_y() + 8, 130)
    pdf.image(io.BytesIO(qr_png(address)), x=(pdf.w - QR_SIZE_MM) / 2, y=top, w=QR_SIZE_MM, h=QR_SIZE_MM)
    pdf.set_xy(20, top + QR_SIZE_MM + 4)
    pdf.set_font(family, "B", 16)
    pdf.cell(width, 9, fit("Scan to sign up"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 11)
    pdf.multi_cell(width, 6, fit(address), align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
