"""The agenda editor's form."""
from __future__ import annotations

from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from portal.forms import PortalForm

MAX_QUESTIONS = 20


def lines(text: str | None) -> list[str]:
    """One guiding question per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _few_enough(form, field):
    if len(lines(field.data)) > MAX_QUESTIONS:
        raise ValidationError(f"Keep it to {MAX_QUESTIONS} questions or fewer; a session has only so much time.")


class AgendaForm(PortalForm):
    title = StringField("Title", validators=[InputRequired("Give the agenda a title."), Length(max=120)])
    duration_minutes = IntegerField("Suggested length (minutes)", default=60, validators=[
        InputRequired("How long does this session usually take?"),
        NumberRange(15, 240, "Between 15 and 240 minutes.")])
    summary = TextAreaField("In one or two sentences", validators=[Optional(), Length(max=500)])
    before = TextAreaField("Before you meet", validators=[Optional(), Length(max=5000), _few_enough],
                           description="One question or task per line.")
    during = TextAreaField("During the session", validators=[Optional(), Length(max=5000), _few_enough],
                           description="One question per line.")
    after = TextAreaField("After the session", validators=[Optional(), Length(max=5000), _few_enough],
                          description="One question or task per line.")
    body = TextAreaField("Notes for the pair (Markdown)", validators=[Optional(), Length(max=20000)],
                         description="Headings, lists and links in Markdown; HTML is shown as text.")

    def values(self) -> dict:
        return {"title": self.title.data.strip(), "duration_minutes": self.duration_minutes.data,
                "summary": (self.summary.data or "").strip(), "before": lines(self.before.data),
                "during": lines(self.during.data), "after": lines(self.after.data), "body": self.body.data or ""}
