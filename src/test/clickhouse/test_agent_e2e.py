"""The whole agent with `store: clickhouse`: spans sent over the wire protocol (TCP, JSON lines) go
through the real pipeline into ClickHouse (chDB behind chhttp), and the REST API answers from it.
When the server goes away, batches wait in the spool and are replayed once it is back."""
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from chhttp import ChdbHttpServer
from chschema import REPO
from conftest import ch_scalar
from test_writer_http import classpath

DB = "opa_agent"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return json.loads(r.read())


def metric(base, name):
    """Sum of a Prometheus sample family from /metrics (0 when absent)."""
    with urllib.request.urlopen(base + "/metrics", timeout=10) as r:
        text = r.read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(name) and not line.startswith("#") and line[len(name)] in " {")


AGENT_LOG = []  # the running agent's log file, quoted when a wait times out


def wait_for(what, check, timeout=45):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = check()
            if last:
                return last
        except Exception as e:  # the agent is still starting
            last = e
        time.sleep(0.3)
    tail = AGENT_LOG[0].read_text()[-4000:] if AGENT_LOG and AGENT_LOG[0].exists() else ""
    pytest.fail(f"timed out waiting for {what}; last: {last!r}\n--- agent log (tail) ---\n{tail}")


def trace_lines(n, service, start_ms, prefix):
    """n traces: a root web span with SQL, a child span of another service, an error and a log."""
    lines = []
    for i in range(n):
        trace = f"{prefix}{i:030x}"
        root, child = f"a{i:015x}", f"b{i:015x}"
        t = start_ms + i * 10
        lines.append({"type": "span", "trace_id": trace, "span_id": root, "service": service,
                      "name": "GET /orders/{id}", "start_ts": t, "end_ts": t + 40, "duration_ms": 40.5,
                      "cpu_ms": 12.25, "status": "error" if i % 5 == 0 else "ok",
                      "tags": {"http_request": {"method": "GET", "uri": f"/orders/{i}"},
                               "http_response": {"status_code": 500 if i % 5 == 0 else 200}},
                      "sql": [{"query": f"SELECT * FROM orders WHERE id = {i}", "db_system": "mysql",
                               "duration_ms": 1.5, "start_ts": t + 2}]})
        lines.append({"type": "span", "trace_id": trace, "span_id": child, "parent_id": root,
                      "service": "billing", "name": "POST /charge", "start_ts": t + 5, "duration_ms": 20,
                      "cpu_ms": 4})
        if i % 5 == 0:
            lines.append({"type": "error", "trace_id": trace, "span_id": root, "service": service,
                          "error_type": "RuntimeException", "error_message": f"order {i} failed",
                          "file": "/app/Orders.php", "line": 12, "occurred_at_ms": t + 30})
        lines.append({"type": "log", "trace_id": trace, "span_id": root, "service": service, "level": "INFO",
                      "message": f"order {i} served", "timestamp_ms": t + 35, "fields": {"i": i}})
    return "".join(json.dumps(l) + "\n" for l in lines).encode()


def send(port, payload):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(payload)


@pytest.fixture(scope="module")
def agent(chdb_session):
    chdb_session.query(f"DROP DATABASE IF EXISTS {DB}")
    http_port, tcp_port, ch_port = free_port(), free_port(), free_port()
    work = Path(tempfile.mkdtemp(prefix="opa-agent-ch-"))
    env = dict(os.environ,
               OPA_STORE="clickhouse", OPA_STORE_CLICKHOUSE_URL=f"http://127.0.0.1:{ch_port}",
               OPA_STORE_CLICKHOUSE_DATABASE=DB, OPA_STORE_CLICKHOUSE_USER="agent",
               OPA_STORE_CLICKHOUSE_PASSWORD="p4ss", OPA_STORE_CLICKHOUSE_TIMEOUT_MS="5000",
               OPA_STORE_CLICKHOUSE_INIT_DIR=str(REPO / "clickhouse-init"),
               OPA_DATA_DIR=str(work), OPA_HTTP_PORT=str(http_port), OPA_TCP_LISTEN=f"127.0.0.1:{tcp_port}",
               OPA_SOCKET_PATH=str(work / "opa.sock"), OPA_TAIL_GRACE_MS="300", OPA_SAMPLING_RATE="1.0",
               OPA_STORE_BREAKER_WAIT_OPEN_SECONDS="1", OPA_SPOOL_REPLAY_INTERVAL_MS="300")
    server = ChdbHttpServer(chdb_session, user="agent", password="p4ss", port=ch_port).__enter__()
    log = open(work / "agent.log", "w")
    AGENT_LOG[:] = [work / "agent.log"]
    proc = subprocess.Popen(["java", "-cp", classpath(), "dev.opa.agent.Main"], cwd=REPO, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    state = {"server": server, "port": ch_port}
    try:
        wait_for("agent health", lambda: get(base, "/health").get("status") == "UP")
        yield base, tcp_port, state, work
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        state["server"].__exit__(None, None, None)
        log.close()
        chdb_session.query("USE opa")
        chdb_session.query(f"DROP DATABASE IF EXISTS {DB}")


def api_range(start_ms):
    return f"from={start_ms - 60_000}&to={start_ms + 600_000}"


def test_traces_sent_over_tcp_are_stored_in_clickhouse_and_served_by_the_api(agent, chdb_session):
    base, tcp_port, _, work = agent
    start = int(time.time() * 1000) - 5_000
    send(tcp_port, trace_lines(20, "shop", start, "c1"))
    traces = wait_for("20 traces via the API",
                      lambda: (t := get(base, f"/api/traces?service=shop&limit=100&{api_range(start)}"))["total"] == 20 and t)
    assert all(item["span_count"] == 2 for item in traces["items"])
    trace_id = traces["items"][0]["trace_id"]
    detail = get(base, f"/api/traces/{trace_id}")
    assert {s["service"] for s in detail["spans"]} == {"shop", "billing"}
    root = next(s for s in detail["spans"] if s["service"] == "shop")
    assert root["tags"]["http_request"]["uri"].startswith("/orders/"), root["tags"]  # detail JSON as received
    assert root["sql"][0]["db_system"] == "mysql"
    assert detail["logs"] and detail["logs"][0]["message"].startswith("order ")
    services = {s["service"]: s for s in get(base, f"/api/services?{api_range(start)}")["items"]}
    assert services["shop"]["requests"] == 20 and services["shop"]["errors"] == 4
    sql = get(base, f"/api/sql?{api_range(start)}")["items"]
    assert sql and sql[0]["normalized"] == "SELECT * FROM orders WHERE id = ?" and sql[0]["count"] == 20
    errors = get(base, f"/api/errors?{api_range(start)}")["items"]
    assert sum(e["count"] for e in errors) == 4
    assert ch_scalar(chdb_session, f"SELECT count() FROM {DB}.spans_min WHERE service = 'shop'") == 20
    assert metric(base, "opa_spans_stored_total") >= 40, "the store-neutral metrics count ClickHouse writes"


def test_batches_wait_in_the_spool_while_clickhouse_is_down_and_are_replayed(agent, chdb_session):
    base, tcp_port, state, work = agent
    state["server"].__exit__(None, None, None)  # ClickHouse goes away
    start = int(time.time() * 1000) - 4_000
    send(tcp_port, trace_lines(15, "spooled", start, "d2"))
    wait_for("a spooled batch", lambda: any((work / "spool").rglob("*")) if (work / "spool").exists() else False)
    assert metric(base, "opa_store_write_failures_total") >= 1
    assert metric(base, "opa_spool_batches_written_total") >= 1
    state["server"] = ChdbHttpServer(chdb_session, user="agent", password="p4ss", port=state["port"]).__enter__()
    wait_for("the spooled traces after replay",
             lambda: get(base, f"/api/traces?service=spooled&limit=100&{api_range(start)}")["total"] == 15)
    assert ch_scalar(chdb_session, f"SELECT count() FROM {DB}.spans_min WHERE service = 'spooled'") == 15
