"""The pairing console's background work: publishing a draft."""
from __future__ import annotations

from portal.console import publishing
from portal.queue import queue


@queue.task(retries=3, retry_delay=10)
def publish_draft(draft_id: int, actor_id: int | None) -> None:
    """Turn a published pairing draft into matches and send the match emails; pairs already settled are skipped."""
    publishing.publish(draft_id, actor_id)
