package dev.opa.agent.store.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.ServerException;
import com.clickhouse.client.api.command.CommandSettings;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import com.clickhouse.jdbc.DataSourceImpl;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.opa.agent.model.Batch;
import dev.opa.agent.store.SpanStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The production store: one INSERT per table per batch, or per ~4 MiB of a table's rows (JSONEachRow, exactly what
 * {@link ClickHouseBatchEncoder} produces), over ClickHouse's HTTP interface with client-v2 (the
 * client under clickhouse-jdbc; its JDBC layer cannot send a pre-encoded body).
 *
 * <p>A write throws if any table's insert fails, so the pipeline's circuit breaker opens and the batch
 * goes to the spool. Replaying a batch that was partly written does not duplicate rows: every insert
 * carries a deduplication token derived from its bytes, the tables (and the materialized views' target
 * tables) keep a {@code non_replicated_deduplication_window} (ReplicatedMergeTree deduplicates by
 * default), and {@code deduplicate_blocks_in_dependent_materialized_views} keeps the views exact.
 */
public final class ClickHouseSpanStore implements SpanStore {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSpanStore.class);
    private static final long HEALTH_TIMEOUT_MS = 3000;

    private final ClickHouseSettings settings;
    private final ClickHouseBatchEncoder encoder;
    private volatile Client client;
    private volatile boolean schemaApplied;
    private List<String> ddl = List.of();
    private HikariDataSource readers;

    /** The constructor {@code SpanStoreFactory} calls: {@code opa.store.*} settings without the prefix. */
    public ClickHouseSpanStore(Map<String, String> storeSettings) {
        this(ClickHouseSettings.fromStoreSettings(storeSettings), new ObjectMapper());
    }

    public ClickHouseSpanStore(ClickHouseSettings settings, ObjectMapper mapper) {
        this.settings = settings;
        this.encoder = new ClickHouseBatchEncoder(mapper);
    }

    @Override
    public void init() throws Exception {
        client = new Client.Builder()
                .addEndpoint(settings.endpoint())
                .setUsername(settings.user())
                .setPassword(settings.password())
                .setDefaultDatabase(settings.database())
                .compressClientRequest(true)
                .setSocketTimeout(settings.timeout().toMillis(), ChronoUnit.MILLIS)
                .setExecutionTimeout(settings.timeout().toMillis(), ChronoUnit.MILLIS)
                .setClientName("opa-agent")
                .build();
        ddl = ClickHouseSchema.statements(settings.initDir());
        try {
            applySchema();
        } catch (ServerException e) {
            throw e; // the server answered and refused (credentials, DDL): a configuration error, fail the start
        } catch (Exception e) {
            // not reachable yet: start anyway; writes fail (breaker, spool) until the schema is applied
            LOG.warn("ClickHouse at {} not reachable at start ({}); the schema is applied on the first write",
                    settings.endpoint(), e.getMessage());
        }
    }

    private synchronized void applySchema() throws Exception {
        if (schemaApplied) {
            return;
        }
        // the server refuses any request naming a database that does not exist yet: create it from "default"
        run("CREATE DATABASE IF NOT EXISTS " + settings.database(), "default");
        for (String statement : ddl) {
            run(statement, settings.database());
        }
        if (settings.retentionDays() > 0) {
            for (String statement : ClickHouseRetention.statements(settings.retentionDays())) {
                // metadata only: the new TTL applies as parts are merged and dropped, no rewrite of old parts
                run(statement, settings.database(), Map.of("materialize_ttl_after_modify", "0"));
            }
        }
        schemaApplied = true;
        LOG.info("ClickHouse store ready: {} database {} ({} DDL statements applied)",
                settings.endpoint(), settings.database(), ddl.size());
    }

    @Override
    public void write(Batch batch) throws Exception {
        applySchema();
        encoder.encode(batch, this::insert); // each payload sent before the next is encoded: a few MB of heap
    }

    private void insert(InsertPayload payload) throws Exception {
        InsertSettings insert = new InsertSettings()
                .setDatabase(settings.database())
                .setDeduplicationToken(payload.table() + "-" + sha256(payload.body()));
        // a replayed insert must not feed the materialized views (trace_index, red_1m, error_groups) twice
        insert.serverSetting("deduplicate_blocks_in_dependent_materialized_views", "1");
        ClickHouseBatchEncoder.INSERT_SETTINGS.forEach(insert::serverSetting);
        if (settings.asyncInsert()) {
            insert.serverSetting("async_insert", "1");
            insert.serverSetting("wait_for_async_insert", "1");
            insert.serverSetting("async_insert_deduplicate", "1");
        }
        try (var response = client.insert(payload.table(), new ByteArrayInputStream(payload.body()),
                ClickHouseFormat.JSONEachRow, insert).get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.debug("inserted {} rows into {}", response.getWrittenRows(), payload.table());
        } catch (ExecutionException e) {
            throw new ClickHouseWriteException(payload.table(), payload.rows(), e.getCause());
        }
    }

    private void run(String sql, String database) throws Exception {
        run(sql, database, Map.of());
    }

    private void run(String sql, String database, Map<String, String> serverSettings) throws Exception {
        CommandSettings command = new CommandSettings();
        command.setDatabase(database);
        serverSettings.forEach(command::serverSetting);
        try (var response = client.execute(sql, command).get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.debug("executed: {}", sql.lines().findFirst().orElse(sql));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * A small pool of clickhouse-jdbc connections to the same endpoint and database (each jdbc-v2
     * connection carries its own HTTP client: worth reusing). The driver renders bound parameters as
     * escaped literals.
     */
    @Override
    public synchronized DataSource readDataSource() {
        if (readers == null) {
            Properties props = new Properties();
            props.setProperty("user", settings.user());
            props.setProperty("password", settings.password());
            if (settings.tls()) {
                props.setProperty("ssl", "true");
            }
            HikariConfig config = new HikariConfig();
            config.setPoolName("opa-clickhouse-read");
            config.setDataSource(new DataSourceImpl(settings.jdbcUrl(), props));
            config.setMaximumPoolSize(settings.readPoolSize());
            config.setMinimumIdle(0);
            config.setInitializationFailTimeout(-1); // the server may come up after the agent
            readers = new HikariDataSource(config);
        }
        return readers;
    }

    @Override
    public boolean isHealthy() {
        Client c = client;
        return c != null && c.ping(Math.min(settings.timeout().toMillis(), HEALTH_TIMEOUT_MS));
    }

    @Override
    public synchronized void close() {
        Client c = client;
        client = null;
        if (c != null) {
            c.close();
        }
        if (readers != null) {
            readers.close();
            readers = null;
        }
    }

    static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An insert the server refused or that did not complete; the batch must be spooled. */
    public static final class ClickHouseWriteException extends Exception {
        ClickHouseWriteException(String table, int rows, Throwable cause) {
            super("ClickHouse insert into " + table + " (" + rows + " rows) failed: "
                    + (cause == null ? "unknown" : cause.getMessage()), cause);
        }
    }
}
