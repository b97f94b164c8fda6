"""Real traffic through the ClickHouse store: the recorded WordPress and MediaWiki requests
(src/test/resources/corpus/, bench/corpus/README.md), exactly as the PHP extension sent them, go over the Unix
socket into the whole agent (`store: clickhouse`, application.yaml's defaults, the JVM flags `java -jar` gives it),
so through its FrameDecoder, MessageParser, batcher and the real writer (client-v2 over HTTP) into chDB behind
chhttp. Every request must be stored completely: its spans_min row, its spans_full row with the whole call stack,
one sql_queries row per statement; plus a 5 MB span with a 10,000-node call tree.

The expectations are read from the corpus files here, independently of the agent (python-lz4 + json).
OPA_CH_CORPUS=<dir> runs the same check on every *.opa file of that directory instead of the fixture
(e.g. the 1,202 recorded requests of /work/corpus; not in CI) and prints rows, bytes and time;
OPA_CH_CORPUS_RATE=<messages per second> paces the sending (default: as fast as the agent reads).
"""
import hashlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path

import lz4.frame
import pytest

from chhttp import ChdbHttpServer
from chschema import REPO
from conftest import ch_query, ch_scalar
from test_agent_e2e import AGENT_LOG, free_port, get, metric, wait_for
from test_writer_http import classpath

DB = "opa_corpus"
LZ4_MAGIC = b"\x04\x22\x4d\x18"
FIXTURE = REPO / "src" / "test" / "resources" / "corpus"
HUGE_TRACE = "5ca1ab1e" + "0" * 23 + "2"
RATE = float(os.environ.get("OPA_CH_CORPUS_RATE") or 0)  # messages per second, 0 = as fast as the agent reads
MAX_QUERY_CHARS = 8192  # application.yaml opa.limits.max-query-chars: longer statements are stored truncated


def corpus_files():
    d = Path(os.environ.get("OPA_CH_CORPUS") or FIXTURE)
    files = sorted(d.glob("*.opa"))
    assert files, f"no *.opa corpus files in {d}"
    return files


def records(path: Path):
    """The messages of a corpus file: u32 big-endian length + the bytes the extension wrote."""
    data = path.read_bytes()
    at = 0
    while at < len(data):
        (n,) = struct.unpack_from(">I", data, at)
        yield data[at + 4:at + 4 + n]
        at += 4 + n


def json_lines(message: bytes):
    text = lz4.frame.decompress(message) if message.startswith(LZ4_MAGIC) else message
    return [json.loads(line) for line in text.split(b"\n") if line.strip()]


def digest(value) -> str:
    """Of a JSON value's content (key order, spacing and number spelling aside)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def expected_span(span: dict) -> dict:
    sql = span.get("sql") or []
    stack = span.get("stack") or []
    return {"service": span["service"], "nodes": len(stack), "sql": len(sql),
            "queries": sorted(q["query"][:MAX_QUERY_CHARS] for q in sql), "stack": digest(stack)}


def huge_span(nodes: int) -> dict:
    """A root span of `nodes` call nodes, ~5 MB of JSON (as RealTrafficTest sends to the DuckDB store)."""
    start = int(time.time() * 1000) - 60_000
    stack = [{"call_id": f"{i:016x}", "parent_id": f"{(i - 1) // 4:016x}" if i else None,
              "function": f"App\\Module{i % 97}\\Service::handle{i % 13}", "depth": min(i, 40),
              "file": f"/srv/app/src/Module{i % 97}/Service{i % 13}.php", "line": i % 900,
              "start_ts": start + i * 0.01, "duration_ms": 0.25, "cpu_ms": 0.2, "memory_delta": 512,
              "padding": "x" * 400, "function_type": 0} for i in range(nodes)]
    return {"type": "span", "trace_id": HUGE_TRACE, "span_id": "5ca1ab1e00000001", "parent_id": None,
            "service": "huge", "name": "GET /huge", "start_ts": start, "end_ts": start + 500, "duration_ms": 500.0,
            "cpu_ms": 400.0, "status": "ok", "tags": {"http_request": {"method": "GET", "uri": "/huge"}},
            "sql": [{"query": f"SELECT {i}", "db_system": "mysql", "duration_ms": 0.1, "start_ts": start + i}
                    for i in range(50)],
            "stack": stack}


def default_jvm_options():
    """JvmLauncher.DEFAULT_OPTIONS: the flags `java -jar` runs the agent with."""
    source = (REPO / "src/main/java/dev/opa/agent/JvmLauncher.java").read_text()
    m = re.search(r"DEFAULT_OPTIONS\s*=\s*((?:\"[^\"]*\"\s*\+?\s*)+);", source)
    assert m, "DEFAULT_OPTIONS not found in JvmLauncher.java"
    return "".join(re.findall(r"\"([^\"]*)\"", m.group(1))).split()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


@pytest.fixture(scope="module")
def stored(chdb_session):
    """The corpus sent once into an agent writing to ClickHouse; (expected per trace, figures of the run)."""
    expected, messages, json_bytes = {}, [], 0
    for f in corpus_files():
        for message in records(f):
            for span in json_lines(message):
                assert span["trace_id"] not in expected, f"trace {span['trace_id']} twice in the corpus"
                expected[span["trace_id"]] = expected_span(span)
            messages.append(message)
            json_bytes += len(lz4.frame.decompress(message)) if message.startswith(LZ4_MAGIC) else len(message)
    huge = huge_span(10_000)
    huge_line = (json.dumps(huge) + "\n").encode()
    assert len(huge_line) > 5_000_000, len(huge_line)
    expected[HUGE_TRACE] = expected_span(huge)

    chdb_session.query(f"DROP DATABASE IF EXISTS {DB}")
    http_port, tcp_port, ch_port = free_port(), free_port(), free_port()
    work = Path(tempfile.mkdtemp(prefix="opa-agent-chcorpus-"))
    sock = work / "opa.sock"
    env = dict(os.environ,
               OPA_STORE="clickhouse", OPA_STORE_CLICKHOUSE_URL=f"http://127.0.0.1:{ch_port}",
               OPA_STORE_CLICKHOUSE_DATABASE=DB, OPA_STORE_CLICKHOUSE_USER="agent",
               OPA_STORE_CLICKHOUSE_PASSWORD="p4ss", OPA_STORE_CLICKHOUSE_INIT_DIR=str(REPO / "clickhouse-init"),
               # the recorded requests keep their recorded times: no TTL may expire them, however old they get
               OPA_STORE_CLICKHOUSE_RETENTION_DAYS="3650",
               OPA_DATA_DIR=str(work), OPA_HTTP_PORT=str(http_port), OPA_TCP_LISTEN=f"127.0.0.1:{tcp_port}",
               OPA_SOCKET_PATH=str(sock))
    server = ChdbHttpServer(chdb_session, user="agent", password="p4ss", port=ch_port).__enter__()
    log = open(work / "agent.log", "w")
    AGENT_LOG[:] = [work / "agent.log"]
    proc = subprocess.Popen(["java", *default_jvm_options(), "-cp", classpath(), "dev.opa.agent.Main"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_for("agent health", lambda: get(base, "/health").get("status") == "UP", timeout=90)
        cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(str(sock))
            for i, message in enumerate(messages):
                if RATE:  # paced like a host's traffic; unpaced, the agent's overflow path is tested instead
                    time.sleep(max(0.0, t0 + i / RATE - time.monotonic()))
                s.sendall(message)
        with socket.create_connection(("127.0.0.1", tcp_port), timeout=30) as s:
            s.sendall(lz4.frame.compress(huge_line))
        wait_for(f"{len(expected)} spans stored", lambda: metric(base, "opa_spans_stored_total") >= len(expected),
                 timeout=max(60, len(messages) // 2))
        run = {"requests": len(expected), "messages": len(messages) + 1, "json_bytes": json_bytes + len(huge_line),
               "seconds": time.monotonic() - t0, "agent_cpu_seconds": cpu_seconds(proc.pid) - cpu0,
               "stored": metric(base, "opa_spans_stored_total"),
               "store_failures": metric(base, "opa_store_write_failures_total"),
               "spool_batches": metric(base, "opa_spool_batches"),
               "frames_rejected": metric(base, "opa_frames_rejected_total"),
               "messages_rejected": metric(base, "opa_messages_rejected_total"),
               "ready": get(base, "/health").get("status"), "agent_peak_rss_mb": peak_rss_mb(proc.pid),
               "insert_requests": sum(1 for _, p, _ in server.requests if p.get("query", "").upper().startswith("INSERT")),
               "insert_body_bytes": sum(n for _, p, n in server.requests
                                        if p.get("query", "").upper().startswith("INSERT"))}
        yield expected, run
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        server.__exit__(None, None, None)
        log.close()
        shutil.rmtree(work, ignore_errors=True)
        if os.environ.get("OPA_CH_CORPUS"):
            report(chdb_session)
        chdb_session.query("USE opa")
        chdb_session.query(f"DROP DATABASE IF EXISTS {DB}")


def report(session):
    _, rows = ch_query(session, f"SELECT table, sum(rows), sum(data_uncompressed_bytes), sum(data_compressed_bytes) "
                                f"FROM system.parts WHERE database = '{DB}' AND active GROUP BY table ORDER BY table")
    print("\ntable rows uncompressed compressed")
    for r in rows:
        print(*r)


def test_the_agent_stored_every_request_without_a_failure(stored):
    expected, run = stored
    print("\n" + json.dumps(run))
    assert run["stored"] == len(expected), run
    assert run["store_failures"] == 0 and run["spool_batches"] == 0, run
    assert run["frames_rejected"] == 0 and run["messages_rejected"] == 0, run
    assert run["ready"] == "UP", run
    log = AGENT_LOG[0].read_text()
    assert "store write failed" not in log and "OutOfMemoryError" not in log, log[-3000:]


def test_every_request_has_one_spans_min_row_with_its_sql_count(stored, chdb_session):
    expected, _ = stored
    _, rows = ch_query(chdb_session, f"SELECT trace_id, count(), any(service), any(sql_count), any(is_entry) "
                                     f"FROM {DB}.spans_min GROUP BY trace_id")
    got = {r[0]: r[1:] for r in rows}
    assert set(got) == set(expected)
    for trace, e in expected.items():
        assert got[trace] == [1, e["service"], e["sql"], 1], trace


def test_every_request_has_its_whole_call_stack_in_spans_full(stored, chdb_session):
    expected, _ = stored
    _, rows = ch_query(chdb_session, f"SELECT trace_id, count(), any(JSONLength(stack)) FROM {DB}.spans_full "
                                     f"GROUP BY trace_id")
    got = {r[0]: r[1:] for r in rows}
    assert set(got) == set(expected)
    assert all(got[t] == [1, e["nodes"]] for t, e in expected.items()), \
        [(t, got[t], e["nodes"]) for t, e in expected.items() if got[t] != [1, e["nodes"]]][:5]
    assert any(e["nodes"] >= 1000 for e in expected.values()), "requests of 1,000+ call nodes"
    assert got[HUGE_TRACE] == [1, 10_000]


def test_stored_call_stacks_equal_what_the_extension_sent(stored, chdb_session):
    """The call nodes themselves, not only their number: each stack, parsed, equals the source's."""
    expected, _ = stored
    for trace, e in expected.items():
        if e["nodes"]:
            text = ch_scalar(chdb_session, f"SELECT stack FROM {DB}.spans_full WHERE trace_id = '{trace}'")
            assert digest(json.loads(text)) == e["stack"], trace


def test_every_statement_has_its_sql_queries_row(stored, chdb_session):
    expected, _ = stored
    _, rows = ch_query(chdb_session, f"SELECT trace_id, arraySort(groupArray(query)) FROM {DB}.sql_queries "
                                     f"GROUP BY trace_id")
    got = {r[0]: r[1] for r in rows}
    assert sum(len(q) for q in got.values()) == sum(e["sql"] for e in expected.values())
    for trace, e in expected.items():
        assert got.get(trace, []) == e["queries"], trace
