package dev.opa.agent.beans;

import dev.opa.agent.boot.HttpServerCheck;
import dev.opa.agent.boot.ListenerPreflight;
import dev.opa.agent.boot.StartupFailure;
import dev.opa.agent.config.HeapBudget;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.parse.Limits;
import dev.opa.agent.parse.MessageParser;
import dev.opa.agent.pipeline.BatchAccumulator;
import dev.opa.agent.pipeline.IngestGate;
import dev.opa.agent.trace.TraceAssembler;
import dev.opa.agent.wire.ConnectionBudgetFactory;
import dev.opa.agent.wire.DecodeBudget;
import dev.opa.agent.wire.FrameCoalescer;
import dev.opa.agent.wire.FrameDecoderFactory;
import dev.opa.agent.wire.SocketFile;
import dev.opa.agent.wire.TlsHandlerFactory;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beans of routes/ingest.camel.yaml: per-connection framing and byte budget of each listener, the grouping of
 * decoded lines per I/O thread, TLS, the parser and the backpressure gate. At start: the TLS files and both listeners' addresses are checked before
 * anything binds.
 */
public class IngestBeans extends AgentBeans {

    private static final Logger LOG = LoggerFactory.getLogger(IngestBeans.class);

    @BindToRegistry(value = "ingestMetrics", lazy = true)
    public IngestMetrics ingestMetrics(PrometheusMeterRegistry meters) {
        return new IngestMetrics(meters, new RateLimitedLog(cfg.longValue("opa.log.reject-interval-ms")));
    }

    /** Heap both listeners' decoders may hold in frames not yet parsed (opa.ingest.max-decoding-bytes, fitted to -Xmx). */
    @BindToRegistry(value = "decodeBudget", lazy = true)
    public DecodeBudget decodeBudget(HeapBudget heap, PrometheusMeterRegistry meters) {
        DecodeBudget budget = new DecodeBudget((int) Math.min(Integer.MAX_VALUE, heap.decodingBytes()), meters);
        int maxFrame = cfg.intValue("opa.frames.max-frame-bytes");
        if (budget.limit() < maxFrame) {
            LOG.warn("frames over {} bytes (opa.ingest.max-decoding-bytes as fitted to the heap) are refused as oversize,"
                    + " below opa.frames.max-frame-bytes={}", budget.limit(), maxFrame);
        }
        return budget;
    }

    @BindToRegistry(value = "unixFrameDecoder", lazy = true)
    public FrameDecoderFactory unixFrameDecoder(IngestMetrics metrics, DecodeBudget budget) {
        return new FrameDecoderFactory("unix", cfg.intValue("opa.frames.max-frame-bytes"), metrics, budget);
    }

    @BindToRegistry(value = "tcpFrameDecoder", lazy = true)
    public FrameDecoderFactory tcpFrameDecoder(IngestMetrics metrics, DecodeBudget budget) {
        return new FrameDecoderFactory("tcp", cfg.intValue("opa.frames.max-frame-bytes"), metrics, budget);
    }

    @BindToRegistry(value = "unixConnectionBudget", lazy = true)
    public ConnectionBudgetFactory unixConnectionBudget(IngestMetrics metrics) {
        return new ConnectionBudgetFactory(cfg.intValue("opa.ingest.connection-bytes-per-second"), metrics);
    }

    @BindToRegistry(value = "tcpConnectionBudget", lazy = true)
    public ConnectionBudgetFactory tcpConnectionBudget(IngestMetrics metrics) {
        return new ConnectionBudgetFactory(cfg.intValue("opa.ingest.connection-bytes-per-second"), metrics);
    }

    @BindToRegistry(value = "unixCoalescer", lazy = true)
    public FrameCoalescer unixCoalescer() {
        return coalescer("unix");
    }

    @BindToRegistry(value = "tcpCoalescer", lazy = true)
    public FrameCoalescer tcpCoalescer() {
        return coalescer("tcp");
    }

    private FrameCoalescer coalescer(String transport) {
        return new FrameCoalescer(transport, cfg.longValue("opa.ingest.coalesce-ms"),
                cfg.longValue("opa.ingest.coalesce-bytes"));
    }

    @BindToRegistry(value = "tcpTls", lazy = true)
    public TlsHandlerFactory tcpTls(PrometheusMeterRegistry meters) {
        SslContext context = null;
        if (cfg.bool("opa.tcp.tls.enabled")) {
            try {
                context = TlsHandlerFactory.serverContext(cfg.string("opa.tcp.tls.cert-file"),
                        cfg.string("opa.tcp.tls.key-file"), cfg.string("opa.tcp.tls.client-ca-file"));
            } catch (Exception e) {
                throw new StartupFailure("TLS for the TCP listener cannot load its PEM files",
                        "opa.tcp.tls.cert-file / key-file / client-ca-file", e);
            }
        }
        return new TlsHandlerFactory(context, cfg.longValue("opa.tcp.tls.handshake-timeout-ms"), meters,
                new RateLimitedLog(cfg.longValue("opa.log.reject-interval-ms")));
    }

    @BindToRegistry(value = "messageParser", lazy = true)
    public MessageParser messageParser(IngestMetrics metrics) {
        return new MessageParser(new Limits(cfg.intValue("opa.limits.max-query-chars"),
                cfg.intValue("opa.limits.max-dump-chars"), cfg.intValue("opa.limits.max-tag-chars")), metrics);
    }

    @BindToRegistry(value = "ingestGate", lazy = true)
    public IngestGate ingestGate(TraceAssembler assembler, BatchAccumulator accumulator, HeapBudget heap,
            PrometheusMeterRegistry meters) {
        return new IngestGate(assembler, accumulator, heap.bufferedBytes(), cfg.longValue("opa.ingest.max-wait-ms"),
                meters);
    }

    /**
     * Fail fast: TLS files that cannot be loaded, then a listener address that cannot be used, end the start with
     * the setting to change (before the store opens).
     */
    @Override
    public void configure(CamelContext camelContext) throws Exception {
        bean(TlsHandlerFactory.class);
        Path socket = Path.of(cfg.string("opa.socket.path"));
        ListenerPreflight.unixSocketUsable("opa.socket.path", socket);
        ListenerPreflight.tcpPortFree("TCP ingest listener", "opa.tcp.listen", cfg.string("opa.tcp.host"),
                cfg.intValue("opa.tcp.port"));
        if (cfg.bool("camel.server.enabled")) {
            String host = cfg.string("camel.server.host");
            int port = cfg.intValue("camel.server.port");
            ListenerPreflight.tcpPortFree("HTTP server", "opa.http.port / opa.http.host", host, port);
            camelContext.addStartupListener(new HttpServerCheck(host, port));
        }
        String socketMode = cfg.string("opa.socket.mode");
        camelContext.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // bind happens when the routes start; the mode is applied once fully started
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) throws Exception {
                SocketFile.applyMode(socket, socketMode);
            }
        });
    }
}
