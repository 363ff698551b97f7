package dev.switchboard.router.agents.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.agents.AgentRequest;
import dev.switchboard.router.agents.AgentResult;
import dev.switchboard.router.agents.AgentRunEvents;
import dev.switchboard.router.agents.BackendFailure;
import dev.switchboard.router.time.Scheduler;
import java.time.Duration;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's HTTP exchange: the request, the response's verdict (2xx and {@code text/event-stream}, or
 * the run fails before it started), the event stream read through {@link SseParser} with back-pressure
 * (one buffer at a time), the contract checks that are the backend's to break, and the four timeouts.
 * Everything here ends in exactly one completion of {@link #outcome()}; the stream is closed (the
 * backend sees its request aborted) when the run ends for any other reason.
 */
final class RunStream implements SseParser.Listener {
    private static final Logger log = LoggerFactory.getLogger(RunStream.class);
    private static final Set<String> STREAMED_TYPES = Set.of("agent_thinking", "tool_executing", "tool_completed");
    private static final String COMPLETED = "agent_completed";
    /** Events up to this size are parsed and cut to 64 KiB; larger ones are dropped unread. */
    private static final int MAX_READ_EVENT_BYTES = 1024 * 1024;

    private final HttpAgentExecutor backend;
    private final AgentRequest request;
    private final AgentRunEvents events;
    private final CompletableFuture<AgentResult> outcome = new CompletableFuture<>();
    private final SseParser parser = new SseParser(MAX_READ_EVENT_BYTES, this);
    private volatile HttpStreams.Exchange exchange;
    private volatile boolean started;
    private volatile boolean sawEvent;
    private volatile boolean finished;
    private volatile long lastHeardNanos;
    private volatile boolean closed;
    private boolean violationLogged;
    private Scheduler.Scheduled firstEventTimer;
    private Scheduler.Scheduled idleTimer;
    private Scheduler.Scheduled totalTimer;

    RunStream(HttpAgentExecutor backend, AgentRequest request, AgentRunEvents events) {
        this.backend = backend;
        this.request = request;
        this.events = events;
    }

    CompletableFuture<AgentResult> outcome() {
        return outcome;
    }

    void begin() {
        HttpBackendSettings settings = backend.settings();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "text/event-stream");
        headers.putAll(settings.headers());
        events.onEnd(this::runEnded);
        if (outcome.isDone()) {
            return; // the run ended before it could be sent (runEnded ran at once)
        }
        lastHeardNanos = backend.ticker().nanoTime();
        totalTimer = schedule(() -> timedOut("the run took longer than " + settings.total().toMillis() + " ms"),
                settings.total().toMillis());
        firstEventTimer = schedule(() -> {
            if (!sawEvent) {
                timedOut("no event within " + settings.firstEvent().toMillis() + " ms");
            }
        }, settings.firstEvent().toMillis());
        exchange = backend.streams().post(settings.url(), headers, body(), settings.connect(),
                request.shadow() ? null : backend.near(request.userId()), new Answer());
        if (closed) {
            exchange.cancel(); // ended while the request was being handed over
        }
    }

    private byte[] body() {
        ObjectNode body = backend.json().createObjectNode();
        body.put("run_id", request.runId());
        body.put("user_id", request.userId());
        body.put("thread_id", request.threadId());
        body.put("agent", request.agent() == null ? backend.name() : request.agent());
        body.put("content", request.content());
        body.set("tools", backend.json().valueToTree(request.tools()));
        body.put("shadow", request.shadow());
        try {
            return backend.json().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run request always serialises", e);
        }
    }

    /** The response's status and headers are in: a stream to read, or a failure before the start. */
    private boolean answer(int status, String contentType) {
        if (status / 100 != 2) {
            fail(BackendFailure.UNAVAILABLE, "HTTP " + status + " from " + backend.settings().safeUrl());
            return false;
        }
        if (!mediaType(contentType).equals("text/event-stream")) {
            fail(BackendFailure.UNAVAILABLE, "content type '" + contentType + "' is not text/event-stream");
            return false;
        }
        if (outcome.isDone()) {
            return false;
        }
        started = true;
        events.started();
        return true;
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public void onComment() {
        heard();
    }

    @Override
    public void onEvent(String type, String data, boolean overflowed) {
        long heardNanos = System.nanoTime(); // the router's part of the event is timed from here (its metrics)
        heard();
        sawEvent = true;
        if (finished) {
            violation("an event after agent_completed (" + abbreviate(type) + ")");
            return;
        }
        if (!type.equals(COMPLETED) && !STREAMED_TYPES.contains(type)) {
            violation("an unknown event type '" + abbreviate(type) + "'");
            return;
        }
        ObjectNode object = overflowed ? truncatedMarker() : parse(type, data);
        if (object == null) {
            return;
        }
        if (type.equals(COMPLETED)) {
            String status = object.path("status").asText();
            if (!status.equals("completed") && !status.equals("failed")) {
                violation("agent_completed with status '" + abbreviate(status) + "' (completed or failed)");
                return;
            }
            finished = true;
            outcome.complete(AgentResult.of(object));
        } else if (!events.emit(type, object, backend.eventWritten(heardNanos))) {
            violation(type.equals("tool_completed")
                    ? "tool_completed for '" + abbreviate(object.path("tool").asText()) + "' which is not executing"
                    : type + " the run could not take");
        }
    }

    private ObjectNode parse(String type, String data) {
        JsonNode node;
        try {
            node = backend.json().readTree(data);
        } catch (JsonProcessingException e) {
            violation(type + " whose data is not JSON");
            return null;
        }
        if (node == null || !node.isObject()) {
            violation(type + " whose data is not a JSON object");
            return null;
        }
        return overEventLimit(data) ? truncate((ObjectNode) node) : (ObjectNode) node;
    }

    /** Whether {@code text} is larger than an event may be in UTF-8, counted without encoding it. */
    private static boolean overEventLimit(String text) {
        if (text.length() * 3L <= HttpBackendSettings.MAX_EVENT_BYTES) {
            return false; // no char takes more than 3 bytes (a pair of surrogates, 4)
        }
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes > HttpBackendSettings.MAX_EVENT_BYTES;
    }

    /** The event's first fields that fit in 64 KiB, then {@code "truncated": true}. */
    private ObjectNode truncate(ObjectNode data) {
        ObjectNode kept = backend.json().createObjectNode();
        int size = 32;
        for (Iterator<Map.Entry<String, JsonNode>> fields = data.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            size += field.getKey().length() + field.getValue().toString().getBytes(StandardCharsets.UTF_8).length + 4;
            if (size > HttpBackendSettings.MAX_EVENT_BYTES) {
                break;
            }
            kept.set(field.getKey(), field.getValue());
        }
        return kept.put("truncated", true);
    }

    private ObjectNode truncatedMarker() {
        return backend.json().createObjectNode().put("truncated", true);
    }

    private synchronized void violation(String what) {
        backend.contractViolated();
        if (!violationLogged) {
            violationLogged = true;
            log.warn("agent backend {} broke the run contract in run {}: {} (dropped; more in this run are counted, "
                    + "not logged)", backend.name(), request.runId(), what);
        }
    }

    private void heard() {
        lastHeardNanos = backend.ticker().nanoTime();
        if (idleTimer == null) {
            idleTimer = scheduleIdleCheck(backend.settings().idle().toMillis());
        }
    }

    /** One idle timer per stream, moved forward by what is heard instead of rescheduled per event. */
    private Scheduler.Scheduled scheduleIdleCheck(long delayMs) {
        return schedule(() -> {
            long quietMs = TimeUnit.NANOSECONDS.toMillis(backend.ticker().nanoTime() - lastHeardNanos);
            long idleMs = backend.settings().idle().toMillis();
            if (quietMs >= idleMs) {
                timedOut("the stream was idle for " + idleMs + " ms");
            } else if (!closed) {
                idleTimer = scheduleIdleCheck(idleMs - quietMs);
            }
        }, delayMs);
    }

    private void timedOut(String detail) {
        fail(BackendFailure.TIMEOUT, detail);
        close();
    }

    /** Fails the run unless it ended already; the stream goes. */
    private void fail(String reason, String detail) {
        outcome.completeExceptionally(new BackendFailure(reason, detail, !started));
        close();
    }

    /** The run ended (its agent_completed, a stop, a timeout, the user gone): the stream goes unless draining. */
    private void runEnded() {
        if (!finished) {
            outcome.completeExceptionally(new java.util.concurrent.CancellationException("the run ended"));
            close();
        }
    }

    private void streamEnded() {
        parser.end();
        if (!outcome.isDone()) {
            outcome.completeExceptionally(new BackendFailure(BackendFailure.STREAM_ENDED,
                    "the stream ended without agent_completed", !started));
        }
        closed = true;
        cancelTimers();
    }

    private void close() {
        closed = true;
        cancelTimers();
        HttpStreams.Exchange current = exchange;
        if (current != null) {
            current.cancel();
        }
    }

    private synchronized void cancelTimers() {
        for (Scheduler.Scheduled timer : new Scheduler.Scheduled[] {firstEventTimer, idleTimer, totalTimer}) {
            if (timer != null) {
                timer.cancel();
            }
        }
    }

    private synchronized Scheduler.Scheduled schedule(Runnable action, long delayMs) {
        return backend.timer().schedule(action, Duration.ofMillis(delayMs));
    }

    static String reasonFor(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof HttpTimeoutException ? BackendFailure.TIMEOUT : BackendFailure.UNAVAILABLE;
    }

    /** A failure in words: "connection refused", not "ConnectException: null". */
    static String describe(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof HttpConnectTimeoutException) {
            return "connecting timed out";
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        if (cause instanceof java.util.concurrent.CancellationException) {
            return "cancelled";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 63) + "…";
    }

    /** The exchange's answer, handed to this stream. */
    private final class Answer implements HttpStreams.Receiver {
        @Override
        public boolean headers(int status, String contentType) {
            return answer(status, contentType);
        }

        @Override
        public void body(ByteBuffer bytes) {
            if (!closed || finished) {
                parser.feed(bytes);
            }
        }

        @Override
        public void end() {
            streamEnded();
        }

        @Override
        public void failed(Throwable cause) {
            if (outcome.isDone() && closed) {
                return; // we closed it
            }
            fail(reasonFor(cause), started ? "the stream broke: " + describe(cause) : describe(cause));
        }
    }
}
