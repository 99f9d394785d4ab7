"""Admin of year_admin (registered on import from the app's admin.py)."""
