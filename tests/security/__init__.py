"""The security suite: what the portal promises about privacy, input, sessions and email, and the proof."""
