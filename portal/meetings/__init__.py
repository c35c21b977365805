"""Mentoring sessions: times that suit both people, booking, invites, calendar sync, agendas and feedback."""
