package dev.opa.agent.wire;

import java.util.List;

/** The JSON lines decoded from one read of one connection (any mix of plain and LZ4 frames). */
public record Frames(String transport, List<byte[]> lines) {
}
