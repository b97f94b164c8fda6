"""Fixtures: one chDB engine with the clickhouse-init/ schema and the exported payloads loaded, and
the DuckDB file the agent's DuckDB store wrote from the same batches.

The data set comes from `ClickHouseDatasetExport` (see .ci/test-clickhouse.sh); OPA_CH_DATASET points
at it (default: target/ch-dataset).
"""
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import dataset as ds  # noqa: E402
from chschema import REPO  # noqa: E402


@pytest.fixture(scope="session")
def dataset_dir() -> Path:
    d = Path(os.environ.get("OPA_CH_DATASET", REPO / "target" / "ch-dataset"))
    if not (d / "manifest.json").exists():
        pytest.fail(f"no data set at {d}: run ClickHouseDatasetExport first (see .ci/test-clickhouse.sh)")
    return d


@pytest.fixture(scope="session")
def manifest(dataset_dir) -> dict:
    return ds.manifest(dataset_dir)


@pytest.fixture(scope="session")
def chdb_session(dataset_dir):
    from chdb import session as chs
    path = tempfile.mkdtemp(prefix="opa-chdb-")
    s = chs.Session(path)
    s.query("SET output_format_json_quote_64bit_integers = 0")
    s.query("SET output_format_json_quote_denormals = 1")
    ds.load_chdb(s, dataset_dir)
    yield s
    s.close()
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def duck(dataset_dir):
    con = ds.open_duckdb(dataset_dir)
    yield con
    con.close()


@pytest.fixture(scope="session")
def base_params(manifest, chdb_session):
    # the largest trace that also has errors, logs and SQL: every trace_* query has rows for it
    _, rows = ch_query(chdb_session, "SELECT trace_id FROM spans_min WHERE organization_id = 'default-org' "
                                     "AND trace_id IN (SELECT trace_id FROM errors) "
                                     "AND trace_id IN (SELECT trace_id FROM logs) "
                                     "GROUP BY trace_id ORDER BY count() DESC, trace_id LIMIT 1")
    trace = rows[0][0]
    _, rows = ch_query(chdb_session, "SELECT fingerprint FROM errors WHERE organization_id = 'default-org' "
                                     "GROUP BY fingerprint ORDER BY count() DESC, fingerprint LIMIT 1")
    fingerprint = rows[0][0]
    return {
        "org": "default-org", "project": "default-project",
        "from_ms": manifest["from_ms"], "to_ms": manifest["to_ms"],
        "limit": 50, "offset": 0, "service": None, "name": None, "status": None, "min_ms": None,
        "max_ms": None, "tags": None, "q": None, "sort": "time", "order": "desc", "threshold": 10,
        "interval_ms": 60000, "min_rank": None, "trace_id": None, "fingerprint": None,
        "<trace>": trace, "<fingerprint>": fingerprint,
        "<from+120s>": manifest["from_ms"] + 120_000, "<from+300s>": manifest["from_ms"] + 300_000,
    }


def ch_query(session, sql: str):
    """(column names, rows) of a chDB query."""
    out = json.loads(session.query(sql, "JSONCompact").bytes() or b'{"meta":[],"data":[]}')
    return [m["name"] for m in out["meta"]], out["data"]


def ch_scalar(session, sql: str):
    return ch_query(session, sql)[1][0][0]
