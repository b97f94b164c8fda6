"""Latency and rows read of every ClickHouse API query (sql/clickhouse/api/, as the export expands them) on a generated data set in
chDB: evidence that the keys, partitions and indexes of clickhouse-init/ fit the dashboard's access paths.

    target/ch-venv/bin/python bench/clickhouse/api_queries.py <dataset dir from ClickHouseDatasetExport> [runs=5] [window_min]

Each query runs with the parity suite's base parameters over the whole data set's range (one service for
the per-service queries, the largest trace for the per-trace ones), after OPTIMIZE FINAL. Reports the
median wall time, the rows the engine read from storage and the rows returned.
"""
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src" / "test" / "clickhouse"))
import dataset as ds  # noqa: E402
import parity  # noqa: E402
import sqlparams  # noqa: E402
from chdb import session as chs  # noqa: E402


def main(dataset_dir: Path, runs: int, window_min: int | None):
    m = ds.manifest(dataset_dir)
    path = tempfile.mkdtemp(prefix="opa-chdb-apibench-")
    s = chs.Session(path)
    try:
        ds.load_chdb(s, dataset_dir)
        for t in m["rows"]:
            s.query(f"OPTIMIZE TABLE {t} FINAL")
        trace = s.query("SELECT trace_id FROM spans_min GROUP BY trace_id ORDER BY count() DESC, trace_id LIMIT 1",
                        "TabSeparated").bytes().decode().strip()
        fingerprint = s.query("SELECT fingerprint FROM errors GROUP BY fingerprint ORDER BY count() DESC LIMIT 1",
                              "TabSeparated").bytes().decode().strip()
        end = s.query("SELECT toUnixTimestamp64Milli(max(start_ts)) + 1 FROM spans_min", "TabSeparated")
        to_ms = int(end.bytes().decode().strip())
        from_ms = to_ms - window_min * 60_000 if window_min else m["from_ms"]
        base = {"org": "default-org", "project": "default-project", "from_ms": from_ms, "to_ms": to_ms,
                "limit": 50, "offset": 0, "sort": "time", "order": "desc", "threshold": 10,
                "interval_ms": 60000, "service": "shop-web", "fingerprint": fingerprint}
        print(f"data set: {m['spans']} spans, {m['rows']}")
        print(f"range: {'last %d min' % window_min if window_min else 'all'} ({(to_ms - from_ms) / 60000:.0f} min)")
        print(f"{'query':<22}{'median ms':>10}{'rows read':>12}{'rows out':>10}")
        queries = parity.catalog("clickhouse", dataset_dir)
        for f in parity.api_files(queries):
            sql = (queries / f).read_text()
            params = dict(base, trace_id=trace if f.startswith("trace_") else None)
            bound = sqlparams.bind_clickhouse(sql, {n: params.get(n) for n in sqlparams.names(sql)})
            times, rows_read = [], 0
            for _ in range(runs):
                r = s.query(bound, "JSONCompact")
                times.append(r.elapsed() * 1000)
                rows_read = r.storage_rows_read()
            print(f"{f[:-4]:<22}{statistics.median(times):>10.1f}{rows_read:>12}{r.rows_read():>10}")
    finally:
        s.close()
        shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "target/ch-dataset"), int(sys.argv[2]) if len(sys.argv) > 2 else 5,
         int(sys.argv[3]) if len(sys.argv) > 3 else None)
