"""Bytes per span on disk for spans_min (and the other tables present) in a real ClickHouse engine (chDB).

Loads the payload files written by ClickHouseDatasetExport (the writer's exact JSONEachRow bodies) into
the clickhouse-init/ schema, merges the parts (OPTIMIZE FINAL: the steady state of a table after the
background merges) and reads system.parts. See docs/benchmarks.md for the command and results.

    target/ch-venv/bin/python bench/clickhouse/bytes_per_span.py target/ch-bench
"""
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src" / "test" / "clickhouse"))
import dataset as ds  # noqa: E402
from chdb import session as chs  # noqa: E402


def main(dataset_dir: Path):
    manifest = ds.manifest(dataset_dir)
    path = tempfile.mkdtemp(prefix="opa-chdb-bench-")
    s = chs.Session(path)
    try:
        t0 = time.time()
        ds.load_chdb(s, dataset_dir)
        load_s = time.time() - t0
        tables = sorted({t for _, t, _ in ds.payload_files(dataset_dir)})
        for t in tables:
            s.query(f"OPTIMIZE TABLE {t} FINAL")
        out = json.loads(s.query(f"""
            SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes_on_disk,
                   sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed,
                   count() AS parts
            FROM system.parts WHERE active AND database = 'opa' GROUP BY table ORDER BY table""", "JSON").bytes())
        print(f"spans generated: {manifest['spans']}, payload files loaded in {load_s:.1f} s")
        print(f"{'table':<14}{'rows':>10}{'bytes_on_disk':>15}{'B/row':>8}{'B/span':>8}{'ratio':>7}")
        for r in out["data"]:
            rows, disk = int(r["rows"]), int(r["bytes_on_disk"])
            ratio = int(r["uncompressed"]) / max(1, int(r["compressed"]))
            print(f"{r['table']:<14}{rows:>10}{disk:>15}{disk / max(1, rows):>8.1f}"
                  f"{disk / manifest['spans']:>8.1f}{ratio:>7.1f}")
        cols = json.loads(s.query("""
            SELECT column, sum(column_data_compressed_bytes) AS b FROM system.parts_columns
            WHERE active AND database = 'opa' AND table = 'spans_min' GROUP BY column ORDER BY b DESC""",
                                  "JSON").bytes())
        print("spans_min per column (compressed B/span): " + ", ".join(
            f"{c['column']} {int(c['b']) / manifest['spans']:.1f}" for c in cols["data"]))
    finally:
        s.close()
        shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "target/ch-bench"))
