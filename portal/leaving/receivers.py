"""Who is told when someone leaves: the person they were paired with, and the admins."""
from __future__ import annotations

from portal import events, links, mail
from portal.models import Meeting, User


@events.participant_left.connect
def tell_the_other(program, *, user, ended, **extra) -> None:
    """Each person whose match ended is told kindly, with the way back to the directory."""
    for match in ended:
        other, role = (match.mentee, "mentee") if match.mentor_id == user.id else (match.mentor, "mentor")
        mail.send_template(
            other, f"{user.first_name} has left the mentoring programme", f"partner_left_{role}", category="pairing",
            dedupe_key=f"partner-left:{match.id}", leaver=user, match=match, cancelled=_cancelled_with(match),
            mentors_url=links.absolute_url("pairing.directory"), home_url=links.absolute_url("home.index"),
        )


@events.participant_left.connect
def tell_the_team(program, *, user, reason_text, feedback, ended, **extra) -> None:
    """Every other active admin gets the reason and what the person said."""
    for admin in User.select().where(User.is_admin, User.active, User.id != user.id):
        mail.send_template(
            admin, f"{user.name} has left the mentoring programme", "participant_left_admin", category="attrition",
            dedupe_key=f"left-admin:{program.id}:{user.id}:{admin.id}", leaver=user, reason=reason_text,
            feedback=feedback, ended=ended, dashboard_url=links.absolute_url("dashboard.index"),
        )


def _cancelled_with(match) -> int:
    """How many sessions still to come were cancelled when the match ended (the email promises only those)."""
    return Meeting.select().where(Meeting.match == match, Meeting.status == "cancelled",
                                  Meeting.starts_at > match.ended_at, Meeting.updated_at >= match.ended_at).count()
