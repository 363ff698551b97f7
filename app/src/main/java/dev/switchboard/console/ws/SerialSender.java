package dev.switchboard.console.ws;

import java.net.http.WebSocket;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends text frames on one JDK {@link WebSocket}, one at a time and in the order asked. The JDK
 * client refuses a send while the previous one is still in progress ({@code IllegalStateException}),
 * so callers that may send from several threads at once, or faster than the socket drains, go
 * through this. Bounded: past {@code maxQueued} waiting sends, a send fails at once.
 */
public final class SerialSender {
    private final WebSocket socket;
    private final int maxQueued;
    private final AtomicInteger queued = new AtomicInteger();
    private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

    public SerialSender(WebSocket socket, int maxQueued) {
        this.socket = Objects.requireNonNull(socket, "socket must not be null");
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued must be at least 1");
        }
        this.maxQueued = maxQueued;
    }

    /** Queues {@code text} as one whole text frame; completes when the socket took it. */
    public synchronized CompletableFuture<Void> send(String text) {
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "more than " + maxQueued + " frames are waiting to be sent"));
        }
        CompletableFuture<Void> next = last.handle((ignored, failure) -> null)
                .thenCompose(ignored -> socket.sendText(text, true))
                .handle((ignored, failure) -> {
                    queued.decrementAndGet();
                    if (failure != null) {
                        throw failure instanceof CompletionException completion ? completion
                                : new CompletionException(failure);
                    }
                    return null;
                });
        last = next;
        return next;
    }
}
