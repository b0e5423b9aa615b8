"""Superset configuration for reading Mutu's published warehouse (`make bi`, tests/test_superset.py).

Everything Superset keeps (its metadata database, the secret key) lives in MUTU_BI_HOME, never in the repo.
"""

import os
from pathlib import Path

BI_HOME = Path(os.environ["MUTU_BI_HOME"])

SECRET_KEY = (BI_HOME / "secret_key").read_text().strip()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{BI_HOME / 'superset.db'}"

# SQL Lab runs each query in the web process (no Celery worker for a one-person demo on loopback).
SQLLAB_TIMEOUT = 60
# Nothing cached between queries: the next query after a publish reads the new snapshot.
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
