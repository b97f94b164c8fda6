package dev.opa.agent.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SqlNormalizerTest {

    @Test
    void literalsInListsAndWhitespace() {
        assertEquals("SELECT * FROM users WHERE id = ? AND name = ? AND x IN (?)",
                SqlNormalizer.normalize("SELECT  *\n FROM users WHERE id = 42 AND name = 'o''brien' AND x IN (1, 2,3)"));
        assertEquals("INSERT INTO t (a, b) VALUES (?, ?)",
                SqlNormalizer.normalize("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')"));
        assertEquals("SELECT col1 FROM t2 WHERE v = ? LIMIT ?", SqlNormalizer.normalize("SELECT col1 FROM t2 WHERE v = -3.5e2 LIMIT 10"));
    }

    @Test
    void fingerprintGroupsShapesNotValues() {
        SqlNormalizer.Result a = SqlNormalizer.of("SELECT * FROM users WHERE id = 1");
        SqlNormalizer.Result b = SqlNormalizer.of("SELECT * FROM users WHERE id = 2");
        SqlNormalizer.Result c = SqlNormalizer.of("SELECT * FROM orders WHERE id = 2");
        assertEquals(a.fingerprint(), b.fingerprint());
        assertNotEquals(a.fingerprint(), c.fingerprint());
        assertTrue(a.fingerprint().matches("[0-9a-f]{16}"));
    }
}
