"""What every form shares: the base form that refuses characters no database stores, and fields for numbers and
dates that only take values the portal can compute with."""
from __future__ import annotations

import datetime as dt
import decimal

from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, FieldList, FormField

# Dates the programme's arithmetic (phase lengths, time zones, reminders) stays well inside.
EARLIEST = dt.date(1970, 1, 1)
LATEST = dt.date(2199, 12, 31)
# PostgreSQL stores no NUL in text, and no person types one.
NUL = "\x00"
NUL_MESSAGE = "Remove the invisible control character (NUL) from this text."


def _leaves(fields):
    """The fields that hold what was typed, inside sub-forms and lists too."""
    for field in fields:
        if isinstance(field, FormField):
            yield from _leaves(field.form)
        elif isinstance(field, FieldList):
            yield from _leaves(field.entries)
        else:
            yield field


def within_calendar(day: dt.date) -> bool:
    """Whether a day is one the portal computes with (see CalendarDateField)."""
    return EARLIEST <= day <= LATEST


def plain_text(value: str | None, limit: int) -> str:
    """Free text read without a form class: NUL characters (invisible, and unstorable on PostgreSQL) dropped, cut to
    `limit` characters."""
    return (value or "").replace(NUL, "")[:limit]


class PortalForm(FlaskForm):
    """A FlaskForm whose every field (sub-forms' too) also refuses a NUL character, which PostgreSQL cannot store and
    no keyboard types."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in _leaves(self):
            if any(isinstance(value, str) and NUL in value for value in field.raw_data or ()):
                field.errors = [*field.errors, NUL_MESSAGE]
                valid = False
        return valid


class FiniteDecimalField(DecimalField):
    """A decimal field that takes only finite numbers: NaN, sNaN and infinities are no number to weigh with."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, decimal.Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(self.invalid_value_message or "Enter a number, like 2 or 0.5.")


class CalendarDateField(DateField):
    """A date field that takes only dates from 1970 to 2199, so no date computed from it leaves the calendar."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not within_calendar(self.data):
            self.data = None
            raise ValueError(f"Enter a date between {EARLIEST.year} and {LATEST.year}.")
