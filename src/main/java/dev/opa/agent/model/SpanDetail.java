package dev.opa.agent.model;

import java.util.List;

/**
 * The detail of a span, held as the JSON text it arrived in (the call stack compressed; no trees: a realistic root with a 50-node call
 * stack is ~11 KB of text but was ~65 trees of 1–1.5 KB heap each), plus the few values the stores derive
 * rows from, extracted once while parsing ({@code dev.opa.agent.parse.DetailScanner}). An absent field, or
 * one of the wrong JSON kind, is {@code "{}"} (tags, net) or {@code "[]"} (the lists).
 *
 * <p>Records listed on the span win over those nested in its call nodes ({@code stack[].sql_queries} …): the
 * lists and counts here are already resolved that way.
 *
 * @param fileIo     the span-level {@code file_io} records (file operations), as received
 * @param sqlCount   statements (listed on the span, else nested in call nodes, else the request's
 *                   {@code opa.sql_count} tag: an unsampled request's summary carries no records)
 * @param httpCount  outgoing HTTP calls (likewise, tag {@code opa.http_count})
 * @param cacheCount cache plus Redis operations (listed on the span, else nested, per kind)
 * @param sqlMs      time in those statements: their records' durations, else the {@code opa.sql_ms} tag
 * @param httpMs     time in those calls (likewise, tag {@code opa.http_ms})
 * @param stackLz4   the call stack's JSON text compressed by {@link StackCodec} while parsing (most of a
 *                   realistic span, so held and stored compressed; {@link #stack()} gives the text)
 * @param heapBytes  estimated heap held by this detail: the text (compact strings, one byte per Latin-1 char;
 *                   the rare non-Latin-1 text is under-counted by half) plus the records. The tail buffer and
 *                   the batcher are bounded by it. Computed once by the short constructor.
 */
public record SpanDetail(
        String tags,
        String net,
        String sql,
        String http,
        String cache,
        String redis,
        String dumps,
        String fileIo,
        byte[] stackLz4,
        List<SqlRecord> sqlRecords,
        List<HttpRecord> httpRecords,
        List<DumpRecord> dumpRecords,
        int sqlCount,
        int httpCount,
        int cacheCount,
        double sqlMs,
        double httpMs,
        long heapBytes) {

    public SpanDetail {
        fileIo = fileIo == null ? "[]" : fileIo; // a batch spooled by a version without file_io
    }

    /** A detail without file I/O records; SQL and HTTP time summed from the records. */
    public SpanDetail(String tags, String net, String sql, String http, String cache, String redis, String dumps,
            byte[] stackLz4, List<SqlRecord> sqlRecords, List<HttpRecord> httpRecords, List<DumpRecord> dumpRecords,
            int sqlCount, int httpCount, int cacheCount) {
        this(tags, net, sql, http, cache, redis, dumps, "[]", stackLz4, sqlRecords, httpRecords, dumpRecords, sqlCount,
                httpCount, cacheCount, sqlMs(sqlRecords), httpMs(httpRecords));
    }

    public SpanDetail(String tags, String net, String sql, String http, String cache, String redis, String dumps,
            String fileIo, byte[] stackLz4, List<SqlRecord> sqlRecords, List<HttpRecord> httpRecords,
            List<DumpRecord> dumpRecords, int sqlCount, int httpCount, int cacheCount, double sqlMs, double httpMs) {
        this(tags, net, sql, http, cache, redis, dumps, fileIo, stackLz4, sqlRecords, httpRecords, dumpRecords, sqlCount,
                httpCount, cacheCount, sqlMs, httpMs, estimate(tags, net, sql, http, cache, redis, dumps, fileIo,
                        stackLz4, sqlRecords, httpRecords, dumpRecords));
    }

    /** Total duration of the statements. */
    public static double sqlMs(List<SqlRecord> records) {
        double ms = 0;
        for (SqlRecord r : records) {
            ms += r.durationMs();
        }
        return ms;
    }

    /** Total duration of the calls. */
    public static double httpMs(List<HttpRecord> records) {
        double ms = 0;
        for (HttpRecord r : records) {
            ms += r.durationMs();
        }
        return ms;
    }

    /** The call stack's JSON text (decompressed on each call). */
    public String stack() {
        return StackCodec.decode(stackLz4);
    }

    /** A record's start when it carries none: the span's start is used ({@link #startOr}). */
    public static final long NO_TIME = Long.MIN_VALUE;

    /** One SQL statement (a record with a {@code query}). */
    public record SqlRecord(long startMs, String query, String dbSystem, double durationMs, Long rows) {
    }

    /** One outgoing HTTP call (a record with a {@code url}). */
    public record HttpRecord(long startMs, String method, String url, Integer statusCode, double durationMs,
            Long bytesSent, Long bytesReceived, String error) {
    }

    /** One dump. */
    public record DumpRecord(long tsMs, String file, Integer line, String data, String text) {
    }

    public static long startOr(long recordStart, long spanStartMs) {
        return recordStart == NO_TIME ? spanStartMs : recordStart;
    }

    private static long estimate(String tags, String net, String sql, String http, String cache, String redis,
            String dumps, String fileIo, byte[] stackLz4, List<SqlRecord> sqlRecords, List<HttpRecord> httpRecords,
            List<DumpRecord> dumpRecords) {
        long b = 64L * 8 + tags.length() + net.length() + sql.length() + http.length() + cache.length()
                + redis.length() + dumps.length() + fileIo.length() + 16 + stackLz4.length;
        for (SqlRecord r : sqlRecords) {
            b += 144 + r.query().length();
        }
        b += 160L * httpRecords.size();
        for (DumpRecord d : dumpRecords) {
            b += 96 + (d.data() == null ? 0 : d.data().length()) + (d.text() == null ? 0 : d.text().length());
        }
        return b;
    }
}
