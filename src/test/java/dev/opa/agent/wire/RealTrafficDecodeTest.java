package dev.opa.agent.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opa.agent.it.Corpus;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What real PHP applications sent (the recorded fixture of src/test/resources/corpus/), as one connection's
 * byte stream cut into socket-sized reads, through the frame decoder with the default frame limit: one JSON
 * line per request, intact.
 */
class RealTrafficDecodeTest {

    static final int DEFAULT_MAX_FRAME = 8_000_000; // opa.frames.max-frame-bytes
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ObjectMapper json = new ObjectMapper();

    private List<JsonNode> decode(List<byte[]> records, int readSize) throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        records.forEach(stream::writeBytes);
        byte[] bytes = stream.toByteArray();
        EmbeddedChannel ch = new EmbeddedChannel(
                new FrameDecoder("unix", DEFAULT_MAX_FRAME, new IngestMetrics(meters, new RateLimitedLog(60_000))));
        for (int at = 0; at < bytes.length; at += readSize) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, Math.min(readSize, bytes.length - at)));
        }
        ch.finish();
        List<JsonNode> out = new ArrayList<>();
        Object msg;
        while ((msg = ch.readInbound()) != null) {
            for (Frames.Line line : ((Frames) msg).lines()) {
                out.add(json.readTree(line.text()));
            }
        }
        ch.finishAndReleaseAll();
        return out;
    }

    @Test
    void fullCapturesOfWordPressAndMediaWikiDecodeToOneSpanPerRequest() throws IOException {
        for (String app : List.of("wordpress", "mediawiki")) {
            List<byte[]> records = Corpus.records(app + ".opa");
            assertTrue(records.size() >= 5, app + " fixture records");
            List<JsonNode> spans = decode(records, 65_536);
            assertEquals(records.size(), spans.size(), app + ": one message per request");
            for (JsonNode span : spans) {
                assertEquals(app, span.path("service").asText());
                assertTrue(span.path("parent_id").isNull(), "a root span");
                assertTrue(span.path("stack").size() >= 250, app + " call tree of " + span.path("name").asText()
                        + ": " + span.path("stack").size() + " nodes");
                assertEquals(span.path("stack").size(), span.path("tags").path("opa.nodes_kept").asInt(),
                        "every call node the extension kept arrived");
            }
            assertTrue(spans.stream().anyMatch(s -> s.path("stack").size() > 1_000), app + ": a request of 1,000+ nodes");
        }
        assertEquals(0, meters.find("opa.frames.rejected").counters().stream().mapToDouble(c -> c.count()).sum());
    }

    @Test
    void rootSummariesDecodeInTinyReads() throws IOException {
        for (String app : List.of("wordpress", "mediawiki")) {
            List<byte[]> records = Corpus.records(app + "-summary.opa");
            List<JsonNode> spans = decode(records, 7);
            assertEquals(records.size(), spans.size());
            for (JsonNode span : spans) {
                assertEquals(app, span.path("service").asText());
                assertEquals(0, span.path("stack").size(), "an unsampled request sends no call tree");
            }
        }
    }
}
