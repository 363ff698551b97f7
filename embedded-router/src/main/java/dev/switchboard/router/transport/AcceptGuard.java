package dev.switchboard.router.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits on the listening socket. Hands each new socket to the server (which may refuse it), and
 * survives running out of file descriptors: a failed accept ({@code EMFILE}, {@code ENFILE})
 * pauses accepting, with the listener left open, and accepting resumes as soon as a descriptor can
 * be had again (tried with back-off from 50 ms to 1 s). Logged once when it starts and once when it
 * ends, not once per failed accept.
 */
final class AcceptGuard extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AcceptGuard.class);
    private static final long FIRST_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 1_000;

    private final Predicate<Channel> admit;
    private final Consumer<ListenerStatus> status;
    private final TransportStats stats;
    private final Clock clock;
    private boolean paused;
    private Instant pausedAt;
    private long failures;
    private long backoffMs = FIRST_BACKOFF_MS;
    private boolean resumeScheduled;
    private Instant lastWarning = Instant.MIN;

    /**
     * @param admit  takes a new socket on (true) or refuses it (false: it is closed at once)
     * @param status hears whether the listener is accepting
     */
    AcceptGuard(Predicate<Channel> admit, Consumer<ListenerStatus> status, TransportStats stats, Clock clock) {
        this.admit = admit;
        this.status = status;
        this.stats = stats;
        this.clock = clock;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        if (!admit.test(child)) {
            child.unsafe().closeForcibly();
            return;
        }
        ctx.fireChannelRead(child);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            log.warn("unexpected error on the listening socket", cause);
            return;
        }
        stats.acceptFailed();
        failures++;
        ctx.channel().config().setAutoRead(false);
        if (!paused) {
            paused = true;
            pausedAt = clock.instant();
            backoffMs = FIRST_BACKOFF_MS;
            if (Duration.between(lastWarning, pausedAt).toSeconds() >= 60) {
                lastWarning = pausedAt;
                log.warn("cannot accept connections on {}: {}; accepting paused, the listener stays open and"
                        + " accepting resumes when descriptors free up", ctx.channel().localAddress(), cause.getMessage());
            }
            status.accept(new ListenerStatus(ListenerStatus.State.PAUSED, pausedAt,
                    "cannot accept connections: " + cause.getMessage()));
        }
        scheduleResume(ctx);
    }

    private void scheduleResume(ChannelHandlerContext ctx) {
        if (resumeScheduled) {
            return;
        }
        resumeScheduled = true;
        ctx.executor().schedule(() -> tryResume(ctx), backoffMs, TimeUnit.MILLISECONDS);
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }

    private void tryResume(ChannelHandlerContext ctx) {
        resumeScheduled = false;
        if (!ctx.channel().isOpen()) {
            return;
        }
        // a descriptor we can open and close again means accepting can work again
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.isOpen();
        } catch (IOException e) {
            scheduleResume(ctx);
            return;
        }
        if (paused) {
            paused = false;
            log.warn("accepting connections again on {} after {} failed accepts over {} ms",
                    ctx.channel().localAddress(), failures,
                    Duration.between(pausedAt, clock.instant()).toMillis());
            failures = 0;
            status.accept(new ListenerStatus(ListenerStatus.State.LISTENING, clock.instant(), null));
        }
        ctx.channel().config().setAutoRead(true);
    }
}
