package dev.opa.agent.it;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The recorded real traces of src/test/resources/corpus/ (bench/corpus/README.md): each record is one message
 * exactly as the PHP extension sent it (an LZ4 frame, or a JSON line for a root summary).
 */
public final class Corpus {

    private Corpus() {
    }

    /** The records of a fixture file, e.g. "wordpress.opa". */
    public static List<byte[]> records(String name) {
        try (InputStream raw = Corpus.class.getResourceAsStream("/corpus/" + name)) {
            if (raw == null) {
                throw new IllegalArgumentException("no corpus fixture " + name);
            }
            DataInputStream in = new DataInputStream(raw);
            List<byte[]> out = new ArrayList<>();
            while (true) {
                int n;
                try {
                    n = in.readInt();
                } catch (EOFException end) {
                    return out;
                }
                out.add(in.readNBytes(n));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
