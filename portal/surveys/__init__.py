"""Mid-point and end surveys: sent on the phase dates, answered through a signed link, read by admins."""
