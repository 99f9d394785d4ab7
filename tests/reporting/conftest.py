"""Fixtures for the reporting tests live in tests/conftest.py (office, submitted)."""
