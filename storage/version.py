"""The schema version this code writes and reads (the history is in storage/migrations.py)."""

CURRENT_VERSION = 11
