package dev.opa.agent.store.clickhouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.Batch;
import dev.opa.agent.store.StoreFailure;
import dev.opa.agent.testkit.TestSpan;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * One {@link ClickHouseSpanStore} across a server that goes away and comes back on the same address, as an agent
 * sees a ClickHouse restart: a write and an API read with the server up, again once it is gone (after a line on
 * stdin), and again once it is back (after another line). Prints one JSON line per phase (up, down, back): what
 * the write did ({@code stored} or the failure reason), the rows the read pool counts (or its failure reason),
 * isHealthy. Used by src/test/clickhouse/test_writer_http.py.
 *
 * <pre>ClickHouseReconnectCheck --url http://127.0.0.1:8123 --user u --password p --database opa_reconnect</pre>
 */
public final class ClickHouseReconnectCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].substring(2), args[i + 1]);
        }
        ClickHouseSpanStore store = new ClickHouseSpanStore(Map.of("clickhouse.url", opt.get("url"),
                "clickhouse.user", opt.get("user"), "clickhouse.password", opt.get("password"),
                "clickhouse.database", opt.get("database"), "clickhouse.timeout-ms", "5000"));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        store.init();
        try {
            phase("up", store, 1, opt.get("database"));
            in.readLine();
            phase("down", store, 2, opt.get("database"));
            in.readLine();
            phase("back", store, 2, opt.get("database")); // the batch the pipeline spooled while the server was gone
            phase("back-next", store, 3, opt.get("database"));
        } finally {
            store.close();
        }
    }

    private static void phase(String name, ClickHouseSpanStore store, int trace, String database) {
        ObjectNode out = JSON.createObjectNode().put("phase", name);
        try {
            // now, not the fixed test epoch: the tables' TTL would drop rows of 2023 on insert
            store.write(new Batch(List.of(TestSpan.numbered(trace).start(System.currentTimeMillis()).duration(10).toSpan()),
                    List.of(), List.of()));
            out.put("write", "stored");
        } catch (Exception e) {
            out.put("write", StoreFailure.of(e).tag());
        }
        try (Connection c = store.readDataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count() FROM " + database + ".spans_min")) {
            rs.next();
            out.put("count", rs.getLong(1));
        } catch (Exception e) {
            out.put("read", StoreFailure.of(e).tag());
        }
        out.put("healthy", store.isHealthy());
        System.out.println(out);
        System.out.flush();
    }
}
