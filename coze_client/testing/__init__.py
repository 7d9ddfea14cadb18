"""Fake provider servers for tests (filled in below)."""
