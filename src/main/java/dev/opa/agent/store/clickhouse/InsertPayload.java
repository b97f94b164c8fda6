package dev.opa.agent.store.clickhouse;

/**
 * One INSERT the writer sends: {@code INSERT INTO <table> FORMAT JSONEachRow} with {@code body} as data
 * (and {@link ClickHouseBatchEncoder#INSERT_SETTINGS}). The verification harness loads these very bytes.
 */
public record InsertPayload(String table, byte[] body, int rows) {
}
