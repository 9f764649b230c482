"""Plain-Python domain logic (calendar, identifiers, workflow); no Flask or SQLAlchemy."""
