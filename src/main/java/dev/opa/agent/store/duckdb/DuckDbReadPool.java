package dev.opa.agent.store.duckdb;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.duckdb.DuckDBDriver;

/**
 * The REST API's read connections (the {@code dataSource} bean): one object for the agent's lifetime over the
 * pool of the database instance currently open, so that the store can close and reopen the file after a fatal
 * error without the API noticing more than the failed queries. Every SQLException a connection or statement
 * raises is shown to the store ({@code failed}), which recognises an invalidated instance; {@code beforeBorrow}
 * lets the store reopen it before the next query runs.
 */
final class DuckDbReadPool implements DataSource {

    private final String jdbcUrl;
    private final int size;
    private final Runnable beforeBorrow;
    private final Consumer<SQLException> failed;
    private volatile HikariDataSource pool;

    DuckDbReadPool(String jdbcUrl, int size, Runnable beforeBorrow, Consumer<SQLException> failed) {
        this.jdbcUrl = jdbcUrl;
        this.size = size;
        this.beforeBorrow = beforeBorrow;
        this.failed = failed;
    }

    /** Opens a pool on the database instance the store has just opened (the driver shares it by file name). */
    void open() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setDriverClassName(DuckDBDriver.class.getName());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setPoolName("opa-duckdb-read");
        pool = new HikariDataSource(config);
    }

    /**
     * Closes every connection, including those in use (their queries fail): DuckDB keeps an instance open while
     * any connection to it is, and the store can only open the file again once none is.
     */
    void close() {
        HikariDataSource p = pool;
        pool = null;
        if (p != null) {
            p.close();
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        beforeBorrow.run();
        HikariDataSource p = pool;
        if (p == null) {
            throw new SQLException("DuckDB store closed or reopening after a fatal error");
        }
        try {
            return watched(Connection.class, p.getConnection());
        } catch (SQLException e) {
            failed.accept(e);
            throw e;
        }
    }

    /** {@code target} behind a proxy that reports its SQLExceptions, and those of the statements it creates. */
    private <T> T watched(Class<T> type, T target) {
        return type.cast(Proxy.newProxyInstance(DuckDbReadPool.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        if (e.getCause() instanceof SQLException sql) {
                            failed.accept(sql);
                        }
                        throw e.getCause();
                    }
                    Class<?> returned = method.getReturnType();
                    if (result != null && returned.isInterface() && Statement.class.isAssignableFrom(returned)) {
                        return watched(cast(returned), result);
                    }
                    return result;
                }));
    }

    @SuppressWarnings("unchecked")
    private static Class<Object> cast(Class<?> type) {
        return (Class<Object>) type;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // no driver log: the agent logs through slf4j
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // an embedded database: there is no login
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("getParentLogger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
