"""Booking and feedback forms; the admins' session settings."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from portal.forms import CalendarDateField, PortalForm
from portal.meetings.booking import LOCATION_KINDS, MAX_LOCATION


class BookingForm(PortalForm):
    slot = StringField("Suggested time", validators=[Optional(), Length(max=40)])  # an ISO date and time
    custom_date = CalendarDateField("Or a day of your own", validators=[Optional()])
    custom_time = StringField("At", validators=[Optional(), Length(max=5), Regexp(r"^([01]\d|2[0-3]):[0-5]\d$",
                                                                   message="A time like 14:30.")])
    location_kind = RadioField("How you meet", choices=list(LOCATION_KINDS.items()), default="virtual",
                               validators=[InputRequired("Choose virtual or in person.")])
    location = StringField("Meeting link or place", validators=[Optional(), Length(max=MAX_LOCATION)],
                           description="The video-call link for a virtual session (needed), or where you meet in person.")
    agenda = SelectField("Agenda", choices=[], validate_choice=False)  # booking checks it, an empty one is the default


RATINGS = [(1, "1 · poor"), (2, "2"), (3, "3 · fine"), (4, "4"), (5, "5 · excellent")]


class FeedbackForm(PortalForm):
    rating = RadioField("How useful was this session?", coerce=int, choices=RATINGS,
                        validators=[InputRequired("Choose a rating from 1 to 5.")])
    fit = RadioField("How well does your pairing fit?", coerce=int, choices=RATINGS,
                     validators=[InputRequired("Choose a rating from 1 to 5.")],
                     description="Be honest: a 2 or less lets the programme team help, quietly.")
    went_well = TextAreaField("What went well, or what would you change?", validators=[Optional(), Length(max=2000)])
    action_items = TextAreaField("Action items you agreed, one per line", validators=[Optional(), Length(max=3000)],
                                 description="They go on the list you both see on your match page and agenda pages.")


class SessionsForm(PortalForm):
    meeting_minutes = IntegerField("Session length, minutes", validators=[
        InputRequired("Enter a whole number."), NumberRange(15, 240, "Between 15 and 240 minutes.")])
    meeting_buffer_minutes = IntegerField(
        "Free time kept before and after, minutes",
        validators=[InputRequired("Enter a whole number."), NumberRange(0, 120, "Between 0 and 120 minutes.")])
    meeting_notice_hours = IntegerField(
        "Book at least this many hours ahead",
        validators=[InputRequired("Enter a whole number."), NumberRange(0, 336, "Between 0 and 336 hours.")])
    meeting_horizon_days = IntegerField(
        "Offer times up to this many days ahead",
        validators=[InputRequired("Enter a whole number."), NumberRange(1, 90, "Between 1 and 90 days.")])
    mentees_can_book = BooleanField("Mentees may book sessions too (by default the mentor books)")
