package dev.switchboard.router.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.auth.Principal;
import dev.switchboard.router.connections.CloseCodes;
import dev.switchboard.router.connections.ConnectionSink;
import dev.switchboard.router.hooks.SideEndpoint;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.router.protocol.WireId;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@code /monitor} connection. What it may cost the router is bounded: commands go through its
 * own token bucket; snapshots are built on the endpoint's snapshot thread, never on an I/O thread,
 * at most one at a time for this connection; and everything queued to it is counted in bytes, so
 * a monitor that does not read is closed with 1013 instead of filling the heap.
 */
final class MonitorConnection implements SideEndpoint.Session, TrafficRecorder.Recipient {
    private final MonitorEndpoint endpoint;
    private final Principal principal;
    private final ConnectionSink sink;
    private final MonitorLimits limits;
    private final Executor snapshots;
    private final Bucket commands;
    private final AtomicBoolean snapshotInFlight = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong lost = new AtomicLong();
    /** Commands refused since the last admitted one (I/O thread only). */
    private int refusedInARow;
    private volatile RouterFeed.Subscription subscription;
    /** Updates that came before the first snapshot was sent (guarded by this). */
    private final List<MonitorUpdate> held = new ArrayList<>();
    private boolean snapshotSent;

    MonitorConnection(MonitorEndpoint endpoint, Principal principal, ConnectionSink sink, MonitorLimits limits,
                      Executor snapshots) {
        this.endpoint = endpoint;
        this.principal = principal;
        this.sink = sink;
        this.limits = limits;
        this.snapshots = snapshots;
        this.commands = Bucket.builder()
                .addLimit(limit -> limit.capacity(limits.commandBurst())
                        .refillGreedy(limits.commandsPerSecond(), Duration.ofSeconds(1)))
                .build();
    }

    /**
     * Subscribes, then sends the first snapshot (built off the I/O thread): updates that come
     * meanwhile wait for it, so nothing between the snapshot and the first update is lost (the first
     * update may repeat an event the snapshot already holds).
     */
    void start() {
        endpoint.counted(principal.userId(), 1);
        subscription = endpoint.feed().subscribe(this::update);
        Runnable first = () -> {
            try {
                String snapshot = Json.write(endpoint.feed().snapshot().forMonitor(principal.role().wire(),
                        principal.userId()));
                // free before it goes out: a client that asks for a page as soon as it has the
                // snapshot must not find this one still in flight (and be told rate_limited)
                snapshotInFlight.set(false);
                send(snapshot);
            } finally {
                snapshotInFlight.set(false);
                synchronized (this) {
                    snapshotSent = true;
                    held.forEach(this::deliver);
                    held.clear();
                }
            }
        };
        try {
            snapshots.execute(first);
        } catch (RejectedExecutionException e) {
            // the queue filled between the handshake's check and now: the close runs once the socket is open
            endpoint.refused();
            sink.close(CloseCodes.TRY_AGAIN_LATER, "the monitor is busy; try again later");
            closed();
        }
    }

    private synchronized void update(MonitorUpdate update) {
        if (!snapshotSent) {
            if (held.size() < MonitorEndpoint.MAX_PENDING_UPDATES) {
                held.add(update);
            } else {
                lost.addAndGet(update.events().size() + update.dropped());
            }
            return;
        }
        deliver(update);
    }

    private void deliver(MonitorUpdate update) {
        if (sink.pendingFrames() >= MonitorEndpoint.MAX_PENDING_UPDATES) {
            lost.addAndGet(update.events().size() + update.dropped());
            return;
        }
        long earlier = lost.getAndSet(0);
        send(earlier > 0 ? Json.write(update.withDropped(update.dropped() + earlier)) : endpoint.encoded(update));
    }

    @Override
    public void message(String text) {
        if (closed.get()) {
            return;
        }
        JsonNode command = endpoint.parse(text);
        String replyTo = command != null && command.path("message_id").isTextual()
                && WireId.isValid(command.path("message_id").textValue()) ? command.path("message_id").textValue() : null;
        ConsumptionProbe probe = commands.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            endpoint.refused();
            if (++refusedInARow > limits.commandBurst()) {
                // told often enough: a client that keeps going is flooding, and answering it costs the router
                abuse(CloseCodes.POLICY_VIOLATION, "monitor commands kept coming over the rate limit");
                return;
            }
            send(endpoint.rateLimited(replyTo, probe.getNanosToWaitForRefill(),
                    "over " + limits.commandsPerSecond() + " monitor commands a second").toString());
            return;
        }
        refusedInARow = 0;
        if (command == null) {
            send(endpoint.error(ErrorCode.INVALID_JSON, "frame is not valid JSON", null).toString());
            return;
        }
        if (!MonitorEndpoint.isHeavy(command)) {
            send(endpoint.command(principal, command, this).toString());
            return;
        }
        ObjectNode refusal = endpoint.refusalOf(command);
        if (refusal != null) {
            send(refusal.toString()); // wrong arguments are told at once, whatever is being built
            return;
        }
        if (!snapshotInFlight.compareAndSet(false, true)) {
            endpoint.refused();
            send(endpoint.rateLimited(replyTo, Duration.ofMillis(100).toNanos(),
                    "a snapshot or page for this connection is still being built").toString());
            return;
        }
        try {
            snapshots.execute(() -> {
                String answer;
                try {
                    answer = endpoint.command(principal, command).toString();
                } finally {
                    // free before the answer goes out: a client that asks again as soon as it has the
                    // answer must not find this one still in flight
                    snapshotInFlight.set(false);
                }
                send(answer);
            });
        } catch (RejectedExecutionException e) {
            snapshotInFlight.set(false);
            endpoint.refused();
            send(endpoint.error(ErrorCode.OVERLOADED, "the monitor is building too many snapshots; try again",
                    replyTo).toString());
        }
    }

    /**
     * A recording's frame: queued only while half the outbox is free (the updates keep their room, and
     * a connection behind is not closed for a recording: its entries are counted as dropped); its
     * last frame whatever the backlog, within the byte limit.
     */
    @Override
    public boolean offer(String frame, boolean last) {
        if (closed.get()) {
            return false;
        }
        long pending = sink.pendingBytes();
        if (!last && (sink.pendingFrames() >= MonitorEndpoint.MAX_PENDING_UPDATES
                || pending + frame.length() > limits.outboxBytes() / 2)) {
            return false;
        }
        send(frame);
        return true;
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    /** Queues a frame, or closes the connection with 1013 when its outbox is over the byte limit. */
    private void send(String frame) {
        if (closed.get()) {
            return;
        }
        long pending = sink.pendingBytes();
        // (characters: a lower bound of the frame's bytes; the queue itself is counted in bytes)
        if (pending > 0 && pending + frame.length() > limits.outboxBytes()) {
            // the snapshot thread and the update ticker may both get here: one close, counted once
            if (abuse(CloseCodes.TRY_AGAIN_LATER, "monitor outbox overflow: the connection does not read")) {
                endpoint.overflowed();
            }
            return;
        }
        sink.send(frame);
    }

    /**
     * Closes this connection for abuse; the same user may open no monitor connection during the
     * cool-down.
     *
     * @return whether this call closed it (false when another thread closed it first)
     */
    private boolean abuse(int code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        endpoint.coolDown(principal.userId()); // before the place is given back: no new one slips in
        sink.close(code, reason);
        release();
        return true;
    }

    @Override
    public void closed() {
        if (closed.compareAndSet(false, true)) {
            release();
        }
    }

    /** Gives back this connection's place and its subscription (once: the caller won the close). */
    private void release() {
        endpoint.counted(principal.userId(), -1);
        endpoint.recorder().forget(this);
        RouterFeed.Subscription current = subscription;
        if (current != null) {
            current.close();
        }
    }
}
