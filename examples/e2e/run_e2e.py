#!/usr/bin/env python3
"""End-to-end checks: real HTTP requests to the demo app under nginx + php-fpm with the OPA extension,
then assertions through the agent's REST API that complete traces arrived.

Usage: run_e2e.py --front http://127.0.0.1:18081 --api http://127.0.0.1:18080 [--out result.json]
Prints one line per check and a closing 'N passed, N failed' line; exits 1 on any failure.
"""
import argparse
import json
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

FRONT = "demo-frontend"
BACK = "demo-backend"


def get(url, timeout=10, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as resp:
        return resp.status, resp.read()


def http_status(url):
    try:
        return get(url)[0]
    except urllib.error.HTTPError as e:
        return e.code


class Api:
    def __init__(self, base):
        self.base = base.rstrip("/")

    def __call__(self, path, **params):
        params.setdefault("from", int((time.time() - 3600) * 1000))
        params.setdefault("to", int((time.time() + 60) * 1000))
        query = urllib.parse.urlencode(params, doseq=True)
        status, body = get(f"{self.base}{path}?{query}")
        return json.loads(body)

    def wait_for(self, what, fetch, timeout=30):
        """Polls until fetch() returns something truthy: traces complete after the tail buffer's grace."""
        deadline = time.time() + timeout
        while True:
            value = fetch()
            if value:
                return value
            if time.time() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            time.sleep(0.5)

    def trace_named(self, service, name):
        items = self.wait_for(f"a '{name}' trace of {service}",
                              lambda: self("/api/traces", service=service, name=name, limit=5)["items"])
        return self(f"/api/traces/{items[0]['trace_id']}")


def root_of(trace, service):
    roots = [s for s in trace["spans"] if s["service"] == service and not s.get("parent_id")]
    if not roots:  # a continued trace (W3C): the service's entry span has the caller as parent
        roots = [s for s in trace["spans"] if s["service"] == service]
    assert roots, f"no span of {service} in trace {trace['trace_id']}"
    return roots[0]


def walk_stack(span):
    return span.get("stack") or []


def checks(front, api, ext=None, socket=None):
    def products():
        trace = api.trace_named(FRONT, "GET /products")
        root = root_of(trace, FRONT)
        sql = root["sql"]
        assert len(sql) >= 13, f"expected >= 13 SQL statements, got {len(sql)}"
        assert all(q.get("db_system") == "sqlite" for q in sql), {q.get("db_system") for q in sql}
        assert all(q["duration_ms"] > 0 for q in sql), "SQL durations must be measured, not zero"
        assert any("FROM reviews WHERE product_id = ?" in q["query"] for q in sql), [q["query"] for q in sql][:3]
        functions = {n.get("function") for n in walk_stack(root)}
        assert "productsWithReviews" in functions, sorted(f for f in functions if f)[:20]
        nplus1 = api.wait_for("N+1 detection", lambda: [
            i for i in api("/api/sql/n-plus-one", service=FRONT, threshold=10)["items"]
            if i["trace_id"] == trace["trace_id"]])
        assert nplus1[0]["count"] >= 12, nplus1
        return f"{len(sql)} SQL statements, N+1 x{nplus1[0]['count']}"

    def orders():
        trace = api.trace_named(FRONT, "GET /orders")
        sql = root_of(trace, FRONT)["sql"]
        assert sql and all(q.get("db_system") == "mysql" for q in sql), [(q.get("db_system"), q["query"]) for q in sql]
        count = [q for q in sql if "COUNT(*)" in q["query"]]
        assert count, [q["query"] for q in sql]
        assert "'nobody'" not in count[0]["query"], "SQL literals must be redacted: " + count[0]["query"]
        assert any(q["duration_ms"] > 0 for q in sql)
        return f"{len(sql)} mysqli statements, literals redacted"

    def fetch():
        trace = api.trace_named(FRONT, "GET /fetch")
        front_root = root_of(trace, FRONT)
        calls = front_root["http"]
        assert calls, "no outgoing HTTP record"
        assert "/api/ping" in calls[0]["url"] and calls[0]["status_code"] == 200, calls[0]
        assert calls[0]["duration_ms"] > 0
        backend = [s for s in trace["spans"] if s["service"] == BACK]
        assert backend, "the backend's span did not join the caller's trace (W3C traceparent)"
        return f"backend span joined trace {trace['trace_id'][:8]}…"

    def files():
        trace = api.trace_named(FRONT, "GET /files")
        root = root_of(trace, FRONT)
        # file calls are summed on the calling node (php-ext/README.md: node file_io)
        io = [n["file_io"] for n in walk_stack(root) if n.get("file_io")]
        assert io, f"no file I/O aggregate in the call tree: {walk_stack(root)[:2]}"
        ops, size = sum(i["operations"] for i in io), sum(i["bytes"] for i in io)
        # demo: file_put_contents 36,000 B, fread loop 36,000 B, file_get_contents 36,000 B
        assert ops >= 5 and size >= 3 * 36000, io
        assert all(i["duration_ms"] > 0 for i in io), io
        # each call as a record too (the suite sets opa.file_io_threshold_us=0), stored and returned by the API
        records = root.get("file_io") or []
        by_op = {}
        for r in records:
            by_op.setdefault(r["operation"], []).append(r)
        assert {"file_put_contents", "fopen", "fread", "fclose", "file_get_contents"} <= set(by_op), sorted(by_op)
        assert by_op["file_put_contents"][0]["bytes"] == 36000 and by_op["file_get_contents"][0]["bytes"] == 36000, records
        assert sum(r["bytes"] for r in by_op["fread"]) == 36000, by_op["fread"]
        assert all("opa-demo" in r["path"] for r in records if r["operation"] != "fclose"), records[:3]  # fclose: no path
        assert all(r["duration_ms"] >= 0 and r["start_ts"] > 0 for r in records), records[:3]
        return f"{ops} file operations, {size} bytes, {len(records)} records"

    def boom():
        assert http_status(front + "/boom") == 500
        trace = api.trace_named(FRONT, "GET /boom")
        assert root_of(trace, FRONT)["status"] == "error"
        groups = api.wait_for("the RuntimeException group", lambda: [
            g for g in api("/api/errors", service=FRONT)["items"] if "payment gateway" in g["error_message"]])
        assert groups[0]["error_type"] == "RuntimeException", groups[0]
        return f"error group {groups[0]['fingerprint'][:8]}… count {groups[0]['count']}"

    def slow():
        trace = api.trace_named(FRONT, "GET /slow")
        nodes = [n for n in walk_stack(root_of(trace, FRONT)) if n.get("function") == "slow_report"]
        assert nodes, "slow_report missing from the call tree"
        assert nodes[0]["duration_ms"] >= 120, nodes[0]
        return f"slow_report {nodes[0]['duration_ms']:.1f} ms"

    def log():
        items = api.wait_for("the error_log line", lambda: [
            i for i in api("/api/logs", service=FRONT, q="changed their e-mail")["items"]])
        assert items[0]["trace_id"], items[0]
        return f"log at level {items[0]['level']}"

    def dump():
        items = api.wait_for("the opa_dump", lambda: api("/api/dumps", service=FRONT)["items"])
        assert any("A-1" in (i.get("data") or "") + (i.get("text") or "") for i in items), items[0]
        return f"{len(items)} dump(s)"

    def unsampled():
        # requests continued from a traceparent whose sampled flag is 00 are not sampled: the extension sends a root
        # summary whose SQL figures are only in its RED tags; the agent must store them (trace list, services)
        ids = [secrets.token_hex(16) for _ in range(3)]
        for trace_id in ids:
            status, _ = get(front + "/orders", headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-00"})
            assert status == 200, status
        for trace_id in ids:
            trace = api.wait_for(f"summary {trace_id[:8]}", lambda: trace_or_none(api, trace_id))
            span = root_of(trace, FRONT)
            tags = span["tags"]
            assert tags["sampled"] == "false" and not span["sql"] and not span["stack"], (tags, span["sql"])
            assert span["sql_count"] == int(tags["opa.sql_count"]) > 0, (span["sql_count"], tags)
            assert abs(span["sql_ms"] - float(tags["opa.sql_ms"])) < 0.01 and span["sql_ms"] > 0, (span["sql_ms"], tags)
        listed = api("/api/traces", service=FRONT, name="GET /orders", limit=100)["items"]
        assert set(ids) <= {t["trace_id"] for t in listed}, "summaries missing from the trace list"
        mean = sum(t["sql_count"] for t in listed) / len(listed)
        endpoint = [e for e in api(f"/api/services/{FRONT}/endpoints")["items"] if e["name"] == "GET /orders"][0]
        assert abs(endpoint["sql_per_request"] - mean) < 1e-6, (endpoint, mean)
        assert endpoint["sql_ms_per_request"] > 0, endpoint
        return (f"{len(ids)} summaries, {span['sql_count']} statements each; GET /orders "
                f"{endpoint['sql_per_request']:.2f} statements/request over {len(listed)} requests")

    def tenant_log():
        # a PHP process with the INI tenant: its error_log() line must land in that tenant, not the default one
        assert ext and socket, "run with --ext and --socket"
        marker = "tenant check " + secrets.token_hex(4)
        subprocess.run(["php", "-n", "-d", f"extension={ext}", "-d", f"opa.socket_path={socket}",
                        "-d", "opa.service_name=e2e-cli", "-d", "opa.organization_id=e2e-org",
                        "-d", "opa.project_id=e2e-project", "-r", f"error_log('app.WARNING: {marker}');"],
                       check=True, capture_output=True, timeout=30)
        items = api.wait_for("the log in its tenant", lambda: api("/api/logs", org="e2e-org", project="e2e-project",
                                                                  q=marker)["items"])
        assert items[0]["service"] == "e2e-cli" and items[0]["level"] == "WARNING", items[0]
        assert not api("/api/logs", q=marker)["items"], "the log is also in the default tenant"
        return "log stored under e2e-org / e2e-project"

    return [products, orders, fetch, files, boom, slow, log, dump, unsampled, tenant_log]


def trace_or_none(api, trace_id):
    try:
        return api(f"/api/traces/{trace_id}")
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--front", required=True)
    p.add_argument("--api", required=True)
    p.add_argument("--out")
    p.add_argument("--ext", help="the built extension (opa.so), for a PHP process of another tenant")
    p.add_argument("--socket", help="the agent's Unix socket")
    args = p.parse_args()
    api = Api(args.api)

    for path in ["/products", "/orders", "/fetch", "/files", "/slow", "/log", "/dump"]:
        status = http_status(args.front + path)
        print(f"request {path}: HTTP {status}")
        assert status == 200, f"{path} answered {status}: the extension must not change the application"

    passed, failed, found = 0, 0, {}
    for check in checks(args.front, api, args.ext, args.socket):
        try:
            found[check.__name__] = check()
            print(f"PASS {check.__name__}: {found[check.__name__]}")
            passed += 1
        except Exception as e:  # report every check, then fail
            print(f"FAIL {check.__name__}: {type(e).__name__}: {e}")
            failed += 1
    if args.out:
        slowest = api("/api/traces", service=FRONT, name="GET /products", limit=1)["items"]
        with open(args.out, "w") as f:
            json.dump({"products_trace": slowest[0]["trace_id"] if slowest else None, "checks": found}, f)
    print(f"e2e: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
