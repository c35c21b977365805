"""A directory with a few mentors changed, from the profiles it already holds: nobody else's profile is read again."""
from __future__ import annotations

from collections.abc import Mapping

from matching.directory import MentorDirectory
from matching.profiles import MentorProfile


def with_mentors(directory: MentorDirectory, changed: Mapping[int, MentorProfile | None]) -> MentorDirectory:
    """The directory with each mentor in `changed` replaced by their new profile, or left out where it is None.

    Indexed again from the profiles in memory, exactly as a directory built from all of them: search and ranking
    answer as a full build would.
    """
    mentors = [mentor for mentor in directory.mentors if mentor.id not in changed]
    mentors += [profile for profile in changed.values() if profile is not None]
    return MentorDirectory.build(mentors, directory.vocabulary)
