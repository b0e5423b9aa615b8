"""Apache Superset on Mutu's published warehouse: `make bi` (serve) and tests/test_superset.py (prepare, serve).

Runs with the BI venv's Python (.venv-bi), never Mutu's. `prepare` makes a Superset home: a secret key and an
admin password generated into it (owner-only files, never a default), Superset's metadata database, the
warehouse registered read-only, and the starter dashboard (bi/dashboard.py) imported with every dataset's
columns and descriptions read from the warehouse. `serve` prepares, then replaces itself with gunicorn on
127.0.0.1, so the process id the caller started is the server's.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BI_DIR = Path(__file__).resolve().parent
ADMIN = "admin"


def _private_file(path: Path, make) -> str:
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make() + "\n")
    return path.read_text().strip()


def _environment(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MUTU_BI_HOME": str(home),
        "SUPERSET_CONFIG_PATH": str(BI_DIR / "superset_config.py"),
        "FLASK_APP": "superset.app:create_app()",
    }


def _superset_version() -> str:
    from importlib.metadata import version

    return version("apache-superset")


def _metadata_template() -> Path:
    """Superset's migrated and initialised metadata database, made once per BI venv (about a minute) and copied."""
    template = Path(sys.prefix) / f"mutu-superset-{_superset_version()}.db"
    if template.exists():
        return template
    scratch = Path(tempfile.mkdtemp(prefix="mutu-superset-template-"))
    try:
        (scratch / "secret_key").write_text(secrets.token_urlsafe(42))
        superset = str(Path(sys.executable).parent / "superset")
        for step in (["db", "upgrade"], ["init"]):
            done = subprocess.run([superset, *step], env=_environment(scratch), capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"superset {' '.join(step)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        aside = template.with_name(template.name + ".tmp")
        shutil.copyfile(scratch / "superset.db", aside)
        os.replace(aside, template)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return template


def _metadata(home: Path) -> None:
    """Superset's metadata database in the home: a copy of the template, or migrated when Superset changed."""
    made_by = home / "superset_version"
    if not (home / "superset.db").exists():
        shutil.copyfile(_metadata_template(), home / "superset.db")
        os.chmod(home / "superset.db", 0o600)
    elif not made_by.exists() or made_by.read_text().strip() != _superset_version():
        superset = str(Path(sys.executable).parent / "superset")
        for step in (["db", "upgrade"], ["init"]):
            subprocess.run([superset, *step], env=_environment(home), check=True, capture_output=True)
    made_by.write_text(_superset_version() + "\n")


def warehouse_uri(warehouse: Path) -> str:
    # read_only: Superset never locks the file, so a publish (rename over it) is never blocked by a reader.
    return f"duckdb:///{warehouse.resolve()}?access_mode=read_only"


def prepare(home: Path, warehouse: Path) -> str:
    """Make the Superset home for `warehouse`; returns the admin password."""
    if not warehouse.exists():
        raise SystemExit(f"{warehouse}: no published warehouse; run `make demo` (or `mutu run`) first")
    home.mkdir(parents=True, exist_ok=True)
    os.chmod(home, 0o700)
    _private_file(home / "secret_key", lambda: secrets.token_urlsafe(42))
    password = _private_file(home / "admin_password", lambda: secrets.token_urlsafe(18))
    _metadata(home)
    os.environ.update(_environment(home))
    sys.path.insert(0, str(BI_DIR))
    from dashboard import bundle, write_zip

    files = bundle(warehouse_uri(warehouse))
    write_zip(files, home / "mutu-dashboard.zip")
    _load(files, password)
    return password


def _load(files: dict[str, str], password: str) -> None:
    from flask import g
    from superset.app import create_app

    app = create_app()
    with app.app_context(), app.test_request_context():
        from superset import db, security_manager
        from superset.commands.chart.importers.v1 import ImportChartsCommand
        from superset.commands.dashboard.importers.v1 import ImportDashboardsCommand
        from superset.commands.database.importers.v1 import ImportDatabasesCommand
        from superset.commands.dataset.importers.v1 import ImportDatasetsCommand
        from superset.connectors.sqla.models import SqlaTable

        user = security_manager.find_user(username=ADMIN)
        if user is None:
            user = security_manager.add_user(
                ADMIN, "Mutu", "Admin", "admin@mutu.local", security_manager.find_role("Admin"), password=password
            )
        else:
            security_manager.reset_password(user.id, password)
        g.user = user
        # A dashboard import never overwrites the database, datasets and charts it brings: each kind is imported
        # on its own first, so a changed bi/dashboard.py or warehouse path reaches a home made before.
        for command, kind in (
            (ImportDatabasesCommand, "Database"),
            (ImportDatasetsCommand, "SqlaTable"),
            (ImportChartsCommand, "Slice"),
            (ImportDashboardsCommand, "Dashboard"),
        ):
            metadata = files["metadata.yaml"].replace("type: Dashboard", f"type: {kind}")
            command({**files, "metadata.yaml": metadata}, overwrite=True).run()
        # Every column of each dataset, with the warehouse comment as its description.
        for dataset in db.session.query(SqlaTable).all():
            dataset.fetch_metadata()
        db.session.commit()


def serve(home: Path, warehouse: Path, port: int) -> None:
    prepare(home, warehouse)
    print(f"Superset on http://127.0.0.1:{port}/superset/dashboard/mutu/ (loopback only)", flush=True)
    print(f"  user {ADMIN}, password generated into {home / 'admin_password'} (owner-only)", flush=True)
    print(f"  SQL Lab and every mart read {warehouse_uri(warehouse)}; Ctrl-C stops it", flush=True)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    os.execve(
        gunicorn,
        [
            gunicorn,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "superset.app:create_app()",
        ],
        _environment(home),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Apache Superset on Mutu's published warehouse")
    parser.add_argument("command", choices=["prepare", "serve"])
    parser.add_argument("--home", required=True, type=Path, help="Superset's home (metadata, key, password)")
    parser.add_argument("--warehouse", required=True, type=Path, help="the published mutu.duckdb")
    parser.add_argument("--port", type=int, default=8088)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.home.resolve(), args.warehouse)
        print(f"prepared {args.home}")
    else:
        serve(args.home.resolve(), args.warehouse, args.port)


if __name__ == "__main__":
    main()
