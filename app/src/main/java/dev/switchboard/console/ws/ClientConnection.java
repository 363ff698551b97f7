package dev.switchboard.console.ws;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * One client WebSocket connection of the console over the JDK's {@code java.net.http} client: the
 * monitor feed, an injected user, a simulated user's connection and the benchmark's loads all use
 * it. It owns what every one of them needs and the JDK client leaves to its caller:
 * <ul>
 *   <li>sends one frame at a time, in order (the JDK refuses overlapping sends), bounded;</li>
 *   <li>hands on whole text messages (the JDK may deliver one in parts);</li>
 *   <li>optionally reconnects with exponential backoff after a failed connect or a lost connection;</li>
 *   <li>closes (1000) or aborts, after which it never reconnects;</li>
 *   <li>says why a connect or send failed in words ({@link #describe}).</li>
 * </ul>
 * Sends made while the first connect is in progress wait for it; sends while the connection is
 * down fail at once. Its {@link Listener} is called on the JDK client's threads, one event at a
 * time; an exception from it is logged and does not stop the connection.
 */
public final class ClientConnection {
    private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());

    /** Where to connect: the URI and, when the server wants one, a bearer token (sent as a header, never in the URI). */
    public record Target(URI uri, String bearerToken) {
        public Target {
            Objects.requireNonNull(uri, "uri must not be null");
        }
    }

    /** Why the connection is down. */
    public enum Cause { CONNECT_FAILED, CLOSED, BROKEN }

    /**
     * The connection went down.
     *
     * @param cause      a connect failed, the peer closed (with {@code statusCode} and {@code reason}),
     *                   or the connection broke ({@code failure})
     * @param statusCode the close code for {@link Cause#CLOSED}, else -1
     * @param reason     the close reason for {@link Cause#CLOSED}, else ""
     * @param failure    what the JDK reported, for the other two causes
     */
    public record Down(Cause cause, int statusCode, String reason, Throwable failure) {

        /** The failure without the wrapping of futures. */
        public Throwable rootFailure() {
            Throwable root = failure;
            while ((root instanceof CompletionException || root instanceof ExecutionException) && root.getCause() != null) {
                root = root.getCause();
            }
            return root;
        }
    }

    /** What happens on the connection. */
    public interface Listener {
        /** It opened, or opened again after a reconnect; sends go out from now. */
        default void onOpen() {
        }

        /** One whole text message. */
        void onText(String text);

        /** It went down; a reconnect, if any, is scheduled after this returns. Also called after {@link #close}. */
        default void onDown(Down down) {
        }

        /** A reconnect attempt starts now. */
        default void onReconnect() {
        }
    }

    private enum Ending { NONE, CLOSE, ABORT }

    /** When the next reconnect attempt is due, or null when none is scheduled. */
    public Instant nextRetryAt() {
        return nextRetryAt;
    }

    private final HttpClient client;
    private final Duration connectTimeout;
    private final int maxQueuedSends;
    private final Listener listener;
    private final Duration firstRetry;
    private final Duration lastRetry;
    private final ScheduledExecutorService retryScheduler;
    private final Predicate<Down> retryWhen;
    private final CompletableFuture<WebSocket> firstOpen = new CompletableFuture<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicReference<Ending> ending = new AtomicReference<>(Ending.NONE);
    private final CompletableFuture<Void> closeSent = new CompletableFuture<>();
    /** Completes when the connection is down for good (closed or aborted by us, and the peer's answer came). */
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private volatile Target target;
    /** What a reconnect connects to (a fresh token, say), or null to reuse the last target. */
    private volatile java.util.function.UnaryOperator<Target> renew;
    private volatile WebSocket socket;
    private volatile SerialSender sender;
    private volatile Future<?> retry;
    /** When the next reconnect attempt is due, or null when none is (not down, or no reconnecting). */
    private volatile Instant nextRetryAt;
    private volatile boolean connecting;
    /** Why it is down, for the sends made meanwhile. */
    private volatile Throwable downBecause = closed();
    private volatile String closeReason = "";

    private ClientConnection(Builder builder) {
        this.client = builder.client;
        this.connectTimeout = builder.connectTimeout;
        this.maxQueuedSends = builder.maxQueuedSends;
        this.listener = builder.listener;
        this.firstRetry = builder.firstRetry;
        this.lastRetry = builder.lastRetry;
        this.retryScheduler = builder.retryScheduler;
        this.retryWhen = builder.retryWhen;
        this.sender = new SerialSender(firstOpen, maxQueuedSends);
    }

    /** A connection over {@code client} (its executor runs the listener). */
    public static Builder builder(HttpClient client) {
        return new Builder(client);
    }

    /**
     * Has every reconnect ask {@code renewal} for its target first (given the last one): a token
     * that expires meanwhile is replaced. Runs on the retry scheduler.
     */
    public ClientConnection renewTargetWith(java.util.function.UnaryOperator<Target> renewal) {
        this.renew = renewal;
        return this;
    }

    /** Connects to {@code target}; completes when it opened, or exceptionally when this first connect failed. */
    public CompletableFuture<Void> open(Target target) {
        this.target = Objects.requireNonNull(target, "target must not be null");
        return connect(target);
    }

    /** Connects once {@code target} is known; a failure to learn it fails the connect (and waiting sends). */
    public CompletableFuture<Void> open(CompletionStage<Target> target) {
        return target.toCompletableFuture().handle((known, failure) -> {
            if (failure != null) {
                down(new Down(Cause.CONNECT_FAILED, -1, "", failure));
                return CompletableFuture.<Void>failedFuture(failure);
            }
            return open(known);
        }).thenCompose(connected -> connected);
    }

    private CompletableFuture<Void> connect(Target to) {
        if (isEnded()) {
            return CompletableFuture.failedFuture(closed());
        }
        connecting = true;
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(connectTimeout);
        if (to.bearerToken() != null) {
            builder.header("Authorization", "Bearer " + to.bearerToken());
        }
        return builder.buildAsync(to.uri(), new Frames()).handle((webSocket, failure) -> {
            connecting = false;
            if (failure != null) {
                down(new Down(Cause.CONNECT_FAILED, -1, "", failure));
                throw failure instanceof CompletionException completion ? completion : new CompletionException(failure);
            }
            return null;
        });
    }

    /**
     * Queues {@code text} as one whole text frame; completes when the socket took it. Waits for
     * the first connect; fails at once (with why) when the connection is down, or when more than
     * the bound already wait.
     */
    public CompletableFuture<Void> send(String text) {
        SerialSender current = sender;
        return current == null ? CompletableFuture.failedFuture(downBecause) : current.send(text);
    }

    /** Whether it is open now (opened, and not down since). */
    public boolean isOpen() {
        return socket != null;
    }

    /** Whether {@link #close} or {@link #abort} was called: it will not reconnect. */
    public boolean isEnded() {
        return ending.get() != Ending.NONE;
    }

    /**
     * Sends a close (1000, {@code reason}) now, or as soon as a connect in progress opens; never
     * reconnects after. The peer's answer arrives as {@link Listener#onDown}. Completes when the
     * close went out.
     */
    public CompletableFuture<Void> close(String reason) {
        closeReason = Objects.requireNonNull(reason, "reason must not be null");
        if (ending.compareAndSet(Ending.NONE, Ending.CLOSE)) {
            stopRetrying();
            WebSocket current = socket;
            if (current != null) {
                sendClose(current);
            } else if (!connecting) {
                firstOpen.completeExceptionally(closed()); // nothing open and nothing opening
                closeSent.complete(null);
            } // else opened() or down() finishes the close
        }
        return closeSent.copy(); // a caller's orTimeout must not complete it for everyone
    }

    private void sendClose(WebSocket current) {
        if (!closeStarted.compareAndSet(false, true)) {
            return;
        }
        current.sendClose(WebSocket.NORMAL_CLOSURE, closeReason).whenComplete((ignored, failure) -> {
            if (failure != null) {
                closeSent.completeExceptionally(failure);
            } else {
                closeSent.complete(null);
            }
        });
    }

    /** Drops the connection at once (no close handshake) and never reconnects. Idempotent. */
    public void abort() {
        if (ending.getAndSet(Ending.ABORT) != Ending.ABORT) {
            stopRetrying();
            firstOpen.completeExceptionally(closed());
            closeSent.complete(null);
            WebSocket current = socket;
            if (current != null) {
                current.abort();
            }
            ended.complete(null);
        }
    }

    /**
     * Closes with 1000 and waits for the peer's close before letting the socket go, so the peer sees
     * a clean close and not a dropped connection (1006); aborts when no answer came within
     * {@code patience}. Completes once the connection is gone either way.
     */
    public CompletableFuture<Void> closeCleanly(String reason, Duration patience) {
        close(reason);
        return ended.copy().orTimeout(patience.toMillis(), TimeUnit.MILLISECONDS)
                .handle((done, late) -> {
                    abort();
                    return null;
                });
    }

    private void stopRetrying() {
        Future<?> pending = retry;
        if (pending != null) {
            pending.cancel(false);
        }
    }

    /** Why a connect or send of this connection failed, in one line a user can act on. */
    public String describe(Throwable failure) {
        return describe(failure, connectTimeout);
    }

    /** Why a connect or send failed, for a connection given {@code connectTimeout} to connect. */
    public static String describe(Throwable failure, Duration connectTimeout) {
        return FailureText.describe(failure, connectTimeout);
    }

    private void opened(WebSocket webSocket) {
        socket = webSocket; // first, so that a close or abort from now on finds it
        attempts.set(0);
        if (!firstOpen.complete(webSocket)) {
            sender = new SerialSender(CompletableFuture.completedFuture(webSocket), maxQueuedSends);
        }
        switch (ending.get()) {
            case ABORT -> webSocket.abort(); // aborted while it was connecting
            case CLOSE -> sendClose(webSocket); // closed while it was connecting
            default -> callListener(listener::onOpen);
        }
    }

    private void down(Down down) {
        downBecause = down.failure() != null ? down.failure() : closed();
        socket = null;
        sender = null;
        firstOpen.completeExceptionally(downBecause);
        if (ending.get() != Ending.NONE) {
            closeSent.complete(null);
            ended.complete(null);
        }
        boolean retrying = retryScheduler != null && !isEnded() && target != null && retryWhen.test(down);
        long delay = retrying
                ? Math.min(lastRetry.toMillis(), firstRetry.toMillis() << Math.min(attempts.getAndIncrement(), 20)) : 0;
        // known before the listener hears of the loss, so it can say when the next attempt comes
        nextRetryAt = retrying ? Instant.now().plusMillis(delay) : null;
        callListener(() -> listener.onDown(down));
        if (retrying) {
            try {
                retry = retryScheduler.schedule(() -> reconnect(down), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                // the owner is shutting down: nothing to reconnect for
            }
        }
    }

    private void reconnect(Down after) {
        if (isEnded() || !retryWhen.test(after)) {
            return;
        }
        nextRetryAt = null;
        callListener(listener::onReconnect);
        try {
            java.util.function.UnaryOperator<Target> renewal = renew;
            if (renewal != null) {
                target = renewal.apply(target);
            }
            connect(target);
        } catch (RuntimeException e) {
            down(new Down(Cause.CONNECT_FAILED, -1, "", e));
        }
    }

    private static IOException closed() {
        return new IOException("the connection is closed");
    }

    private void callListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            // a bug in a listener must not stop the connection (or the reconnects) it listens to
            LOG.log(Level.WARNING, "a connection listener failed", e);
        }
    }

    /** The JDK listener of one opening. */
    private final class Frames extends WholeTextListener {
        @Override
        public void onOpen(WebSocket webSocket) {
            opened(webSocket);
            webSocket.request(1);
        }

        @Override
        protected void onMessage(String text) {
            callListener(() -> listener.onText(text));
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            down(new Down(Cause.CLOSED, statusCode, reason, null));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            down(new Down(Cause.BROKEN, -1, "", error));
        }
    }

    /** Settings of a {@link ClientConnection}; only the listener is required. */
    public static final class Builder {
        private final HttpClient client;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int maxQueuedSends = 10_000;
        private Listener listener;
        private Duration firstRetry;
        private Duration lastRetry;
        private ScheduledExecutorService retryScheduler;
        private Predicate<Down> retryWhen;

        private Builder(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client must not be null");
        }

        /** How long a connect may take (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout must not be null");
            return this;
        }

        /** How many sends may wait their turn before a send fails at once (default 10,000). */
        public Builder maxQueuedSends(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxQueuedSends must be at least 1");
            }
            this.maxQueuedSends = max;
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener must not be null");
            return this;
        }

        /**
         * Reconnects after a down for which {@code when} holds (asked again when the wait is
         * over), waiting {@code first}, doubling up to {@code last}; the wait starts again at
         * {@code first} after each successful open.
         */
        public Builder reconnect(Duration first, Duration last, ScheduledExecutorService scheduler,
                                 Predicate<Down> when) {
            this.firstRetry = Objects.requireNonNull(first, "first must not be null");
            this.lastRetry = Objects.requireNonNull(last, "last must not be null");
            this.retryScheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
            this.retryWhen = Objects.requireNonNull(when, "when must not be null");
            return this;
        }

        public ClientConnection build() {
            Objects.requireNonNull(listener, "listener must not be null");
            return new ClientConnection(this);
        }
    }
}
