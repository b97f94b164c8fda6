package dev.opa.agent.api;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps an API failure to its HTTP answer: 400 / 404 with the exception's message, anything else
 * 500 with a generic message (the cause is logged, never sent: it may contain SQL). Every failure is
 * counted in {@code opa_api_failures_total{status}}.
 */
public final class ApiResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ApiResponses.class);

    private final MeterRegistry meters;

    public ApiResponses(MeterRegistry meters) {
        this.meters = meters;
    }

    /** The JSON error body (a String: REST binding skips responses with an error code). */
    public String failure(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status = statusOf(t);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        meters.counter("opa.api.failures", "status", String.valueOf(status)).increment();
        if (status == 500) {
            LOG.warn("API call {} failed", exchange.getFromRouteId(), t);
            return body("internal error");
        }
        return body(t.getMessage());
    }

    private static String body(String message) {
        return JsonColumns.mapper().createObjectNode().put("error", message).toString();
    }

    static int statusOf(Throwable t) {
        if (t instanceof BadRequestException) {
            return 400;
        }
        if (t instanceof NotFoundException) {
            return 404;
        }
        return 500;
    }
}
