import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * OPA agent load generator (separate process). Sends realistic traces — a PHP-like root span with SQL
 * records and a call stack, plus child spans — over the Unix socket or TCP, as plain JSON lines or LZ4
 * frames, for a fixed count. Reports what the agent stored per second (its opa_spans_stored_total counter,
 * i.e. counted by the store), the p99 send-to-stored delay (matching the sent and stored counters over
 * time, in order) and the agent's peak RSS (VmHWM of --agent-pid).
 *
 * Usage: java -cp lz4-java.jar LoadGen.java --address /tmp/opa.sock|127.0.0.1:9090 --lz4 true|false
 *        --traces 20000 --children 4 --sql 10 --stack 50 --connections 2 --metrics http://127.0.0.1:8080/metrics
 *        --agent-pid PID --traces-per-frame 50
 */
public class LoadGen {

    static String arg(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--" + name)) {
                return args[i + 1];
            }
        }
        return def;
    }

    public static void main(String[] args) throws Exception {
        String address = arg(args, "address", "/tmp/opa.sock");
        boolean lz4 = Boolean.parseBoolean(arg(args, "lz4", "false"));
        int traces = Integer.parseInt(arg(args, "traces", "20000"));
        int children = Integer.parseInt(arg(args, "children", "4"));
        int sql = Integer.parseInt(arg(args, "sql", "10"));
        int stack = Integer.parseInt(arg(args, "stack", "50"));
        int connections = Integer.parseInt(arg(args, "connections", "2"));
        int perFrame = Integer.parseInt(arg(args, "traces-per-frame", "50"));
        String metrics = arg(args, "metrics", "http://127.0.0.1:8080/metrics");
        long agentPid = Long.parseLong(arg(args, "agent-pid", "0"));
        String runId = Long.toHexString(System.nanoTime() & 0xffffffffL);

        int spansPerTrace = 1 + children;
        long expected = (long) traces * spansPerTrace;
        double storedBefore = metric(metrics, "opa_spans_stored_total");
        AtomicLong sent = new AtomicLong();
        List<long[]> sentSamples = Collections.synchronizedList(new ArrayList<>());
        List<long[]> storedSamples = new ArrayList<>();

        List<List<byte[]>> perConnection = new ArrayList<>();
        int[] lastFrame = new int[connections];
        long bytes = 0;
        for (int c = 0; c < connections; c++) {
            int from = (int) ((long) traces * c / connections);
            int to = (int) ((long) traces * (c + 1) / connections);
            List<byte[]> f = frames(lz4, runId, from, to, children, sql, stack, perFrame);
            perConnection.add(f);
            lastFrame[c] = (to - from) % perFrame == 0 ? perFrame : (to - from) % perFrame;
            bytes += f.stream().mapToLong(b -> b.length).sum();
        }
        System.out.printf("prepared %d bytes (%s) in %d frames per connection%n", bytes, lz4 ? "LZ4" : "JSON lines",
                perConnection.get(0).size());

        long start = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            List<byte[]> f = perConnection.get(c);
            int last = lastFrame[c];
            Thread t = new Thread(() -> send(address, f, perFrame, last, sent, spansPerTrace));
            t.start();
            senders.add(t);
        }
        long lastSent = -1;
        double stored = 0;
        long deadline = System.nanoTime() + 600_000_000_000L;
        long peakRss = 0;
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime() - start;
            long s = sent.get();
            if (s != lastSent) {
                sentSamples.add(new long[] {now, s});
                lastSent = s;
            }
            stored = metric(metrics, "opa_spans_stored_total") - storedBefore;
            storedSamples.add(new long[] {System.nanoTime() - start, (long) stored});
            peakRss = Math.max(peakRss, rss(agentPid));
            if (stored >= expected) {
                break;
            }
            Thread.sleep(100);
        }
        for (Thread t : senders) {
            t.join();
        }
        long sendEnd = sentSamples.get(sentSamples.size() - 1)[0];
        long storeEnd = storedSamples.get(storedSamples.size() - 1)[0];
        long firstStored = storedSamples.stream().filter(x -> x[1] > 0).findFirst().map(x -> x[0]).orElse(storeEnd);
        double seconds = storeEnd / 1e9;
        System.out.printf("transport=%s lz4=%s traces=%d spans=%d (root: %d sql, %d stack nodes; %d children)%n",
                address.startsWith("/") ? "unix" : "tcp", lz4, traces, expected, sql, stack, children);
        System.out.printf("sent in %.2f s (%.0f spans/s offered)%n", sendEnd / 1e9, expected / (sendEnd / 1e9));
        System.out.printf("stored %d of %d spans in %.2f s from first send: %.0f spans/s; steady (first to last stored): %.0f spans/s%n",
                (long) stored, expected, seconds, stored / seconds, stored / Math.max(1e-9, (storeEnd - firstStored) / 1e9));
        System.out.printf("send->stored delay p50 %.0f ms, p99 %.0f ms (includes the tail grace)%n",
                delay(sentSamples, storedSamples, 0.50, expected) / 1e6, delay(sentSamples, storedSamples, 0.99, expected) / 1e6);
        System.out.printf("agent peak RSS %d MB%n", peakRss / 1024);
        if (stored < expected) {
            System.out.println("INCOMPLETE: not every span was stored before the deadline");
            System.exit(1);
        }
    }

    /** Delay of the q-quantile span: when the counter passed its index on the stored side minus the sent side. */
    static double delay(List<long[]> sentSamples, List<long[]> storedSamples, double q, long expected) {
        List<Long> delays = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            long k = expected * i / 200;
            long sentAt = firstAt(sentSamples, k);
            long storedAt = firstAt(storedSamples, k);
            if (sentAt >= 0 && storedAt >= 0) {
                delays.add(Math.max(0, storedAt - sentAt));
            }
        }
        Collections.sort(delays);
        return delays.isEmpty() ? Double.NaN : delays.get((int) Math.min(delays.size() - 1, Math.ceil(q * delays.size()) - 1));
    }

    static long firstAt(List<long[]> samples, long k) {
        synchronized (samples) {
            for (long[] s : samples) {
                if (s[1] >= k) {
                    return s[0];
                }
            }
        }
        return -1;
    }

    /**
     * The frames of one connection, built before the clock starts so the generator's own CPU does not limit the
     * offered rate (building JSON costs about as much as parsing it).
     */
    static List<byte[]> frames(boolean lz4, String runId, int from, int to, int children, int sql, int stack,
            int perFrame) {
        List<byte[]> frames = new ArrayList<>();
        StringBuilder lines = new StringBuilder(1 << 20);
        int inFrame = 0;
        for (int t = from; t < to; t++) {
            appendTrace(lines, runId, t, children, sql, stack);
            if (++inFrame == perFrame || t == to - 1) {
                byte[] raw = lines.toString().getBytes(StandardCharsets.UTF_8);
                try {
                    frames.add(lz4 ? compress(raw) : raw);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                lines.setLength(0);
                inFrame = 0;
            }
        }
        return frames;
    }

    static void send(String address, List<byte[]> frames, int tracesPerFrame, int lastFrameTraces, AtomicLong sent,
            int spansPerTrace) {
        try (SocketChannel ch = open(address)) {
            for (int i = 0; i < frames.size(); i++) {
                write(ch, frames.get(i));
                sent.addAndGet((long) (i == frames.size() - 1 ? lastFrameTraces : tracesPerFrame) * spansPerTrace);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SocketChannel open(String address) throws IOException {
        if (address.startsWith("/")) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(Path.of(address)));
            return ch;
        }
        int colon = address.lastIndexOf(':');
        return SocketChannel.open(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
    }

    static void write(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static byte[] compress(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 3);
        // 64 KB blocks like the extension (LZ4F's default block size): the reader allocates a block buffer per frame
        try (OutputStream z = new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB)) {
            z.write(raw);
        }
        return out.toByteArray();
    }

    static void appendTrace(StringBuilder b, String runId, int t, int children, int sql, int stack) {
        long now = System.currentTimeMillis();
        String trace = hex(Long.parseLong(runId, 16), 8) + hex(t, 24);
        String root = "a000000000000001";
        b.append("{\"type\":\"span\",\"trace_id\":\"").append(trace).append("\",\"span_id\":\"").append(root)
                .append("\",\"parent_id\":null,\"service\":\"shop\",\"name\":\"GET /products/{id}\",\"start_ts\":").append(now - 120)
                .append(",\"end_ts\":").append(now).append(",\"duration_ms\":120.5,\"cpu_ms\":80.2,\"status\":\"ok\",")
                .append("\"language\":\"php\",\"language_version\":\"8.2.12\",\"framework\":\"laravel\",\"framework_version\":\"10.3\",")
                .append("\"tags\":{\"http_request\":{\"method\":\"GET\",\"uri\":\"/products/").append(t)
                .append("\",\"host\":\"shop.local\",\"scheme\":\"https\",\"ip\":\"10.0.0.5\",\"user_agent\":\"Mozilla/5.0\"},")
                .append("\"http_response\":{\"status_code\":200,\"size\":5120}},\"net\":{\"bytes_sent\":5120,\"bytes_received\":830},");
        b.append("\"sql\":[");
        for (int i = 0; i < sql; i++) {
            b.append(i == 0 ? "" : ",").append("{\"query\":\"SELECT p.id, p.name, p.price FROM products p JOIN stock s ON s.product_id = p.id WHERE p.id = ")
                    .append(t + i).append(" AND s.warehouse = 'main'\",\"db_system\":\"mysql\",\"duration_ms\":1.2,\"rows\":1,\"start_ts\":")
                    .append(now - 100 + i).append('}');
        }
        b.append("],\"http\":[{\"url\":\"https://pricing.internal/v1/prices/").append(t)
                .append("\",\"method\":\"GET\",\"status_code\":200,\"duration_ms\":8.5,\"bytes_sent\":120,\"bytes_received\":640}],");
        b.append("\"cache\":[{\"operation\":\"get\",\"key\":\"product:").append(t).append("\",\"hit\":true,\"duration_ms\":0.2}],");
        b.append("\"stack\":[");
        for (int i = 0; i < stack; i++) {
            b.append(i == 0 ? "" : ",").append("{\"call_id\":\"").append(hex(i + 1, 16)).append("\",\"parent_id\":")
                    .append(i == 0 ? "null" : "\"" + hex((i + 1) / 2, 16) + "\"")
                    .append(",\"function\":\"handle").append(i).append("\",\"class\":\"App\\\\Http\\\\Controllers\\\\ProductController\",")
                    .append("\"file\":\"/var/www/app/Http/Controllers/ProductController.php\",\"line\":").append(40 + i)
                    .append(",\"start_ts\":").append(now - 120 + i).append(",\"duration_ms\":").append(120.0 / (i + 1))
                    .append(",\"cpu_ms\":").append(80.0 / (i + 1)).append(",\"memory_delta\":").append(1024 * i)
                    .append(",\"depth\":").append(Integer.numberOfTrailingZeros(Integer.highestOneBit(i + 1))).append(",\"function_type\":2}");
        }
        b.append("]}\n");
        for (int c = 0; c < children; c++) {
            b.append("{\"type\":\"span\",\"trace_id\":\"").append(trace).append("\",\"span_id\":\"")
                    .append("b" + hex(c + 1, 15)).append("\",\"parent_id\":\"").append(root)
                    .append("\",\"service\":\"inventory\",\"name\":\"GET /stock\",\"start_ts\":").append(now - 90 + c)
                    .append(",\"duration_ms\":12.5,\"cpu_ms\":4.1,\"language\":\"php\",\"tags\":{\"http_request\":{\"method\":\"GET\"},")
                    .append("\"http_response\":{\"status_code\":200}},\"sql\":[{\"query\":\"SELECT qty FROM stock WHERE product_id = ")
                    .append(t).append("\",\"db_system\":\"mysql\",\"duration_ms\":0.9}]}\n");
        }
    }

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static double metric(String url, String name) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        } catch (IOException | InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    static long rss(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    /** Zero-padded lowercase hex of {@code v} in {@code digits} digits. */
    static String hex(long v, int digits) {
        char[] out = new char[digits];
        for (int i = digits - 1; i >= 0; i--) {
            out[i] = Character.forDigit((int) (v & 0xf), 16);
            v >>>= 4;
        }
        return new String(out);
    }
}
