"""Community activity support requests."""
