package dev.opa.agent.wire;

import dev.opa.agent.ops.IngestMetrics;
import io.netty.channel.ChannelHandler;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;

/**
 * Gives camel-netty a fresh {@link FrameDecoder} per connection ({@code decoders=#...} on the endpoint), all sharing
 * one {@link DecodeBudget}.
 */
public class FrameDecoderFactory extends DefaultChannelHandlerFactory {

    private final String transport;
    private final int maxFrameBytes;
    private final IngestMetrics metrics;
    private final DecodeBudget budget;

    public FrameDecoderFactory(String transport, int maxFrameBytes, IngestMetrics metrics, DecodeBudget budget) {
        this.transport = transport;
        this.maxFrameBytes = maxFrameBytes;
        this.metrics = metrics;
        this.budget = budget;
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return new FrameDecoder(transport, maxFrameBytes, metrics, budget);
    }
}
