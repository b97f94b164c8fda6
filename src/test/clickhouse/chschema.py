"""Applies clickhouse-init/*.sql to a chDB session, the way the agent and the container init do.

Statement rule shared with the Java writer (ClickHouseSchema): a statement ends with ';' at the end of
a line (a trailing '--' comment aside); comment and blank lines between statements are dropped.
"""
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
INIT_DIR = REPO / "clickhouse-init"


def code_part(line: str) -> str:
    """The line without a trailing '--' comment (one inside a '...' literal is kept)."""
    quoted = False
    for i, c in enumerate(line):
        if c == "'":
            quoted = not quoted
        elif not quoted and line.startswith("--", i):
            return line[:i]
    return line


def statements(sql_text: str):
    current = []
    for line in sql_text.splitlines():
        code = code_part(line).rstrip()
        if not current and not code.strip():
            continue
        if code.endswith(";"):
            yield "\n".join(current + [code[:-1]]).strip()
            current = []
        else:
            current.append(line)
    if current:
        yield "\n".join(current).strip()


def init_files(init_dir: Path = INIT_DIR):
    return sorted(init_dir.glob("*.sql"))


def apply_schema(session, database: str = "opa", init_dir: Path = INIT_DIR):
    session.query(f"CREATE DATABASE IF NOT EXISTS {database}")
    session.query(f"USE {database}")
    for f in init_files(init_dir):
        for stmt in statements(f.read_text()):
            session.query(stmt)
