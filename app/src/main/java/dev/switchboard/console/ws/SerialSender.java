package dev.switchboard.console.ws;

import java.net.http.WebSocket;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends text frames on one JDK {@link WebSocket}, one at a time and in the order asked. The JDK
 * client refuses a send while the previous one is still in progress ({@code IllegalStateException}),
 * so every send of a {@link ClientConnection} goes through this. The socket may still be opening:
 * sends wait for it, and fail with its failure if it never opens. Bounded: past {@code maxQueued}
 * waiting sends, a send fails at once.
 */
final class SerialSender {
    private final CompletionStage<WebSocket> socket;
    private final int maxQueued;
    private final AtomicInteger queued = new AtomicInteger();
    private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

    SerialSender(CompletionStage<WebSocket> socket, int maxQueued) {
        this.socket = Objects.requireNonNull(socket, "socket must not be null");
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued must be at least 1");
        }
        this.maxQueued = maxQueued;
    }

    /** Queues {@code text} as one whole text frame; completes when the socket took it. */
    synchronized CompletableFuture<Void> send(String text) {
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "more than " + maxQueued + " frames are waiting to be sent"));
        }
        CompletableFuture<Void> next = last.handle((ignored, failure) -> null)
                .thenCompose(ignored -> socket)
                .thenCompose(webSocket -> webSocket.sendText(text, true))
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
