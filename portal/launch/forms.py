"""The wave editor's form."""
from __future__ import annotations

from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from portal.forms import CalendarDateField, PortalForm
from portal.launch import audience, plan


def _placeholders(form, field) -> None:
    try:
        unknown = plan.unknown_placeholders(field.data or "")
    except ValueError:
        raise ValidationError("A brace is not closed: write placeholders as {first_name}, and no other braces.")
    if unknown:
        raise ValidationError(f"Unknown placeholder{'s' if len(unknown) != 1 else ''}: "
                              + ", ".join("{" + name + "}" for name in unknown)
                              + ". Use " + ", ".join("{" + name + "}" for name in plan.PLACEHOLDERS) + ".")


def _one_line(form, field) -> None:
    # A line break in a header would be refused by the mail library when the email is sent, long after saving.
    if any(character in (field.data or "") for character in "\r\n"):
        raise ValidationError("Keep this on one line.")


def _has_link(form, field) -> None:
    if "{link}" not in (field.data or ""):
        raise ValidationError("Put {link} in the text: it is the person's own registration link.")


class WaveForm(PortalForm):
    send_on = CalendarDateField("Send on", validators=[InputRequired("Choose the day the wave goes out.")],
                                description="Scheduled waves go out by themselves on this day.")
    subject = StringField("Subject", validators=[DataRequired("Write a subject."), Length(max=200), _one_line,
                                                 _placeholders])
    body = TextAreaField("Text", validators=[DataRequired("Write the invitation."), Length(max=10000), _placeholders,
                                             _has_link])
    sender_name = StringField("Sent on behalf of", validators=[Optional(), Length(max=120), _one_line],
                              description="An executive's name, shown as the sender; the portal's address stays.")
    reply_to = EmailField("Reply-To", validators=[Optional(), Email("Enter a valid email address."), Length(max=200)],
                          description="Where replies go, for example the programme team's mailbox.")
    segment_by = SelectField("Who it goes to", choices=list(audience.SEGMENTS.items()))
    segment_values = TextAreaField("Values", validators=[Length(max=200_000)],
                                   description="One per line or separated by commas; case does not matter.")

    def __init__(self, *args, segmented: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.segmented = segmented
        if not segmented:
            del self.segment_by
            del self.segment_values

    def validate_segment_values(self, field) -> None:
        values = audience.segment_values(field.data or "")
        if not values:
            raise ValidationError("Name at least one value, or no one receives this wave.")
        if len(values) > audience.MAX_VALUES:
            raise ValidationError(f"At most {audience.MAX_VALUES} values; import a list of people instead.")
        if self.segment_by.data == "emails":
            wrong = [value for value in values if "@" not in value][:5]
            if wrong:
                raise ValidationError("Not an email address: " + ", ".join(wrong) + ".")

    def values(self) -> dict:
        """The wave's values as typed."""
        values = {"send_on": self.send_on.data, "subject": self.subject.data.strip(), "body": self.body.data,
                  "sender_name": (self.sender_name.data or "").strip(), "reply_to": (self.reply_to.data or "").strip()}
        if self.segmented:
            values["segment"] = {"by": self.segment_by.data,
                                 "values": audience.segment_values(self.segment_values.data or "")}
        return values

    @classmethod
    def of(cls, wave) -> "WaveForm":
        """The form showing a stored wave."""
        data = {"send_on": wave.send_on, "subject": wave.subject, "body": wave.body, "sender_name": wave.sender_name,
                "reply_to": wave.reply_to}
        if wave.kind == "mentors":
            data["segment_by"] = wave.segment.get("by", "department")
            data["segment_values"] = "\n".join(wave.segment.get("values", []))
        return cls(data=data, segmented=wave.kind == "mentors")
