import dev.opa.agent.model.StackCodec;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jpountz.lz4.LZ4Factory;

/**
 * What the agent's check of an attached stack costs next to what it replaces: per real call stack, CPU µs of
 * StackCodec.problem (decompress to scratch, the ingest check), of decompressing it to a new array (the read
 * path), and of StackCodec.encode on its text (the recompression the old path did). Stacks are taken from a
 * corpus in the attached-stack form (bench/corpus/attach_stack.py). Usage (bench/agent/parse.sh runs it when NEW_CORPUS is set):
 *   java -cp CLASSES:DEPS bench/agent/StackCheckBench.java CORPUS[,CORPUS...] [passes]
 */
public class StackCheckBench {

    public static void main(String[] args) throws Exception {
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<byte[]> stacks = new ArrayList<>();
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
                    if (n > 12 && r[0] == 'O' && r[1] == 'P' && r[2] == 'A' && r[3] == 'S') {
                        ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
                        int e = b.getInt(4);
                        int s = b.getInt(8);
                        stacks.add(Arrays.copyOfRange(r, 12 + e, 12 + e + s));
                    }
                }
            }
        }
        List<byte[]> texts = new ArrayList<>();
        long textBytes = 0;
        for (byte[] s : stacks) {
            byte[] t = LZ4Factory.fastestInstance().safeDecompressor().decompress(s, 4, s.length - 4,
                    (int) StackCodec.declaredLength(s));
            texts.add(t);
            textBytes += t.length;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf("%d attached stacks, %.0f KB of text and %.0f KB stored on average%n", stacks.size(),
                textBytes / 1024.0 / stacks.size(), stacks.stream().mapToLong(s -> s.length).sum() / 1024.0 / stacks.size());
        for (int pass = 0; pass <= passes; pass++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (byte[] s : stacks) {
                if (StackCodec.problem(s, 16 << 20) != null) {
                    throw new IllegalStateException(StackCodec.problem(s, 16 << 20));
                }
            }
            long t1 = threads.getCurrentThreadCpuTime();
            long sink = 0;
            for (byte[] s : stacks) {
                sink += LZ4Factory.fastestInstance().safeDecompressor().decompress(s, 4, s.length - 4,
                        (int) StackCodec.declaredLength(s)).length;
            }
            long t2 = threads.getCurrentThreadCpuTime();
            for (byte[] t : texts) {
                sink += StackCodec.encode(t, 0, t.length).length;
            }
            long t3 = threads.getCurrentThreadCpuTime();
            double n = stacks.size();
            System.out.printf("%s %d: check %.0f us, decompress to a new array %.0f us, recompress %.0f us per stack (%d)%n",
                    pass == 0 ? "warm-up" : "pass", pass, (t1 - t0) / n / 1e3, (t2 - t1) / n / 1e3, (t3 - t2) / n / 1e3,
                    sink % 10);
        }
    }
}
