"""Dagster's SQLite storage in a process that loads Mutu's definitions commits with synchronous=NORMAL and keeps
its database files open (pipelines/event_log_speed.py), and runs still record every event."""

import sqlite3

from dagster import AssetKey, AssetMaterialization, DagsterInstance
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import pipelines.definitions  # noqa: F401  (installs the listener, as every run process does)
from pipelines import event_log_speed


def test_sqlite_connections_commit_with_synchronous_normal(tmp_path):
    path = tmp_path / "events.db"
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)  # as Dagster does: a connection per use
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL (FULL is 2)
        conn.execute(text("PRAGMA journal_mode=WAL"))
    assert str(path) not in event_log_speed.held_databases()  # held only once the file is in WAL mode
    with engine.connect() as conn:
        conn.execute(text("create table t (x int)"))
        conn.commit()
    engine.dispose()
    assert str(path) in event_log_speed.held_databases()
    assert (tmp_path / "events.db-wal").exists()  # the close was not the last: no checkpoint-and-delete


def test_a_dagster_instance_still_stores_and_reads_every_event(tmp_path):
    instance = DagsterInstance.from_config(str(tmp_path))
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    for day in range(30):
        instance.report_runless_asset_event(AssetMaterialization(AssetKey("x"), partition=f"2026-07-{day + 1:02d}"))
    records = instance.fetch_materializations(AssetKey("x"), limit=100).records
    assert len(records) == 30
    index = next(tmp_path.rglob("index.db"))
    assert sqlite3.connect(index).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert index.with_name("index.db-wal").exists()  # kept open between events: no checkpoint-and-delete per close


def test_the_storages_reuse_one_engine_per_database(tmp_path):
    from dagster._core.storage.event_log.sqlite import sqlite_event_log

    url = f"sqlite:///{tmp_path / 'shard.db'}"
    first = sqlite_event_log.create_engine(url, poolclass=NullPool, connect_args={"timeout": 15})
    first.dispose()  # what the storage does after each use
    again = sqlite_event_log.create_engine(url, poolclass=NullPool, connect_args={"timeout": 15})
    assert again is first
    with again.connect() as conn:  # still usable after its dispose
        assert conn.execute(text("select 1")).scalar() == 1
    other = sqlite_event_log.create_engine(f"sqlite:///{tmp_path / 'other.db'}", poolclass=NullPool)
    assert other is not first


def test_a_reused_engine_keeps_its_connection_but_not_one_to_a_replaced_file(tmp_path):
    """The storages' engines pool their connections through the dispose after each use; a connection whose file
    was deleted and made again (a wiped instance) is not used again: it would write where nobody reads."""
    from dagster._core.storage.event_log.sqlite import sqlite_event_log

    path = tmp_path / "index.db"
    engine = sqlite_event_log.create_engine(f"sqlite:///{path}", poolclass=NullPool, connect_args={"timeout": 15})
    with engine.connect() as conn:
        first = conn.connection.dbapi_connection
        conn.execute(text("create table old (x int)"))
        conn.commit()
    engine.dispose()
    with engine.connect() as conn:
        assert conn.connection.dbapi_connection is first  # no new SQLite connection per use
    path.unlink()
    sqlite3.connect(path).execute("create table new (x int)").connection.commit()
    with engine.connect() as conn:
        assert conn.connection.dbapi_connection is not first
        tables = {r[0] for r in conn.execute(text("select name from sqlite_master"))}
    assert tables == {"new"}


EVENTS = "select dagster_event_type, asset_key, partition from event_logs where dagster_event_type is not null"


def _stored(instance, run_ids: list[str]) -> dict:
    """What the runs left in the storage, without ids, run ids and times."""
    base = instance.event_log_storage._base_dir  # noqa: SLF001
    index = sqlite3.connect(f"{base}/index.db")
    checks = "select asset_key, check_name, partition, execution_status from asset_check_executions order by 1, 2, 3"
    return {
        "runs": [sorted(sqlite3.connect(f"{base}/{r}.db").execute(EVENTS).fetchall(), key=repr) for r in run_ids],
        "index": sorted(index.execute(EVENTS).fetchall(), key=repr),
        "assets": index.execute("select asset_key, last_run_id is not null from asset_keys order by 1").fetchall(),
        "checks": index.execute(checks).fetchall(),
    }


def test_a_batch_of_events_is_stored_as_the_events_one_by_one(tmp_path, monkeypatch):
    """Dagster hands the storage batches (a run's planned events, a partition range's materializations): Mutu's
    store_event_batch writes them in one transaction per database, and leaves what storing each one leaves."""
    from dagster import AssetCheckResult, DailyPartitionsDefinition, MaterializeResult, asset, asset_check, materialize

    @asset(partitions_def=DailyPartitionsDefinition("2026-07-01", end_date="2026-07-11"))
    def daily(context):
        return MaterializeResult(metadata={"days": len(context.partition_keys)})

    @asset
    def total():
        return MaterializeResult(metadata={"rows": 3})

    @asset_check(asset=total)
    def total_is_positive():
        return AssetCheckResult(passed=True)

    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    batches = []
    store_batch = SqliteEventLogStorage.store_event_batch
    monkeypatch.setattr(
        SqliteEventLogStorage,
        "store_event_batch",
        lambda s, events: (batches.append(len(events)), store_batch(s, events)),
    )
    days = {"dagster/asset_partition_range_start": "2026-07-01", "dagster/asset_partition_range_end": "2026-07-10"}

    def runs(folder, batch_size: str) -> dict:
        monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", batch_size)
        folder.mkdir()
        (folder / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        instance = DagsterInstance.from_config(str(folder))
        ranged = materialize([daily], instance=instance, tags=days)
        checked = materialize(
            [daily, total, total_is_positive], instance=instance, selection=[total, total_is_positive]
        )
        assert ranged.success and checked.success
        return _stored(instance, [ranged.run_id, checked.run_id])

    batched = runs(tmp_path / "batched", event_log_speed.EVENT_BATCH_SIZE)
    assert batches and max(batches) >= 10  # the ten partitions' materializations at least
    batches.clear()
    assert batched == runs(tmp_path / "one_by_one", "0")
    assert not batches
    assert sum(t == "ASSET_MATERIALIZATION" for t, _, _ in batched["runs"][0]) == 10
    assert [(c, s) for _, c, _, s in batched["checks"]] == [("total_is_positive", "SUCCEEDED")]


def test_an_asset_record_lookup_asks_the_schema_questions_once(tmp_path):
    """A model's provenance and its check's target are asset-record lookups: each had reflected the asset-key
    table and queried the index's data migrations. A true answer is kept; a false one is asked again."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    instance = DagsterInstance.from_config(str(tmp_path))
    instance.report_runless_asset_event(AssetMaterialization(AssetKey("x")))
    asked: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if "secondary_indexes" in statement or "PRAGMA" in statement.upper():
            asked.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        first = list(instance.get_asset_records([AssetKey("x")]))
        asked.clear()
        for _ in range(3):
            again = list(instance.get_asset_records([AssetKey("x")]))
        assert asked == []
        storage = instance.event_log_storage
        assert not storage.has_secondary_index("no such migration")
        assert not storage.has_secondary_index("no such migration")
        assert len([s for s in asked if "secondary_indexes" in s]) == 2
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert [r.asset_entry.asset_key for r in again] == [r.asset_entry.asset_key for r in first] == [AssetKey("x")]
    assert again[0].asset_entry.last_materialization_record.storage_id == (
        first[0].asset_entry.last_materialization_record.storage_id
    )
