package dev.opa.agent.api;

import java.util.List;
import java.util.Map;
import org.apache.camel.ExchangeProperty;

/** GET /api/logs: log search, newest first. */
public final class LogsApi {

    /** Level names in rank order (the rank is the index); logs.sql ranks stored levels the same way. */
    static final List<String> LEVELS = List.of("DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT",
            "EMERGENCY");

    private final Pages pages;

    public LogsApi(QueryRunner queries) {
        this.pages = new Pages(queries);
    }

    public Map<String, Object> search(@ExchangeProperty(ApiRequest.PARAMS) Map<String, Object> params) {
        ApiParams in = ApiParams.of(params);
        Map<String, Object> p = in.paged(in.rangeAndTenant());
        p.put("service", in.text("service"));
        p.put("trace_id", in.text("trace_id") == null ? null : TracesApi.traceId(in.text("trace_id")));
        p.put("q", in.text("q"));
        p.put("min_rank", minRank(in.text("level")));
        Map<String, Object> page = pages.page("logs", p);
        JsonColumns.parse(Pages.items(page), "fields");
        return page;
    }

    static Integer minRank(String level) {
        if (level == null) {
            return null;
        }
        int rank = LEVELS.indexOf(level.toUpperCase());
        if (rank < 0) {
            throw new BadRequestException("level must be one of " + String.join(", ", LEVELS));
        }
        return rank;
    }
}
