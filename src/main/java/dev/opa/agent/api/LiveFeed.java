package dev.opa.agent.api;

import dev.opa.agent.model.Batch;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Fans the events of each stored batch out to the connected live-stream clients. A subscriber's
 * sink must not block (the SSE endpoint drops events for a client that cannot keep up).
 */
public final class LiveFeed {

    public static final Set<String> TYPES = Set.of("trace", "error", "log", "dump");

    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();

    /** Called for every stored batch (route api-live-feed). */
    public void publish(Batch batch) {
        if (subscriptions.isEmpty()) {
            return;
        }
        List<LiveEvents.LiveEvent> events = LiveEvents.of(batch);
        for (Subscription s : subscriptions) {
            for (LiveEvents.LiveEvent e : events) {
                if (s.types().contains(e.type())) {
                    s.sink().accept(e);
                }
            }
        }
    }

    public Subscription subscribe(Set<String> types, Consumer<LiveEvents.LiveEvent> sink) {
        Subscription s = new Subscription(types, sink, this);
        subscriptions.add(s);
        return s;
    }

    public int subscribers() {
        return subscriptions.size();
    }

    /** One connected client; {@link #close()} when it goes away. */
    public record Subscription(Set<String> types, Consumer<LiveEvents.LiveEvent> sink, LiveFeed feed)
            implements AutoCloseable {
        @Override
        public void close() {
            feed.subscriptions.remove(this);
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }
}
