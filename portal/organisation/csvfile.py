"""Reading a people CSV: loose header names, one checked row at a time, so a file of any size streams."""
from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, field
from typing import IO, Iterator

# The columns a people file may have, each with the header names it is known by (compared without case, spaces or
# punctuation, so "Manager's e-mail" is "managersemail").
COLUMNS = {
    "name": ("name", "fullname", "displayname", "employeename", "person"),
    "email": ("email", "emailaddress", "mail", "workemail", "workemailaddress"),
    "department": ("department", "dept", "division", "team"),
    "job_title": ("jobtitle", "title", "position", "role"),
    "location": ("location", "office", "site", "city"),
    "manager_email": ("managersemail", "manageremail", "manageremailaddress", "managersemailaddress", "manager",
                      "linemanageremail", "linemanager"),
}
REQUIRED = ("name", "email")
MAX_LENGTH = 200  # longer values are cut, with a warning, rather than refused
_EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]+$")


class FileProblem(Exception):
    """The file as a whole cannot be read as a people CSV (not UTF-8, no header, no email column...)."""


@dataclass
class Header:
    columns: dict[str, int]  # our column -> its position in the file
    ignored: list[str] = field(default_factory=list)


@dataclass
class Row:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def normalise_email(value: str) -> str:
    return (value or "").strip().lower()


def valid_email(value: str) -> bool:
    return len(value) <= 254 and bool(_EMAIL.match(value))


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def match_header(names: list[str]) -> Header:
    """Which file column is which of ours; FileProblem if name or email has none."""
    lookup = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
    columns, ignored = {}, []
    for position, name in enumerate(names):
        column = lookup.get(_key(name))
        if column and column not in columns:
            columns[column] = position
        elif name.strip():
            ignored.append(name.strip())
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        found = ", ".join(n.strip() for n in names if n.strip()) or "nothing"
        raise FileProblem(f"The first line must name the columns; no {' or '.join(missing)} column was found "
                          f"(the first line has: {found}).")
    return Header(columns, ignored)


def _text(stream: IO[bytes]) -> Iterator[str]:
    """Lines of UTF-8 text (a byte-order mark dropped); FileProblem naming the first line that is not UTF-8."""
    # Split on b"\n" before decoding (never inside a UTF-8 character), so the error names the exact line; the line
    # ends stay as they are for the csv module, so quoted fields may hold line breaks.
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FileProblem(f"The file is not UTF-8 text: line {number} has characters in another encoding. Save it "
                              "from your spreadsheet as “CSV UTF-8” and upload it again.") from None
        if "\x00" in line:
            raise FileProblem("The file is not a CSV text file. Save it from your spreadsheet as “CSV UTF-8”.")
        yield line


def read(stream: IO[bytes]) -> tuple[Header, Iterator[Row]]:
    """The header and, lazily, every data row checked on its own (duplicates and managers are checked later)."""
    lines = _text(stream)
    first = next(lines, None)
    if first is None or not first.strip():
        raise FileProblem("The file is empty: it needs a first line naming the columns and a line per person.")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = match_header(next(csv.reader([first], delimiter=delimiter)))
    return header, _rows(header, csv.reader(lines, delimiter=delimiter))


def _rows(header: Header, reader) -> Iterator[Row]:
    ended = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FileProblem(f"Line {ended + 2} cannot be read as CSV ({error}); check its quotes.") from None
        # The record's first line (a quoted field may span several); the header was line 1.
        line, ended = ended + 2, reader.line_num
        if not any(f.strip() for f in fields):
            continue
        values, warnings = {}, []
        for column in COLUMNS:
            position = header.columns.get(column)
            value = fields[position].strip() if position is not None and position < len(fields) else ""
            if len(value) > MAX_LENGTH:
                warnings.append(f"{column.replace('_', ' ')} cut to {MAX_LENGTH} characters")
                value = value[:MAX_LENGTH]
            values[column] = value
        values["email"] = normalise_email(values["email"])
        values["manager_email"] = normalise_email(values["manager_email"])
        errors = []
        if not values["name"]:
            errors.append("missing name")
        if not values["email"]:
            errors.append("missing email")
        elif not valid_email(values["email"]):
            errors.append(f"“{values['email']}” is not an email address")
        if values["manager_email"] and not valid_email(values["manager_email"]):
            warnings.append(f"manager's email “{values['manager_email']}” is not an email address")
            values["manager_email"] = ""
        yield Row(line, values, errors, warnings)
