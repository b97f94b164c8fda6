package dev.opa.agent.beans;

import dev.opa.agent.api.ApiAuditLog;
import dev.opa.agent.api.ApiAuth;
import dev.opa.agent.api.ApiGuard;
import dev.opa.agent.api.ApiRateLimits;
import dev.opa.agent.api.ApiRequest;
import dev.opa.agent.api.ApiResponses;
import dev.opa.agent.api.ControlApi;
import dev.opa.agent.api.DumpsApi;
import dev.opa.agent.api.ErrorsApi;
import dev.opa.agent.api.HttpCallsApi;
import dev.opa.agent.api.HttpRoutes;
import dev.opa.agent.api.LiveFeed;
import dev.opa.agent.api.LiveStreamHandler;
import dev.opa.agent.api.LogsApi;
import dev.opa.agent.api.QueryRunner;
import dev.opa.agent.api.ServicesApi;
import dev.opa.agent.api.SqlApi;
import dev.opa.agent.api.SqlCatalog;
import dev.opa.agent.api.StatsApi;
import dev.opa.agent.api.TracesApi;
import dev.opa.agent.api.UiFiles;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.store.SpanStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;

/**
 * The beans of routes/api.camel.yaml: request capture and failure answers, one bean per group of endpoints over
 * the named queries of the store's dialect, the guard and audit log in front of /api, the live stream and the
 * dashboard files ({@code apiHttpRoutes} adds those to the HTTP server when the context has started). At start:
 * those front handlers are created, so a keys file that cannot be read ends the start (no route names them).
 */
public class ApiBeans extends AgentBeans {

    @BindToRegistry(value = "apiQueries", lazy = true)
    public QueryRunner apiQueries(DataSource dataSource) {
        return new QueryRunner(() -> dataSource, new SqlCatalog(cfg.string("opa.store.type")));
    }

    @BindToRegistry(value = "apiRequest", lazy = true)
    public ApiRequest apiRequest() {
        return new ApiRequest();
    }

    @BindToRegistry(value = "apiResponses", lazy = true)
    public ApiResponses apiResponses(PrometheusMeterRegistry meters) {
        return new ApiResponses(meters);
    }

    @BindToRegistry(value = "servicesApi", lazy = true)
    public ServicesApi servicesApi(QueryRunner queries) {
        return new ServicesApi(queries);
    }

    @BindToRegistry(value = "tracesApi", lazy = true)
    public TracesApi tracesApi(QueryRunner queries, SpanStore store) {
        return new TracesApi(queries, store);
    }

    @BindToRegistry(value = "sqlApi", lazy = true)
    public SqlApi sqlApi(QueryRunner queries) {
        return new SqlApi(queries);
    }

    @BindToRegistry(value = "httpCallsApi", lazy = true)
    public HttpCallsApi httpCallsApi(QueryRunner queries) {
        return new HttpCallsApi(queries);
    }

    @BindToRegistry(value = "errorsApi", lazy = true)
    public ErrorsApi errorsApi(QueryRunner queries) {
        return new ErrorsApi(queries);
    }

    @BindToRegistry(value = "logsApi", lazy = true)
    public LogsApi logsApi(QueryRunner queries) {
        return new LogsApi(queries);
    }

    @BindToRegistry(value = "dumpsApi", lazy = true)
    public DumpsApi dumpsApi(QueryRunner queries) {
        return new DumpsApi(queries);
    }

    @BindToRegistry(value = "statsApi", lazy = true)
    public StatsApi statsApi(QueryRunner queries, SpanStore store, IngestMetrics ingest) {
        return new StatsApi(queries, store, ingest);
    }

    @BindToRegistry(value = "controlApi", lazy = true)
    public ControlApi controlApi() {
        return new ControlApi();
    }

    @BindToRegistry(value = "liveFeed", lazy = true)
    public LiveFeed liveFeed() {
        return new LiveFeed();
    }

    @BindToRegistry(value = "apiAuth", lazy = true)
    public ApiAuth apiAuth() {
        return new ApiAuth(cfg.string("opa.api.token"), cfg.string("opa.api.keys-file"));
    }

    @BindToRegistry(value = "apiRateLimits", lazy = true)
    public ApiRateLimits apiRateLimits() {
        return new ApiRateLimits(cfg.intValue("opa.api.rate-limit.per-key"), cfg.intValue("opa.api.rate-limit.per-address"));
    }

    @BindToRegistry(value = "apiGuard", lazy = true)
    public ApiGuard apiGuard(ApiAuth auth, ApiRateLimits limits) {
        return new ApiGuard(auth, limits);
    }

    @BindToRegistry(value = "apiAuditLog", lazy = true, destroyMethod = "close")
    public ApiAuditLog apiAuditLog() {
        return new ApiAuditLog(cfg.string("opa.api.audit.dir"), cfg.longValue("opa.api.audit.max-file-bytes"),
                cfg.intValue("opa.api.audit.files"));
    }

    @BindToRegistry(value = "liveStream", lazy = true)
    public LiveStreamHandler liveStream(LiveFeed feed) {
        return new LiveStreamHandler(feed);
    }

    @BindToRegistry(value = "uiFiles", lazy = true)
    public UiFiles uiFiles() {
        return new UiFiles(cfg.string("opa.http.static-dir"));
    }

    @BindToRegistry(value = "apiHttpRoutes", lazy = true)
    public HttpRoutes apiHttpRoutes(ApiAuditLog audit, ApiGuard guard, LiveStreamHandler liveStream, UiFiles ui,
            PrometheusMeterRegistry meters) {
        return new HttpRoutes(audit, guard, liveStream, ui, meters);
    }

    /**
     * Camel finds {@code apiHttpRoutes} (an {@code OnCamelContextStarted}) only when the context has started, and
     * ignores an exception then: created here, a bad {@code opa.api.keys-file} ends the start instead of leaving the
     * API without its guard.
     */
    @Override
    public void configure(CamelContext camelContext) {
        bean(HttpRoutes.class);
    }
}
