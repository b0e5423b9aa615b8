"""Superset configuration for reading Mutu's published warehouse (`make bi`, tests/test_superset.py).

Everything Superset keeps (its metadata database, the secret key) lives in MUTU_BI_HOME, never in the repo.
"""

import os
from pathlib import Path

BI_HOME = Path(os.environ["MUTU_BI_HOME"])

SECRET_KEY = (BI_HOME / "secret_key").read_text().strip()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{BI_HOME / 'superset.db'}"

# The demo is read by one person on loopback: no example data, no telemetry, no thumbnails or alerts workers.
SUPERSET_LOAD_EXAMPLES = False
SCARF_ANALYTICS = False
FEATURE_FLAGS = {"ALERT_REPORTS": False, "THUMBNAILS": False}
# SQL Lab runs queries in the web process (no Celery): each README question takes about 0.1 s.
SQLLAB_ASYNC_TIME_LIMIT_SEC = 60
SQLLAB_TIMEOUT = 60
# Results in the browser only: nothing is cached on disk between publishes.
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
