package dev.opa.agent.api;

import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.util.CaseInsensitiveMap;

/**
 * Moves the request's query/path parameters and HTTP headers out of the message headers into the exchange
 * property {@value #PARAMS}, where the API beans read them. Otherwise platform-http would echo every
 * request parameter back as a response header (and fail on parameter names that are not valid header names).
 */
public final class ApiRequest {

    public static final String PARAMS = "opaApiParams";

    public void capture(Exchange exchange) {
        Map<String, Object> params = new CaseInsensitiveMap();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (!name.startsWith("Camel")) {
                params.put(name, value);
            }
        });
        exchange.setProperty(PARAMS, params);
        exchange.getMessage().removeHeaders("*", "Camel*");
    }
}
