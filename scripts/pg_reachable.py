"""Exit 0 if the PostgreSQL server in argv[1] (an SQLAlchemy URL) accepts a connection."""
import sys

import psycopg

url = sys.argv[1].replace("postgresql+psycopg://", "postgresql://")
try:
    psycopg.connect(url, connect_timeout=3).close()
except psycopg.Error:
    sys.exit(1)
