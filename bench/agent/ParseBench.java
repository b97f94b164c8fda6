import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.parse.Limits;
import dev.opa.agent.parse.MessageParser;
import dev.opa.agent.parse.Parsed;
import dev.opa.agent.wire.FrameDecoder;
import dev.opa.agent.wire.Frames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.BufferedInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's decode + parse CPU per real message: corpus records (bench/corpus format: u32 big-endian length +
 * the bytes the extension sent) through FrameDecoder (LZ4 frame -> JSON lines) and MessageParser (-> spans), in
 * one thread, timed by that thread's CPU time. Usage (bench/agent/parse.sh runs it):
 *   java -cp CLASSES:DEPS bench/agent/ParseBench.java CORPUS[,CORPUS...] [messages per corpus] [passes]
 * Prints per pass: µs of CPU per message for decode, parse and both, and MB/s of JSON (decompressed; an attached
 * stack counts with its declared length) per CPU s. A corpus in the attached-stack form (bench/corpus/attach_stack.py)
 * needs a checkout that reads it.
 */
public class ParseBench {

    public static void main(String[] args) throws Exception {
        String[] files = args[0].split(",");
        int perFile = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<byte[]> records = new ArrayList<>();
        for (String f : files) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(f)))) {
                for (int i = 0; i < perFile; i++) {
                    int n;
                    try {
                        n = in.readInt();
                    } catch (EOFException e) {
                        break;
                    }
                    byte[] r = new byte[n];
                    in.readFully(r);
                    records.add(r);
                }
            }
        }
        IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry(), new RateLimitedLog(60_000));
        MessageParser parser = new MessageParser(new Limits(10_000, 64_000, 1_024), metrics);
        FrameDecoder decoder = new FrameDecoder("bench", 16 << 20, metrics);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf("%d records from %s, LZ4 %s%n", records.size(), args[0],
                net.jpountz.lz4.LZ4Factory.fastestInstance());
        for (int pass = 0; pass <= passes; pass++) {
            long decodeNs = 0;
            long parseNs = 0;
            long jsonBytes = 0;
            int spans = 0;
            for (byte[] r : records) {
                long t0 = threads.getCurrentThreadCpuTime();
                channel.writeInbound(Unpooled.wrappedBuffer(r));
                Frames frames = channel.readInbound();
                long t1 = threads.getCurrentThreadCpuTime();
                Parsed parsed = parser.parse(frames);
                long t2 = threads.getCurrentThreadCpuTime();
                decodeNs += t1 - t0;
                parseNs += t2 - t1;
                for (Frames.Line l : frames.lines()) {
                    jsonBytes += l.len() + attachedStackBytes(l);
                }
                spans += parsed.spans().size();
            }
            if (spans != records.size()) {
                throw new IllegalStateException(spans + " spans from " + records.size() + " records");
            }
            double n = records.size();
            System.out.printf("%s %d: decode %.0f us, parse %.0f us, total %.0f us per message (%.0f KB JSON), %.0f MB/s%n",
                    pass == 0 ? "warm-up" : "pass", pass, decodeNs / n / 1e3, parseNs / n / 1e3,
                    (decodeNs + parseNs) / n / 1e3, jsonBytes / n / 1024, jsonBytes / 1e6 / ((decodeNs + parseNs) / 1e9));
        }
    }

    /** JSON bytes of a line's attached stack (its declared length); 0 for none, and on revisions without them. */
    private static long attachedStackBytes(Frames.Line line) throws Exception {
        if (STACK == null) {
            return 0;
        }
        byte[] stack = (byte[]) STACK.invoke(line);
        return stack == null ? 0 : (stack[0] & 0xffL) | (stack[1] & 0xffL) << 8 | (stack[2] & 0xffL) << 16
                | (stack[3] & 0xffL) << 24;
    }

    /** Frames.Line#stack() where the checkout has it (reflection: the base revision may not). */
    private static final java.lang.reflect.Method STACK = java.util.Arrays.stream(Frames.Line.class.getRecordComponents())
            .filter(c -> c.getName().equals("stack")).map(java.lang.reflect.RecordComponent::getAccessor).findFirst()
            .orElse(null);
}
