package dev.opa.agent.store.clickhouse;

/**
 * One INSERT the writer sends: {@code INSERT INTO <table> FORMAT JSONEachRow} with {@code body} as data.
 * The verification harness loads these very bytes into chDB.
 */
public record InsertPayload(String table, byte[] body, int rows) {

    public static final String FORMAT = "JSONEachRow";
}
