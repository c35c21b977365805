"""CSV for spreadsheets, written as it is read: a header, then rows in chunks, nothing held longer than a chunk."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 500


def cell(value) -> str | int | float:
    """A value as a spreadsheet should read it: times in ISO 8601, yes/no, text never taken for a formula."""
    if type(value) is str:  # most cells: tested first, as this runs for every cell of 100,000 rows
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    text = str(value)
    # A leading apostrophe makes the cell text in Excel, LibreOffice and Google Sheets.
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def stream(columns: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark (so Excel reads the accents), in chunks of CHUNK_ROWS rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([cell(c) for c in columns])
    yield ("\ufeff" + buffer.getvalue()).encode()
    buffer.seek(0)
    buffer.truncate()
    count = 0
    for row in rows:
        writer.writerow([cell(value) for value in row])
        count += 1
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()
