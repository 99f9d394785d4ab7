"""Admin of cases_admin (registered on import from the app's admin.py)."""
