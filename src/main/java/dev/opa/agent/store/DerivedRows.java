package dev.opa.agent.store;

import dev.opa.agent.model.Span;
import dev.opa.agent.model.SpanDetail;
import dev.opa.agent.model.PathTemplater;
import dev.opa.agent.model.SqlNormalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Store-neutral derivation of the per-statement, per-call and per-dump rows of a span (and its counts),
 * used by every {@link SpanStore} so DuckDB and ClickHouse fill the same columns the same way.
 * The records were extracted while parsing ({@link SpanDetail}); here they get their fingerprints and templates.
 */
public final class DerivedRows {

    /** One SQL statement of a span. */
    public record SqlRow(long startMs, String fingerprint, String normalized, String query, String dbSystem,
            double durationMs, Long rows) {
    }

    /** One outgoing HTTP call of a span. */
    public record HttpRow(long startMs, String method, String url, String host, String pathTemplate,
            Integer statusCode, double durationMs, Long bytesSent, Long bytesReceived, String error) {
    }

    /** One dump of a span. */
    public record DumpRow(long tsMs, String file, Integer line, String data, String text) {
    }

    private DerivedRows() {
    }

    public static List<SqlRow> sql(Span span) {
        List<SqlRow> out = new ArrayList<>(span.detail().sqlRecords().size());
        for (SpanDetail.SqlRecord r : span.detail().sqlRecords()) {
            SqlNormalizer.Result n = SqlNormalizer.of(r.query());
            out.add(new SqlRow(SpanDetail.startOr(r.startMs(), span.startMs()), n.fingerprint(), n.normalized(),
                    r.query(), r.dbSystem(), r.durationMs(), r.rows()));
        }
        return out;
    }

    public static List<HttpRow> http(Span span) {
        List<HttpRow> out = new ArrayList<>(span.detail().httpRecords().size());
        for (SpanDetail.HttpRecord r : span.detail().httpRecords()) {
            PathTemplater.Target t = PathTemplater.of(r.url());
            out.add(new HttpRow(SpanDetail.startOr(r.startMs(), span.startMs()), r.method(), r.url(), t.host(),
                    t.pathTemplate(), r.statusCode(), r.durationMs(), r.bytesSent(), r.bytesReceived(), r.error()));
        }
        return out;
    }

    public static List<DumpRow> dumps(Span span) {
        List<DumpRow> out = new ArrayList<>(span.detail().dumpRecords().size());
        for (SpanDetail.DumpRecord d : span.detail().dumpRecords()) {
            out.add(new DumpRow(SpanDetail.startOr(d.tsMs(), span.startMs()), d.file(), d.line(), d.data(), d.text()));
        }
        return out;
    }

    public static int sqlCount(Span span) {
        return span.detail().sqlCount();
    }

    public static int httpCount(Span span) {
        return span.detail().httpCount();
    }

    public static int cacheCount(Span span) {
        return span.detail().cacheCount();
    }
}
