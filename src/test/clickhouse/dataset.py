"""Loads a data set written by ClickHouseDatasetExport (Java, test scope) into chDB and opens its DuckDB twin.

The payload files are the exact bodies ClickHouseSpanStore sends; each one is loaded as the writer
sends it: `INSERT INTO <table> FORMAT JSONEachRow` followed by the bytes.
"""
import json
import re
from pathlib import Path

import chschema

PAYLOAD = re.compile(r"^(\d+)-([a-z_]+)-\d+\.jsonl$")  # batch, table, part (ClickHouseDatasetExport)


def manifest(dataset: Path) -> dict:
    return json.loads((dataset / "manifest.json").read_text())


def payload_files(dataset: Path):
    files = []
    for f in (dataset / "payloads").iterdir():
        m = PAYLOAD.match(f.name)
        if m:
            files.append((int(m.group(1)), m.group(2), f))
    return sorted(files)


def insert_payload(session, table: str, body: bytes, insert_settings: dict, dedup_token: str | None = None):
    """As the writer sends it: with the encoder's input settings (manifest "insert_settings") and, for a
    batch it may replay, a deduplication token."""
    settings = dict(insert_settings)
    if dedup_token:
        settings.update(insert_deduplication_token=dedup_token, deduplicate_blocks_in_dependent_materialized_views=1)
    clause = ", ".join(f"{k} = '{v}'" for k, v in settings.items())
    session.query(f"INSERT INTO {table} SETTINGS {clause} FORMAT JSONEachRow\n" + body.decode("utf-8"))


def load_chdb(session, dataset: Path, database: str = "opa"):
    chschema.apply_schema(session, database)
    settings = manifest(dataset)["insert_settings"]
    for _, table, f in payload_files(dataset):
        insert_payload(session, table, f.read_bytes(), settings)


def open_duckdb(dataset: Path):
    import duckdb
    return duckdb.connect(str(dataset / manifest(dataset)["duckdb"]), read_only=True)
