"""Data rights: a person downloads everything the portal stores about them; an admin deletes a person."""
