"""What other pages show of a pair's sessions: the action-item list on the match page."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user

from portal.meetings import follow_through
from portal.models import Match


def match_items(match: Match) -> dict:
    """What the action-item list on the match page needs."""
    items = follow_through.items_of(match)
    may_tick = match.has_member(current_user)
    return {"match": match, "items": items, "add_url": None, "item_error": "", "item_text": "",
            "tick_urls": {i.id: url_for("meetings.tick_item", match_id=match.id, item_id=i.id) for i in items}
            if may_tick else {}}
