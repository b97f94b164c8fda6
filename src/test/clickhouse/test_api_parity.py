"""Every ClickHouse query of the REST API (sql/clickhouse/api/*.sql), run in chDB on the rows the
ClickHouse writer produced, answers exactly what the DuckDB query of the same name answers on the same
batches written by the agent's DuckDB store; parameters bound as each store's JDBC driver binds them."""
import pytest

import parity
from parity import SCENARIOS, bound


def cases():
    """Each file with the base scenario and every scenario that sets one of the file's parameters."""
    for f in parity.api_files():
        takes = set(parity.sqlparams.names((parity.CLICKHOUSE_API / f).read_text()))
        for name, overrides in SCENARIOS.items():
            if name == "base" or takes & overrides.keys():
                yield pytest.param(f, name, id=f"{f[:-4]}-{name}")


def test_every_clickhouse_query_has_a_duckdb_twin():
    missing = [f for f in parity.api_files() if not (parity.DUCKDB_API / f).exists()]
    extra = sorted(p.name for p in parity.DUCKDB_API.glob("*.sql") if not (parity.CLICKHOUSE_API / p.name).exists())
    assert not missing and not extra, f"ClickHouse only: {missing}; DuckDB only: {extra}"


@pytest.mark.parametrize("file,scenario", list(cases()))
def test_clickhouse_answers_equal_duckdb(file, scenario, base_params, chdb_session, duck):
    ch_sql = (parity.CLICKHOUSE_API / file).read_text()
    duck_sql = (parity.DUCKDB_API / file).read_text()
    overrides = SCENARIOS[scenario]
    params = bound(ch_sql, base_params, overrides)
    assert params == bound(duck_sql, base_params, overrides), "the two dialects take different parameters"
    ch = parity.run_clickhouse(chdb_session, ch_sql, params)
    dk = parity.run_duckdb(duck, duck_sql, params)
    if file in parity.ENGINE_SPECIFIC:
        size = ch[0].index("store_bytes")
        assert ch[0] == dk[0] and ch[1][0][size] > 0 and dk[1][0][size] > 0
        return
    diff = parity.differences(dk, ch)
    assert not diff, f"{file} [{scenario}] params={params}\n" + "\n".join(diff)


@pytest.mark.parametrize("file", parity.api_files())
def test_query_returns_rows_for_the_data_set(file, base_params, chdb_session):
    """Guards the comparison against vacuous equality (both empty)."""
    sql = (parity.CLICKHOUSE_API / file).read_text()
    for overrides in ({}, SCENARIOS["service"], SCENARIOS["trace"], SCENARIOS["fingerprint"]):
        _, rows = parity.run_clickhouse(chdb_session, sql, bound(sql, base_params, overrides))
        if rows:
            return
    pytest.fail(f"{file} returned no row in the base, service, trace and fingerprint scenarios")
