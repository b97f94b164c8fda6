"""Applies clickhouse-init/*.sql to a chDB session, the way the agent and the container init do.

Statement rule shared with the Java writer (ClickHouseSchema): a statement ends with ';' at the end of
a line; '--' starts a comment line.
"""
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
INIT_DIR = REPO / "clickhouse-init"


def statements(sql_text: str):
    current = []
    for line in sql_text.splitlines():
        if line.strip().startswith("--") and not current:
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            stmt = "\n".join(current).strip().rstrip(";").strip()
            if stmt:
                yield stmt
            current = []
    tail = "\n".join(current).strip()
    if tail and not all(l.strip().startswith("--") or not l.strip() for l in current):
        yield tail


def init_files(init_dir: Path = INIT_DIR):
    return sorted(init_dir.glob("*.sql"))


def apply_schema(session, database: str = "opa", init_dir: Path = INIT_DIR):
    session.query(f"CREATE DATABASE IF NOT EXISTS {database}")
    session.query(f"USE {database}")
    for f in init_files(init_dir):
        for stmt in statements(f.read_text()):
            session.query(stmt)
