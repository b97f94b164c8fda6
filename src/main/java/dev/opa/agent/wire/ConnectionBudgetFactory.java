package dev.opa.agent.wire;

import dev.opa.agent.ops.IngestMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;

/**
 * Gives camel-netty a fresh {@link ConnectionBudget} per connection (listed after the frame decoder in
 * {@code decoders=}); with a budget of 0 a pass-through handler.
 */
public class ConnectionBudgetFactory extends DefaultChannelHandlerFactory {

    private final int bytesPerSecond;
    private final IngestMetrics metrics;

    public ConnectionBudgetFactory(int bytesPerSecond, IngestMetrics metrics) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("opa.ingest.connection-bytes-per-second must be >= 0 (0 = off), got "
                    + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.metrics = metrics;
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return bytesPerSecond == 0 ? new ChannelInboundHandlerAdapter() : new ConnectionBudget(bytesPerSecond, metrics);
    }
}
