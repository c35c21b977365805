"""Hard rules of pairing: which mentee-mentor pairs may be matched at all, however well they fit."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from matching.columns import IN_PERSON, LOCATION_CODES, VIRTUAL

# [mentee location][mentor location]: someone who only meets in person and someone who only meets virtually cannot
# meet at all; "Either" and unknown meet anyone.
MEETS = np.ones((LOCATION_CODES, LOCATION_CODES), dtype=bool)
MEETS[IN_PERSON, VIRTUAL] = MEETS[VIRTUAL, IN_PERSON] = False


def acceptable(mentee_ids: Sequence[int], mentee_locations: np.ndarray, mentor_ids: Sequence[int],
               mentor_locations: np.ndarray, forbidden: Iterable[tuple[int, int]] = ()) -> np.ndarray:
    """(mentees x mentors) bool: True where the pair may be matched.

    Nobody mentors themselves, a forbidden (mentee id, mentor id) pair (declined, ended, excluded by an admin) is
    never matched, and the two must be able to meet. Locations are codes from `matching.columns`.
    """
    # Rows differ only by the mentee's location: four template rows, copied out row by row.
    templates = MEETS[:, np.asarray(mentor_locations, dtype=np.intp)]
    allowed = templates[np.asarray(mentee_locations, dtype=np.intp)]
    row_of = {mentee: row for row, mentee in enumerate(mentee_ids)}
    column_of = {mentor: column for column, mentor in enumerate(mentor_ids)}
    pairs = [(row_of[mentee], column_of[mentee]) for mentee in row_of if mentee in column_of]
    pairs += [(row_of[mentee], column_of[mentor]) for mentee, mentor in forbidden
              if mentee in row_of and mentor in column_of]
    if pairs:
        rows, columns = np.array(pairs, dtype=np.intp).T
        allowed[rows, columns] = False
    return allowed
