import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Replays a corpus of real traces (bench/corpus/README.md) into an agent, then checks that every trace was
 * stored. Each record of the corpus is one request as the PHP extension sent it; every replayed copy gets a
 * fresh trace id and fresh span ids (written over the originals, same length), and its timestamps (start_ts,
 * end_ts: epoch ms) are moved by one offset so that the request ends when it is sent (--timestamps recorded
 * keeps them); everything else (call tree, relative timing, durations, SQL) is kept. LZ4 records are decompressed, rewritten and compressed again as an
 * LZ4 frame of independent 64 KB blocks, like the extension's; JSON-line records are rewritten as they are; a span with
 * an attached stack (bench/corpus/attach_stack.py) gets its envelope and its stack rewritten and compressed again.
 * Records are sent in corpus order, cycling, on --connections persistent connections, at --rate requests/s
 * (0 = as fast as the agent reads them).
 *
 * A host at a sampling rate F sends full captures for a fraction F of its requests and root summaries for the rest:
 * --mix F with --summaries-corpus LIST interleaves them (request i is a full capture when floor((i+1)F) > floor(iF),
 * so they are spread evenly) at --rate requests/s in total. --group-summaries N sends a connection's root summaries
 * N at a time, as several JSON lines in one message (docs/protocol.md §2), as a PHP worker that groups its unsampled
 * summaries does: a summary is rewritten when its request is due and goes out with the Nth (the last group of a
 * connection goes out at its end; without --mix every record of --corpus is grouped). With --mix the full captures are then checked one by one through
 * /api/traces/{id} (after the agent's CPU is read): every one stored with its call stack.
 *
 * After sending, polls the agent's /api/stats until traces_stored has grown by the number sent, or has not
 * grown for --settle seconds; then prints the agent's store failures, spool and health. Exit status 1 when
 * fewer traces were stored than sent.
 *
 * Usage: java -cp lz4-java.jar bench/agent/Replay.java --corpus a.opa[,b.opa] --address /path.sock|host:port
 *        [--rate 50] [--count N | --seconds S] [--connections 4] [--api http://127.0.0.1:8080] [--settle 60]
 *        [--agent-pid PID]   (reports the agent's CPU time from the first send to the last stored trace)
 *        --api none          only sends (no agent to ask, e.g. bench/corpus/record.py as the receiver)
 *        --timestamps now|recorded   (default now: each request ends when it is sent)
 */
public class Replay {

    static String arg(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--" + name)) {
                return args[i + 1];
            }
        }
        return def;
    }

    /** One corpus record: the bytes as sent, its JSON text (decompressed) and where the ids to rewrite are. */
    record Message(byte[] sent, boolean lz4, int jsonLength, int[] traceIdAt, int traceIdLength, int[] spanIdAt, int[] spanIdNumber,
            int[] timestampAt, long lastTimestamp) {}

    static final byte[] LZ4_MAGIC = {0x04, 0x22, 0x4d, 0x18};

    public static void main(String[] args) throws Exception {
        List<Message> corpus = new ArrayList<>();
        for (String file : arg(args, "corpus", "").split(",")) {
            corpus.addAll(load(Path.of(file)));
        }
        if (corpus.isEmpty()) {
            System.err.println("usage: see the comment of bench/agent/Replay.java (--corpus is required)");
            System.exit(2);
        }
        String address = arg(args, "address", "/tmp/opa.sock");
        double rate = Double.parseDouble(arg(args, "rate", "50"));
        int seconds = Integer.parseInt(arg(args, "seconds", "0"));
        long count = Long.parseLong(arg(args, "count", seconds > 0 ? String.valueOf((long) (rate * seconds)) : String.valueOf(corpus.size())));
        if (count <= 0 || (rate <= 0 && seconds > 0)) {
            System.err.println("give --count N (> 0), or --rate R (> 0) with --seconds S");
            System.exit(2);
        }
        int connections = Integer.parseInt(arg(args, "connections", "4"));
        double mix = Double.parseDouble(arg(args, "mix", "1"));
        List<Message> summaries = new ArrayList<>();
        if (mix < 1) {
            for (String file : arg(args, "summaries-corpus", "").split(",")) {
                summaries.addAll(load(Path.of(file)));
            }
            if (mix < 0 || summaries.isEmpty()) {
                System.err.println("--mix F needs 0 <= F < 1 and --summaries-corpus LIST");
                System.exit(2);
            }
        }
        int group = Integer.parseInt(arg(args, "group-summaries", "1"));
        String api = arg(args, "api", "http://127.0.0.1:8080");
        int settle = Integer.parseInt(arg(args, "settle", "60"));
        boolean shiftTime = !arg(args, "timestamps", "now").equals("recorded");
        long agentPid = Long.parseLong(arg(args, "agent-pid", "0"));
        long corpusJson = corpus.stream().mapToLong(Message::jsonLength).sum();
        long corpusSent = corpus.stream().mapToLong(m -> m.sent().length).sum();
        System.out.printf("corpus: %d requests, %.1f KB of JSON and %.1f KB as sent per request on average%n",
                corpus.size(), corpusJson / 1024.0 / corpus.size(), corpusSent / 1024.0 / corpus.size());
        if (mix < 1) {
            System.out.printf("mixed with %d root summaries: %.3f of the requests are full captures%s%n", summaries.size(),
                    mix, group > 1 ? ", summaries sent " + group + " per message" : "");
        }
        List<String> fullIds = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong messages = new AtomicLong(), fullSent = new AtomicLong();

        boolean verify = !api.equals("none"); // --api none: only send (e.g. to a recording receiver)
        long storedBefore = verify ? stats(api, "traces_stored") : 0;
        String runId = String.format("%08x", ThreadLocalRandom.current().nextInt());
        AtomicLong sent = new AtomicLong(), jsonBytes = new AtomicLong(), wireBytes = new AtomicLong(), maxLagNs = new AtomicLong();
        long start = System.nanoTime() + 100_000_000L;
        long cpuBefore = cpuMillis(agentPid);
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int first = c;
            Thread t = new Thread(() -> {
                try (SocketChannel ch = open(address)) {
                    ByteArrayOutputStream held = new ByteArrayOutputStream();
                    int heldLines = 0;
                    for (long i = first; i < count; i += connections) {
                        boolean full = mix >= 1 || Math.floor((i + 1) * mix) > Math.floor(i * mix);
                        long nth = mix >= 1 ? i : full ? (long) Math.floor(i * mix) : i - (long) Math.floor((i + 1) * mix);
                        List<Message> from = full ? corpus : summaries;
                        Message m = from.get((int) (nth % from.size()));
                        if (rate > 0) {
                            long due = start + (long) (i * 1e9 / rate);
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            } else {
                                maxLagNs.accumulateAndGet(-wait, Math::max);
                            }
                        }
                        byte[] bytes = rewrite(m, runId, i, shiftTime);
                        if (full && mix < 1) {
                            fullIds.add(runId + hex(i, m.traceIdLength() - 8));
                            fullSent.incrementAndGet();
                        }
                        jsonBytes.addAndGet(m.jsonLength());
                        if (group > 1 && (mix >= 1 || !full)) { // one JSON line per summary; sent N at a time
                            held.write(bytes);
                            if (bytes[bytes.length - 1] != '\n') {
                                held.write('\n');
                            }
                            if (++heldLines < group && i + connections < count) {
                                continue;
                            }
                            bytes = held.toByteArray();
                            sent.addAndGet(heldLines - 1);
                            held.reset();
                            heldLines = 0;
                        }
                        write(ch, bytes);
                        sent.incrementAndGet();
                        messages.incrementAndGet();
                        wireBytes.addAndGet(bytes.length);
                    }
                    if (heldLines > 0) {
                        write(ch, held.toByteArray());
                        sent.addAndGet(heldLines);
                        messages.incrementAndGet();
                        wireBytes.addAndGet(held.size());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            senders.add(t);
        }
        for (Thread t : senders) {
            t.join();
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        long ownCpu = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
        System.out.printf("sent %d requests (%d full captures) in %d messages to %s in %.1f s (%.1f req/s, %.2f MB/s of JSON, %.2f MB/s as sent; "
                        + "%.0f MB of JSON); most late: %.0f ms%n", sent.get(), mix < 1 ? fullSent.get() : sent.get(),
                messages.get(), address, sendSeconds,
                sent.get() / sendSeconds, jsonBytes.get() / 1e6 / sendSeconds, wireBytes.get() / 1e6 / sendSeconds,
                jsonBytes.get() / 1e6, maxLagNs.get() / 1e6);
        System.out.printf("replay's own CPU (loading the corpus, rewriting, compressing, sending): %d ms, %.2f ms per request%n",
                ownCpu, ownCpu / (double) Math.max(1, sent.get()));

        if (!verify) {
            return;
        }
        // wait until every trace is stored, or nothing more arrives for `settle` seconds
        long stored = stats(api, "traces_stored") - storedBefore;
        long lastChange = System.nanoTime();
        while (stored < sent.get() && System.nanoTime() - lastChange < settle * 1_000_000_000L) {
            Thread.sleep(500);
            long now = stats(api, "traces_stored") - storedBefore;
            if (now != stored) {
                stored = now;
                lastChange = System.nanoTime();
            }
        }
        double totalSeconds = (lastChange - start) / 1e9; // first send to the last growth of traces_stored
        long agentCpu = cpuMillis(agentPid) - cpuBefore;
        String metrics = get(api + "/metrics");
        System.out.printf("stored %d of %d traces (the last %.1f s after the first send: %.1f traces/s, %.2f MB/s of JSON)%n",
                stored, sent.get(), totalSeconds, stored / totalSeconds, jsonBytes.get() / 1e6 / totalSeconds);
        System.out.printf("agent: spans received %.0f, stored %.0f; store write failures %.0f; spool %.0f batches, %.0f bytes, "
                        + "dropped %.0f spans; health %s%n", metric(metrics, "opa_spans_received_total"),
                metric(metrics, "opa_spans_stored_total"), metric(metrics, "opa_store_write_failures_total"),
                metric(metrics, "opa_spool_batches"), metric(metrics, "opa_spool_bytes"),
                metric(metrics, "opa_spool_dropped_spans_total"), health(api));
        if (agentPid > 0) {
            System.out.printf("agent CPU from the first send to the end of the wait: %d ms, %.2f ms per stored trace%n",
                    agentCpu, agentCpu / (double) Math.max(1, stored));
        }
        long fullStored = mix < 1 ? fullCapturesStored(api, fullIds) : stored;
        if (mix < 1) {
            System.out.printf("full captures: %d of %d stored with their call stack; root summaries: %d of %d stored%n",
                    fullStored, fullIds.size(), stored - fullStored, sent.get() - fullIds.size());
        }
        System.out.printf("RESULT sent=%d stored=%d json_bytes=%d wire_bytes=%d send_s=%.3f total_s=%.3f agent_cpu_ms=%d messages=%d%n",
                sent.get(), stored, jsonBytes.get(), wireBytes.get(), sendSeconds, totalSeconds, agentCpu, messages.get());
        if (stored != sent.get() || (mix < 1 && fullStored != fullIds.size())) {
            System.out.printf("INCOMPLETE: %d of %d traces stored (%d of %d full captures)%n", stored, sent.get(),
                    fullStored, fullIds.size());
            System.exit(1);
        }
    }

    /**
     * How many of these traces the API returns with a call stack (a full capture stored as one); paced under the API's
     * per-address rate limit (opa.api.rate-limit.per-address, 50/s).
     */
    static long fullCapturesStored(String api, List<String> traceIds) throws IOException, InterruptedException {
        long found = 0;
        for (String id : traceIds) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/traces/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && STACK.matcher(r.body()).find()) {
                found++;
            } else if (found < 3) {
                System.out.printf("full capture %s: HTTP %d %.200s%n", id, r.statusCode(), r.body());
            }
            Thread.sleep(25);
        }
        return found;
    }

    /** A call node in a trace's detail: a stored call stack. */
    static final Pattern STACK = Pattern.compile("\"stack\"\\s*:\\s*\\[\\s*\\{");

    /** User + system CPU time of a process (all its threads) from /proc/PID/stat, in ms; 0 without a pid. */
    static long cpuMillis(long pid) throws IOException {
        if (pid <= 0) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // f[0] is field 3 (state)
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / CLOCK_TICKS;
    }

    static final long CLOCK_TICKS = 100; // USER_HZ: 100 on Linux (getconf CLK_TCK)

    /** Reads a corpus file: u32 big-endian length + the message bytes, repeated. */
    static List<Message> load(Path file) throws IOException {
        List<Message> out = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            while (true) {
                int n;
                try {
                    n = in.readInt();
                } catch (EOFException end) {
                    return out;
                }
                byte[] sent = in.readNBytes(n);
                if (sent.length < n) {
                    throw new IOException(file + ": truncated record " + out.size());
                }
                out.add(index(sent));
            }
        }
    }

    static Message index(byte[] sent) throws IOException {
        boolean lz4 = startsWith(sent, LZ4_MAGIC, 0);
        byte[] json = content(sent);
        String text = new String(json, StandardCharsets.ISO_8859_1); // one char per byte: offsets are byte offsets
        Matcher trace = Pattern.compile("\"trace_id\":\"([0-9a-f]{32}|[0-9a-f]{16})\"").matcher(text);
        if (!trace.find()) {
            throw new IOException("a corpus record without a trace_id");
        }
        String traceId = trace.group(1);
        List<String> spanIds = new ArrayList<>();
        Matcher span = Pattern.compile("\"span_id\":\"([0-9a-f]{16})\"").matcher(text);
        while (span.find()) {
            if (!spanIds.contains(span.group(1))) {
                spanIds.add(span.group(1));
            }
        }
        List<Integer> spanAt = new ArrayList<>(), spanNumber = new ArrayList<>();
        for (int n = 0; n < spanIds.size(); n++) { // every use: span_id and the parent_id of children in the request
            String id = spanIds.get(n);
            for (int at = text.indexOf("\"" + id + "\""); at >= 0; at = text.indexOf("\"" + id + "\"", at + 1)) {
                spanAt.add(at + 1);
                spanNumber.add(n);
            }
        }
        List<Integer> traceAt = new ArrayList<>();
        for (int at = text.indexOf("\"" + traceId + "\""); at >= 0; at = text.indexOf("\"" + traceId + "\"", at + 1)) {
            traceAt.add(at + 1);
        }
        List<Integer> timeAt = new ArrayList<>();
        long last = 0;
        // epoch ms with 13 integer digits (until the year 2286): rewritten in place
        Matcher ts = Pattern.compile("\"(?:start_ts|end_ts)\":(\\d{13})(?=[.,}\\s])").matcher(text);
        while (ts.find()) {
            timeAt.add(ts.start(1));
            last = Math.max(last, Long.parseLong(ts.group(1)));
        }
        return new Message(sent, lz4, json.length, traceAt.stream().mapToInt(Integer::intValue).toArray(), traceId.length(),
                spanAt.stream().mapToInt(Integer::intValue).toArray(), spanNumber.stream().mapToInt(Integer::intValue).toArray(),
                timeAt.stream().mapToInt(Integer::intValue).toArray(), last);
    }

    /** The i-th replayed copy of m: trace id = run id + i, span ids = part of the run id + i + the span's number in m. */
    static byte[] rewrite(Message m, String runId, long i, boolean shiftTime) throws IOException {
        byte[] json = startsWith(m.sent(), ATTACHED_MAGIC, 0) || m.lz4() ? content(m.sent()) : m.sent().clone();
        if (shiftTime && m.lastTimestamp() > 0) {
            long offset = System.currentTimeMillis() - m.lastTimestamp();
            for (int at : m.timestampAt()) {
                long v = 0;
                for (int k = 0; k < 13; k++) {
                    v = v * 10 + (json[at + k] - '0');
                }
                v += offset;
                for (int k = 12; k >= 0; k--, v /= 10) {
                    json[at + k] = (byte) ('0' + v % 10);
                }
            }
        }
        byte[] traceId = (runId + hex(i, m.traceIdLength() - 8)).getBytes(StandardCharsets.US_ASCII);
        for (int at : m.traceIdAt()) {
            System.arraycopy(traceId, 0, json, at, traceId.length);
        }
        for (int k = 0; k < m.spanIdAt().length; k++) {
            byte[] spanId = (runId.substring(0, 4) + hex(i, 9) + hex(m.spanIdNumber()[k], 3)).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(spanId, 0, json, m.spanIdAt()[k], spanId.length);
        }
        return startsWith(m.sent(), ATTACHED_MAGIC, 0) ? attached(m.sent(), json) : m.lz4() ? compress(json) : json;
    }

    static final byte[] ATTACHED_MAGIC = {'O', 'P', 'A', 'S'};

    /**
     * A record's JSON: an LZ4 frame's content, or for a span with an attached stack (docs/protocol.md: "OPAS",
     * u32 LE envelope and stack lengths, the envelope as JSON or LZ4 frame, the stack as u32 LE length + LZ4 block)
     * the envelope's JSON followed by the stack's, so that ids and timestamps are found and rewritten in both.
     */
    static byte[] content(byte[] sent) throws IOException {
        if (!startsWith(sent, ATTACHED_MAGIC, 0)) {
            return startsWith(sent, LZ4_MAGIC, 0) ? decompress(sent) : sent;
        }
        ByteBuffer b = ByteBuffer.wrap(sent).order(ByteOrder.LITTLE_ENDIAN);
        int e = b.getInt(4);
        byte[] envelope = content(Arrays.copyOfRange(sent, 12, 12 + e));
        int textLength = b.getInt(12 + e);
        byte[] stack = LZ4Factory.fastestInstance().safeDecompressor().decompress(sent, 12 + e + 4, b.getInt(8) - 4, textLength);
        byte[] json = Arrays.copyOf(envelope, envelope.length + stack.length);
        System.arraycopy(stack, 0, json, envelope.length, stack.length);
        return json;
    }

    /** The attached-stack record {@code original} with its JSON replaced by {@code json} (same lengths). */
    static byte[] attached(byte[] original, byte[] json) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
        int e = b.getInt(4);
        int stackText = b.getInt(12 + e);
        int envelopeText = json.length - stackText;
        byte[] envelope = Arrays.copyOf(json, envelopeText);
        if (startsWith(original, LZ4_MAGIC, 12)) {
            envelope = compress(envelope);
        }
        LZ4Compressor lz4 = LZ4Factory.fastestInstance().fastCompressor();
        byte[] block = new byte[4 + lz4.maxCompressedLength(stackText)];
        int n = lz4.compress(json, envelopeText, stackText, block, 4, block.length - 4);
        ByteBuffer out = ByteBuffer.allocate(12 + envelope.length + 4 + n).order(ByteOrder.LITTLE_ENDIAN);
        out.put(ATTACHED_MAGIC).putInt(envelope.length).putInt(4 + n).put(envelope).putInt(stackText).put(block, 4, n);
        return out.array();
    }

    static byte[] decompress(byte[] frame) throws IOException {
        try (InputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(frame))) {
            return in.readAllBytes();
        }
    }

    static byte[] compress(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 3);
        // 64 KB independent blocks, like the extension (liblz4's default block size, LZ4F_blockIndependent)
        try (OutputStream z = new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB)) {
            z.write(raw);
        }
        return out.toByteArray();
    }

    static boolean startsWith(byte[] b, byte[] prefix, int at) {
        if (b.length < at + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
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

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static String get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static long stats(String api, String field) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(get(api + "/api/stats"));
        if (!m.find()) {
            throw new IOException("no " + field + " in " + api + "/api/stats");
        }
        return Long.parseLong(m.group(1));
    }

    static String health(String api) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body().replaceAll("\\s+", " ");
    }

    /** Sum of a Prometheus metric over all its label sets. */
    static double metric(String body, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    static String hex(long v, int digits) {
        char[] out = new char[digits];
        for (int i = digits - 1; i >= 0; i--) {
            out[i] = Character.forDigit((int) (v & 0xf), 16);
            v >>>= 4;
        }
        return new String(out);
    }
}
