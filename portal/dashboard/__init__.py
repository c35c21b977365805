"""The admins' first page: how the programme is doing, and the pairs that need someone to follow up."""
