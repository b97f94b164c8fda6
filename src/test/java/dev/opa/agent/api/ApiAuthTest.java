package dev.opa.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiAuthTest {

    @TempDir
    Path dir;

    private String file(String text) throws IOException {
        Path f = dir.resolve("keys");
        Files.writeString(f, text);
        return f.toString();
    }

    @Test
    void hashMatchesSha256sum() {
        // printf %s abc | sha256sum
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiAuth.sha256Hex("abc"));
    }

    @Test
    void keysFromTheFileAndTheOlderTokenAuthenticateWithTheirRoles() throws IOException {
        ApiAuth auth = new ApiAuth("old", file("a read " + ApiAuth.sha256Hex("k1") + "\n# comment\nb admin "
                + ApiAuth.sha256Hex("k2") + "\n"));
        assertEquals(3, auth.keyCount());
        assertEquals(Optional.of(new ApiAuth.Key("a", ApiAuth.Role.READ)), auth.authenticate("k1"));
        assertEquals(Optional.of(new ApiAuth.Key("b", ApiAuth.Role.ADMIN)), auth.authenticate("k2"));
        assertEquals(Optional.of(new ApiAuth.Key("token", ApiAuth.Role.ADMIN)), auth.authenticate("old"));
        assertEquals(Optional.empty(), auth.authenticate("k3"));
        assertEquals(Optional.empty(), auth.authenticate(""));
        assertEquals(Optional.empty(), auth.authenticate(null));
    }

    @Test
    void noKeysMeansOpen() {
        ApiAuth auth = new ApiAuth("", "");
        assertFalse(auth.enabled());
        assertEquals(Optional.of(ApiAuth.OPEN), auth.authenticate(null));
    }

    @Test
    void adminAllowsEverythingAndReadOnlyReading() {
        assertTrue(ApiAuth.Role.ADMIN.allows(ApiAuth.Role.ADMIN));
        assertTrue(ApiAuth.Role.ADMIN.allows(ApiAuth.Role.READ));
        assertTrue(ApiAuth.Role.READ.allows(ApiAuth.Role.READ));
        assertFalse(ApiAuth.Role.READ.allows(ApiAuth.Role.ADMIN));
    }

    @Test
    void badLinesAreRefusedWithoutEchoingThem() throws IOException {
        String plainKeyPastedByMistake = "grafana read my-plain-secret-key";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ApiAuth("", file("\n" + plainKeyPastedByMistake + "\n")));
        assertTrue(e.getMessage().contains("line 2 (opa.api.keys-file)"), e.getMessage());
        assertTrue(e.getMessage().contains("sha256sum"), e.getMessage());
        assertFalse(e.getMessage().contains("my-plain-secret-key"), e.getMessage());

        String hash = ApiAuth.sha256Hex("x");
        assertThrows(IllegalArgumentException.class, () -> new ApiAuth("", file("a write " + hash)));
        assertThrows(IllegalArgumentException.class, () -> new ApiAuth("", file("a read " + hash + " extra")));
        assertThrows(IllegalArgumentException.class, () -> new ApiAuth("", file("a/b read " + hash)));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> new ApiAuth("t", file("token read " + hash)));
        assertTrue(twice.getMessage().contains("'token' appears twice"), twice.getMessage());
        assertThrows(java.io.UncheckedIOException.class, () -> new ApiAuth("", dir.resolve("missing").toString()));
    }
}
