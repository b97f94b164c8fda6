package dev.opa.agent.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The structural scan that finds a span's stack array: exact ranges, and null for anything it does not vouch for. */
class StackLocatorTest {

    /** As strict as MessageParser's. */
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static StackLocator.Located locate(String json) {
        return locate(json, 1000);
    }

    private static StackLocator.Located locate(String json, int maxString) {
        byte[] padded = ("xx" + json + "yy").getBytes(StandardCharsets.UTF_8); // a line inside a larger buffer
        int len = padded.length - 4;
        return StackLocator.locate(padded, 2, len, maxString);
    }

    private static String stackText(String json) {
        StackLocator.Located s = locate(json);
        assertNotNull(s, json);
        return new String(s.text().buf(), s.text().off(), s.text().len(), StandardCharsets.UTF_8);
    }

    @Test
    void findsTheExactStackTextAmongOtherFields() {
        String stack = "[{\"function\":\"a\\\"]}b\",\"file\":\"C:\\\\x\\\\\",\"line\":12,\"d\":-0.5e+3,\"n\":null,"
                + "\"t\":true,\"f\":false,\"args\":[[1,[2,{}]],[]],\"u\":\"\\u00e9\\uD83D\\uDE00 é 日本 😀\"} , [ ] , 0 ]";
        String json = " { \"type\" : \"span\", \"name\":\"x\",\"stack\" : " + stack + " , \"tags\":{\"a\":[1,2]},\"z\":1E-2 } ";
        assertEquals(stack, stackText(json));
        assertEquals(0, locate(json).nestedKeys());
        assertEquals("[]", stackText("{\"stack\":[]}"));
    }

    @Test
    void numbersOfEveryLengthAndShapeAreLocatedAndMalformedOnesAreNot() throws Exception {
        String numbers = "[0,-0,7,12345678,123456789,1234567890123456789,0.12345678901234,1e123456,"
                + "-12345678.87654321E+8,1796416540695.582,0.800684,9.9e-7,12345678]";
        assertEquals(numbers, stackText("{\"stack\":" + numbers + "}"));
        assertEquals(numbers, stackText("{\"stack\":" + numbers + ",\"a\":12345678901234567890123}"));
        MAPPER.readTree("{\"stack\":" + numbers + "}");
        for (String bad : List.of("123456789012.", "12345678901234567x", "1234567890123456789012.3e", "00000000001")) {
            assertNull(locate("{\"stack\":[" + bad + "]}"), bad);
        }
    }

    @Test
    void notesNestedRecordKeysOnlyAsKeys() {
        assertEquals(StackLocator.SQL_QUERIES | StackLocator.REDIS_OPERATIONS,
                locate("{\"stack\":[{\"sql_queries\":[],\"x\":{\"redis_operations\":1}}]}").nestedKeys());
        assertEquals(StackLocator.HTTP_REQUESTS | StackLocator.CACHE_OPERATIONS,
                locate("{\"stack\":[{\"http_requests\":[{}],\"cache_operations\":[]}]}").nestedKeys());
        assertEquals(0, locate("{\"stack\":[{\"function\":\"sql_queries\"}],\"sql_queries\":[]}").nestedKeys());
    }

    @Test
    void leavesWhatItDoesNotVouchForToTheTokenPath() {
        for (String json : List.of(
                "{\"name\":\"no stack\"}",
                "{\"stack\":null}",
                "{\"stack\":{}}",
                "{\"stack\":[],\"stack\":[]}",
                "{\"st\\u0061ck\":[]}",
                "{\"stack\":[{\"sql_qu\\u0065ries\":[]}]}",
                "{\"type\":\"error\",\"stack\":[]}",
                "{\"stack\":[],\"type\":\"log\"}",
                "{\"stack\":[],\"type\":\"\\u0065rror\"}",
                "{\"stack\":[" + "[".repeat(300) + "]".repeat(300) + "]}",
                "{\"stack\":[" + "1".repeat(101) + "]}")) {
            assertNull(locate(json), json);
        }
        assertNull(locate("{\"stack\":[\"" + "q".repeat(21) + "\"]}", 20), "a stack string over the query limit");
        assertNotNull(locate("{\"stack\":[\"" + "q".repeat(20) + "\"],\"tags\":\"" + "q".repeat(99) + "\"}", 20));
    }

    @Test
    void malformedInputIsNeverLocatedAndJacksonRejectsIt() {
        for (String json : List.of(
                "{\"stack\":[01]}", "{\"stack\":[1.]}", "{\"stack\":[-]}", "{\"stack\":[.5]}", "{\"stack\":[+1]}",
                "{\"stack\":[1e]}", "{\"stack\":[1,]}", "{\"stack\":[,1]}", "{\"stack\":[{\"a\":1,}]}",
                "{\"stack\":[{\"a\"1}]}", "{\"stack\":[{a:1}]}", "{\"stack\":['a']}", "{\"stack\":[tru]}",
                "{\"stack\":[truex]}", "{\"stack\":[NaN]}", "{\"stack\":[\"a\\x\"]}", "{\"stack\":[\"\\u12G4\"]}",
                "{\"stack\":[\"tab\there\"]}", "{\"stack\":[1 2]}", "{\"stack\":[]", "{\"stack\":[]}}",
                "{\"stack\":[]} x", "{\"stack\":[]},", "{\"stack\":[\"unterminated]}", "{\"stack\":[1]]}",
                "{\"stack\"[]}", "{,\"stack\":[]}")) {
            assertNull(locate(json), json);
            assertThrows(JsonProcessingException.class, () -> MAPPER.readTree(json), json);
        }
    }

    @Test
    void invalidUtf8IsNeverLocated() {
        byte[][] bad = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF},
            {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
        for (byte[] seq : bad) {
            byte[] head = "{\"stack\":[\"ab".getBytes(StandardCharsets.US_ASCII);
            byte[] tail = "cdefghij\"]}".getBytes(StandardCharsets.US_ASCII);
            byte[] line = new byte[head.length + seq.length + tail.length];
            System.arraycopy(head, 0, line, 0, head.length);
            System.arraycopy(seq, 0, line, head.length, seq.length);
            System.arraycopy(tail, 0, line, head.length + seq.length, tail.length);
            assertNull(StackLocator.locate(line, 0, line.length, 1000));
        }
    }

    @Test
    void everyTruncationOfAValidMessageIsRejectedWithoutThrowing() {
        String json = "{\"trace_id\":\"t\",\"stack\":[{\"function\":\"f\\\\\\\"\",\"d\":1.25e-3,\"x\":[true,null]},"
                + "{\"u\":\"é😀\"}],\"tags\":{}}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertNotNull(StackLocator.locate(bytes, 0, bytes.length, 1000));
        for (int len = 0; len < bytes.length; len++) {
            assertNull(StackLocator.locate(bytes, 0, len, 1000), "first " + len + " bytes");
        }
    }
}
