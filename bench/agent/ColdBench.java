import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.parse.Limits;
import dev.opa.agent.parse.MessageParser;
import dev.opa.agent.wire.FrameDecoder;
import dev.opa.agent.wire.Frames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Is the agent's CPU per message at a host's rates the code or the gaps between messages? Decodes (FrameDecoder in a
 * Netty EmbeddedChannel) and parses (MessageParser) corpus records in one thread at fixed rates, after a full-speed
 * warm-up, and prints the thread CPU per message (mean, median, p90) of each phase: the same compiled code, only
 * the pauses differ. -Dmode=sleep (default) sleeps between messages, spin busy-waits on the clock, thrash walks
 * 16 MB meanwhile. Usage (after mvn package):
 *   java [-Dmode=spin] -cp target/opa-agent.jar bench/agent/ColdBench.java CORPUS[,CORPUS] RATE:SECONDS[,...]
 * RATE 0 = back to back for SECONDS*1000 messages; e.g. 0:30,20:20,200:10,0:10,20:20 (docs/benchmarks.md).
 * -Dparse=false measures the decoder alone (what the I/O thread does per read; the route parses once per group).
 */
public class ColdBench {

    static final String MODE = System.getProperty("mode", "sleep");
    static final boolean PARSE = Boolean.parseBoolean(System.getProperty("parse", "true"));
    static final byte[] JUNK = new byte[16 << 20];

    public static void main(String[] args) throws Exception {
        List<byte[]> records = new ArrayList<>();
        for (String f : args[0].split(",")) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(f)))) {
                while (true) {
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
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder("bench", 16 << 20, metrics));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int next = 0;
        for (String phase : args[1].split(",")) {
            int rate = Integer.parseInt(phase.split(":")[0]);
            int seconds = Integer.parseInt(phase.split(":")[1]);
            int count = rate == 0 ? seconds * 1000 : rate * seconds;
            long[] cpu = new long[count];
            long total = 0;
            long due = System.nanoTime();
            for (int k = 0; k < count; k++) {
                if (rate > 0) {
                    due += 1_000_000_000L / rate;
                    pause(due);
                }
                long t0 = threads.getCurrentThreadCpuTime();
                channel.writeInbound(Unpooled.wrappedBuffer(records.get(next++ % records.size())));
                Frames frames = channel.readInbound();
                if (PARSE ? parser.parse(frames).spans().size() != 1 : frames.lines().size() != 1) {
                    throw new IllegalStateException("a record is not one span");
                }
                cpu[k] = threads.getCurrentThreadCpuTime() - t0;
                total += cpu[k];
            }
            Arrays.sort(cpu);
            System.out.printf("rate %4d/s x %3d s (%s): mean %6.1f us, median %6.1f us, p90 %6.1f us per message%n", rate,
                    seconds, MODE, total / 1e3 / count, cpu[count / 2] / 1e3, cpu[count * 9 / 10] / 1e3);
        }
    }

    private static void pause(long until) throws InterruptedException {
        long wait = until - System.nanoTime();
        if (wait <= 0) {
            return;
        }
        switch (MODE) {
            case "spin" -> {
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
            case "thrash" -> {
                while (System.nanoTime() < until) {
                    for (int i = 0; i < JUNK.length; i += 64) {
                        JUNK[i]++;
                    }
                }
            }
            default -> Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
