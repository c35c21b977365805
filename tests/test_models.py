"""The named queries and loaders on the models that handlers and operations share."""
from __future__ import annotations

import datetime as dt

import pytest
from flask_login import AnonymousUserMixin
from werkzeug.exceptions import NotFound

from portal.models import Match, MatchRequest, Meeting, Participant, utcnow


def test_taking_part_leaves_out_who_exited_and_filters_by_role(create_user, program):
    both = create_user("both@example.org", roles=("mentor", "mentee"))
    gone = create_user("gone@example.org", roles=("mentor",))
    Participant.update(status="exited").where(Participant.user == gone).execute()
    Participant.update(status="paired").where(Participant.user == both, Participant.role == "mentee").execute()

    assert sorted((p.user_id, p.role) for p in Participant.taking_part(program)) == [
        (both.id, "mentee"), (both.id, "mentor")]
    assert [p.user_id for p in Participant.taking_part(program, "mentor")] == [both.id]
    assert [(p.user_id, p.role) for p in Participant.exited(program)] == [(gone.id, "mentor")]
    assert Participant.exited(program, "mentee").count() == 0
    assert Participant.roles_of(both, program) == ["mentee", "mentor"]
    assert Participant.roles_of(gone, program) == []
    assert Participant.roles_of(both, None) == []
    assert Participant.roles_of(AnonymousUserMixin(), program) == []


def test_pending_requests_by_programme_mentee_and_mentor(create_user, program):
    mia, max_ = create_user("mia@example.org", roles=("mentor",)), create_user("max@example.org", roles=("mentor",))
    leo, eve = create_user("leo@example.org"), create_user("eve@example.org")
    later = utcnow() + dt.timedelta(days=3)
    waiting = MatchRequest.create(program=program, mentee=leo, mentor=mia, expires_at=later)
    MatchRequest.create(program=program, mentee=leo, mentor=max_, expires_at=later, status="declined")
    other = MatchRequest.create(program=program, mentee=eve, mentor=max_, expires_at=later)

    assert {r.id for r in MatchRequest.pending(program)} == {waiting.id, other.id}
    assert [r.id for r in MatchRequest.pending(program, mentee=leo)] == [waiting.id]
    assert [r.id for r in MatchRequest.pending(program, mentor=max_.id)] == [other.id]
    assert MatchRequest.pending(program, mentee=leo, mentor=max_).count() == 0
    assert waiting.is_pending and not MatchRequest.get(MatchRequest.status == "declined").is_pending


def test_a_match_opens_for_its_pair_and_admins_only(app, create_user, program, admin):
    mia, leo = create_user("mia@example.org", roles=("mentor",)), create_user("leo@example.org")
    stranger = create_user("sam@example.org")
    match = Match.create(program=program, mentor=mia, mentee=leo)

    with app.test_request_context():
        for person in (mia, leo, admin):
            assert Match.for_member_or_404(match.id, person).id == match.id
        with pytest.raises(NotFound):
            Match.for_member_or_404(match.id, stranger)
        with pytest.raises(NotFound):
            Match.for_member_or_404(match.id + 1, admin)
    assert match.has_member(mia) and match.has_member(leo.id) and not match.has_member(admin)


def test_a_session_is_past_once_it_has_begun(create_user, program):
    mia, leo = create_user("mia@example.org", roles=("mentor",)), create_user("leo@example.org")
    match = Match.create(program=program, mentor=mia, mentee=leo)
    start = dt.datetime(2027, 3, 1, 14, 0)  # naive UTC, as stored

    def session(number: int, status: str = "scheduled") -> Meeting:
        return Meeting.create(match=match, organizer=mia, number=number, agenda="first-session", starts_at=start,
                              ends_at=start + dt.timedelta(hours=1), uid=f"test-{number}", status=status)

    meeting, cancelled = session(1), session(2, "cancelled")
    before, at = start - dt.timedelta(seconds=1), start.replace(tzinfo=dt.UTC)
    assert not meeting.is_past(before) and meeting.is_past(at) and cancelled.is_past(at)
    # An aware time in another zone is the same moment.
    assert meeting.is_past(dt.datetime(2027, 3, 1, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    assert [m.id for m in Meeting.upcoming(before)] == [meeting.id]
    assert [m.id for m in Meeting.past(at)] == [meeting.id]
    assert Meeting.upcoming(at).count() == 0 and Meeting.past(before).count() == 0
