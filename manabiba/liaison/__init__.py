"""Coordination across departments."""
