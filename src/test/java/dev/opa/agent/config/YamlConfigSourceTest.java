package dev.opa.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** application.yaml flattening, overrides and listen-address forms. */
class YamlConfigSourceTest {

    @TempDir
    Path dir;

    @Test
    void nestedYamlBecomesDottedKeysAndSystemPropertiesOverride() throws Exception {
        Path file = dir.resolve("app.yaml");
        Files.writeString(file, "opa:\n  tail:\n    grace-ms: 2000\n  list: [a, b]\n  empty:\ncamel:\n  main:\n    name: x\n");
        YamlConfigSource source = new YamlConfigSource(file);
        assertEquals("2000", source.getProperty("opa.tail.grace-ms"));
        assertEquals("a,b", source.getProperty("opa.list"));
        assertEquals("", source.getProperty("opa.empty"));
        assertNull(source.getProperty("opa.missing"));
        Properties camel = source.loadProperties(k -> k.startsWith("camel."));
        assertEquals(1, camel.size());
        System.setProperty("opa.tail.grace-ms", "5");
        try {
            assertEquals("5", source.getProperty("opa.tail.grace-ms"));
            assertEquals("5", source.loadProperties().getProperty("opa.tail.grace-ms"));
        } finally {
            System.clearProperty("opa.tail.grace-ms");
        }
    }

    @Test
    void environmentNamesFollowOneRule() {
        assertEquals("OPA_TAIL_GRACE_MS", YamlConfigSource.envName("opa.tail.grace-ms"));
        assertEquals("OPA_SOCKET_PATH", YamlConfigSource.envName("opa.socket.path"));
        assertEquals("OPA_TCP_LISTEN", YamlConfigSource.envName("opa.tcp.listen"));
        assertEquals("OPA_HTTP_PORT", YamlConfigSource.envName("opa.http.port"));
        assertEquals("OPA_DATA_DIR", YamlConfigSource.envName("opa.data.dir"));
    }

    @Test
    void tcpHostAndPortAreDerivedFromTheListenAddress() throws Exception {
        Path file = dir.resolve("app.yaml");
        Files.writeString(file, "opa:\n  tcp:\n    listen: \":9999\"\n");
        YamlConfigSource source = new YamlConfigSource(file);
        assertEquals("0.0.0.0", source.getProperty("opa.tcp.host"));
        assertEquals("9999", source.getProperty("opa.tcp.port"));
    }

    @Test
    void listenAddressesTakeHostPortPortOrBracketedIpv6AndRejectTheRest() {
        assertEquals(new ListenAddress("127.0.0.1", 9090), ListenAddress.parse("127.0.0.1:9090"));
        assertEquals(new ListenAddress("0.0.0.0", 9090), ListenAddress.parse(":9090"));
        assertEquals(new ListenAddress("127.0.0.1", 9090), ListenAddress.parse("9090"));
        assertEquals(new ListenAddress("::1", 9090), ListenAddress.parse("[::1]:9090"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("localhost")).getMessage()
                .contains("host:port"));
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("h:99999"));
    }
}
