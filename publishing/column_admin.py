"""Admin of column_admin (registered on import from the app's admin.py)."""
