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


def ch_query(session, sql: str):
    """(column names, rows) of a chDB query."""
    out = json.loads(session.query(sql, "JSONCompact").bytes() or b'{"meta":[],"data":[]}')
    return [m["name"] for m in out["meta"]], out["data"]


def ch_scalar(session, sql: str):
    return ch_query(session, sql)[1][0][0]
