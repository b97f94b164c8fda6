import dev.opa.agent.model.SqlNormalizer;

/**
 * Microseconds per statement of SqlNormalizer.of on LoadGen's statements (distinct literals, so the cache of exact
 * texts misses, as with real traffic that inlines its literals).
 * Usage: mvn -q -DskipTests -Dskip.ui compile && java -cp target/classes bench/agent/SqlNormalizerBench.java
 */
public class SqlNormalizerBench {

    public static void main(String[] args) {
        String[] statements = new String[200_000];
        for (int i = 0; i < statements.length; i++) {
            statements[i] = i % 5 == 0 ? "SELECT qty FROM stock WHERE product_id = " + i
                    : "SELECT p.id, p.name, p.price FROM products p JOIN stock s ON s.product_id = p.id WHERE p.id = "
                            + i + " AND s.warehouse = 'main'";
        }
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            long checksum = 0;
            for (String s : statements) {
                checksum += SqlNormalizer.of(s).fingerprint().hashCode();
            }
            System.out.printf("round %d: %.2f us per statement (checksum %d)%n", round,
                    (System.nanoTime() - t0) / 1e3 / statements.length, checksum);
        }
    }
}
