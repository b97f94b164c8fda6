package dev.opa.agent.wire;

import dev.opa.agent.ops.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.File;
import javax.net.ssl.SSLException;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;

/**
 * TLS for the TCP ingest listener (first in its {@code decoders=}): per connection a Netty {@link SslHandler}
 * from PEM files (certificate chain, PKCS#8 key), with client certificates required and verified against
 * {@code clientCaFile} when one is given (mutual TLS). A handshake must finish within the timeout, so a client
 * that stalls mid-handshake is closed instead of holding a connection. Handshakes are counted in
 * {@code opa_ingest_tls_handshakes_total{result="ok|failed"}}; failures are logged (rate-limited) with their
 * cause. Without TLS a pass-through handler.
 */
public class TlsHandlerFactory extends DefaultChannelHandlerFactory {

    private final SslContext context;
    private final long handshakeTimeoutMs;
    private final Counter ok;
    private final Counter failed;
    private final RateLimitedLog log;

    /** @param context null: no TLS */
    public TlsHandlerFactory(SslContext context, long handshakeTimeoutMs, MeterRegistry meters, RateLimitedLog log) {
        this.context = context;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        this.log = log;
        this.ok = Counter.builder("opa.ingest.tls.handshakes").tag("result", "ok")
                .description("TLS handshakes on the TCP listener").register(meters);
        this.failed = Counter.builder("opa.ingest.tls.handshakes").tag("result", "failed")
                .description("TLS handshakes on the TCP listener").register(meters);
    }

    /**
     * The server context from PEM files.
     *
     * @param clientCaFile empty: no client certificates asked for; else required and verified against it
     */
    public static SslContext serverContext(String certFile, String keyFile, String clientCaFile) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forServer(new File(certFile), new File(keyFile));
        if (clientCaFile != null && !clientCaFile.isBlank()) {
            builder.trustManager(new File(clientCaFile)).clientAuth(ClientAuth.REQUIRE);
        }
        return builder.build();
    }

    public boolean enabled() {
        return context != null;
    }

    @Override
    public ChannelHandler newChannelHandler() {
        if (context == null) {
            return new ChannelInboundHandlerAdapter();
        }
        SslHandler ssl = context.newHandler(ByteBufAllocator.DEFAULT);
        ssl.setHandshakeTimeoutMillis(handshakeTimeoutMs);
        return new Tls(ssl);
    }

    /** The cause in short: a plain-text record's message would hold the record's bytes. */
    static String reason(Throwable cause) {
        if (cause instanceof NotSslRecordException) {
            return "not a TLS record (a client without TLS?)";
        }
        String text = String.valueOf(cause);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /** Puts the connection's SslHandler in its own place in the pipeline and watches its handshake. */
    private final class Tls extends ChannelInboundHandlerAdapter {

        private final SslHandler ssl;

        Tls(SslHandler ssl) {
            this.ssl = ssl;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.pipeline().addBefore(ctx.name(), ctx.name() + "-ssl", ssl);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent done) {
                if (done.isSuccess()) {
                    ok.increment();
                } else {
                    failed.increment();
                    log.warn("tls", "handshake_failed", "TLS handshake with " + ctx.channel().remoteAddress()
                            + " failed: " + reason(done.cause()));
                    ctx.close();
                }
            }
            ctx.fireUserEventTriggered(event);
        }

        /** TLS errors are counted and logged above (once per interval, without the record's bytes): just close. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
                ctx.close();
            } else {
                ctx.fireExceptionCaught(cause);
            }
        }
    }
}
