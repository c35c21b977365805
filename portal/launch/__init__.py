"""The programme's launch: invitation waves to the organisation's people (mentors first, everyone, stragglers),
their signed registration and unsubscribe links, and the sign-up funnel."""
