"""Django's SQLite backend with the database file private to its owner (see `base.py`)."""
