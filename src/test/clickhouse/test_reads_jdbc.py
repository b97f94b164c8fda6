"""The REST API's read path with store: clickhouse — the agent's QueryRunner over clickhouse-jdbc
(jdbc-v2 renders the bound values client-side) — answers every API query exactly like the query run
directly in the engine. Catches what the direct harness cannot: the driver's SQL parsing of the
`?` placeholders, its literal rendering and its type mapping of the results."""
import json
import subprocess
import tempfile
from pathlib import Path

import pytest

import parity
from chhttp import ChdbHttpServer
from chschema import REPO
from parity import SCENARIOS, bound
from test_writer_http import classpath


@pytest.fixture(scope="module")
def jdbc_answers(chdb_session, base_params):
    """Each API query with the base parameters (and the trace scenario's trace id), through JDBC."""
    queries = {}
    for f in parity.api_files():
        sql = (parity.CLICKHOUSE_API / f).read_text()
        overrides = dict(SCENARIOS["trace"]) if "trace_id" in parity.sqlparams.names(sql) else {}
        if "service" in parity.sqlparams.names(sql):
            overrides.update(SCENARIOS["service"])
        queries[f[:-4]] = bound(sql, base_params, overrides)
    with tempfile.TemporaryDirectory() as tmp:
        params, out = Path(tmp) / "params.json", Path(tmp) / "out.json"
        params.write_text(json.dumps(queries))
        try:
            with ChdbHttpServer(chdb_session, user="reader", password="r3ad") as server:
                proc = subprocess.run(
                    ["java", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classpath(),
                     "dev.opa.agent.store.clickhouse.ClickHouseReadCheck", "--url", server.url, "--user", "reader",
                     "--password", "r3ad", "--database", "opa", "--params", str(params), "--out", str(out)],
                    cwd=REPO, capture_output=True, text=True, timeout=300)
        finally:
            chdb_session.query("USE opa")
        assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
        return queries, json.loads(out.read_text())


@pytest.mark.parametrize("file", parity.api_files())
def test_jdbc_answer_equals_the_engine_answer(file, jdbc_answers, chdb_session):
    queries, answers = jdbc_answers
    name = file[:-4]
    got = answers[name]
    assert not (isinstance(got, dict) and "error" in got), f"{file} failed through clickhouse-jdbc: {got}"
    cols, rows = parity.run_clickhouse(chdb_session, (parity.CLICKHOUSE_API / file).read_text(), queries[name])
    jdbc = ([c for c in cols], [[r.get(c.lower()) for c in cols] for r in got])
    diff = parity.differences((cols, rows), jdbc)
    assert not diff, f"{file} params={queries[name]}\n" + "\n".join(diff)
