"""The organisation's people: CSV imports checked, previewed and confirmed, and the list of who is invited."""
