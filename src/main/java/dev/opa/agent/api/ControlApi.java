package dev.opa.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * Request checks and answers of the control endpoints; the work itself (keep mark, sampler rate) is done
 * by the pipeline's beans, called from routes/api.camel.yaml.
 */
public final class ControlApi {

    /** Validates and normalises the {traceId} path parameter of POST /api/traces/{traceId}/keep. */
    public String traceIdToKeep(@ExchangeProperty(ApiRequest.PARAMS) Map<String, Object> params) {
        return TracesApi.traceId(ApiParams.of(params).required("traceId"));
    }

    public Map<String, Object> kept(@Header("traceId") String traceId) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trace_id", traceId);
        out.put("kept", true);
        return out;
    }

    /** The rate of a PUT /api/sampling body {"rate": 0..1}. */
    public double rateOf(@Body Object body) {
        JsonNode rate = readJson(body).get("rate");
        if (rate == null || !rate.isNumber() || !(rate.asDouble() >= 0.0 && rate.asDouble() <= 1.0)) {
            throw new BadRequestException("body must be {\"rate\": <number from 0.0 to 1.0>}");
        }
        return rate.asDouble();
    }

    public Map<String, Object> rate(@Body double rate) {
        return Map.of("rate", rate);
    }

    private static JsonNode readJson(Object body) {
        try {
            JsonNode node;
            if (body instanceof Map<?, ?> map) {
                node = JsonColumns.mapper().valueToTree(map);
            } else if (body instanceof byte[] bytes) {
                node = JsonColumns.mapper().readTree(bytes);
            } else if (body instanceof java.io.InputStream in) {
                node = JsonColumns.mapper().readTree(in);
            } else {
                node = JsonColumns.mapper().readTree(body == null ? "" : body.toString());
            }
            if (node == null || !node.isObject()) {
                throw new BadRequestException("body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new BadRequestException("body is not valid JSON");
        }
    }
}
