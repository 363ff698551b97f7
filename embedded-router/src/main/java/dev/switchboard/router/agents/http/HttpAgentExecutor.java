package dev.switchboard.router.agents.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.agents.AgentExecutor;
import dev.switchboard.router.agents.AgentRequest;
import dev.switchboard.router.agents.AgentResult;
import dev.switchboard.router.agents.AgentRunEvents;
import dev.switchboard.router.agents.BackendFailure;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.router.time.Scheduler;
import dev.switchboard.router.time.Ticker;
import java.time.Duration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent backend reached over HTTP: each run is a {@code POST} answered with a Server-Sent Events
 * stream, turned into the run's events by {@link RunStream} (the protocol of {@code src/docs/agents.md}).
 * Streams are read by the {@link HttpStreams} it is given (the router's: Netty on one I/O thread; else the
 * JDK's client), timeouts are scheduled on the
 * router's timer: no thread per run. Health is asked every few seconds when a health URL is set.
 */
public final class HttpAgentExecutor implements AgentExecutor {
    private static final Logger log = LoggerFactory.getLogger(HttpAgentExecutor.class);

    /** A failure the console shows: what and when. */
    public record LastFailure(String reason, String detail, Instant at) {
    }

    private final String name;
    private final HttpBackendSettings settings;
    private final Scheduler timer;
    private final Ticker ticker;
    private final HttpStreams streams;
    private final boolean ownsStreams;
    private final HttpClient healthClient;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder contractViolations = new LongAdder();
    private final AtomicReference<LastFailure> lastFailure = new AtomicReference<>();
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final CompletableFuture<Void> firstHealthCheck = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile LongConsumer eventTimer;
    private volatile Function<String, Executor> userThread = userId -> null;

    /**
     * @param name     the backend's name
     * @param settings where and how
     * @param timer    the router's scheduler, for timeouts and health checks
     * @param ticker   the router's nanosecond source, for the idle timer
     * @param streams  how runs are posted and read (not closed here), or null for a JDK client of its own
     */
    public HttpAgentExecutor(String name, HttpBackendSettings settings, Scheduler timer, Ticker ticker,
                             HttpStreams streams) {
        this.name = Objects.requireNonNull(name, "name must not be null");
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.timer = Objects.requireNonNull(timer, "timer must not be null");
        this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
        this.streams = streams != null ? streams : new JdkHttpStreams(name, settings.connect());
        this.ownsStreams = streams == null;
        // health checks are rare: the JDK client's selector thread runs their callbacks too
        this.healthClient = settings.healthUrl() == null ? null : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.connect())
                .followRedirects(HttpClient.Redirect.NEVER).executor(Runnable::run).build();
        if (settings.healthUrl() == null) {
            firstHealthCheck.complete(null);
        } else {
            timer.schedule(this::checkHealth, Duration.ZERO);
        }
    }

    @Override
    public String name() {
        return name;
    }

    public HttpBackendSettings settings() {
        return settings;
    }

    /** Completes after the first health check (whatever it found), so the router starts knowing. */
    @Override
    public CompletionStage<Void> warmUp() {
        return firstHealthCheck;
    }

    @Override
    public boolean isHealthy() {
        return healthy.get();
    }

    @Override
    public boolean announcesStart() {
        return true;
    }

    /** Runs streaming now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Events the backend sent that broke the run contract (dropped). */
    public long contractViolations() {
        return contractViolations.sum();
    }

    /** The latest failed run or health check, or null. */
    public LastFailure lastFailure() {
        return lastFailure.get();
    }

    @Override
    public CompletionStage<AgentResult> execute(AgentRequest request, AgentRunEvents events) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(
                    new BackendFailure(BackendFailure.UNAVAILABLE, "backend " + name + " is closed", true));
        }
        if (inFlight.incrementAndGet() > settings.maxInFlight()) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(new BackendFailure(BackendFailure.UNAVAILABLE,
                    "backend " + name + " has " + settings.maxInFlight() + " runs in flight (max_in_flight)", true));
        }
        RunStream stream = new RunStream(this, request, events);
        stream.outcome().whenComplete((result, failure) -> {
            inFlight.decrementAndGet();
            if (failure instanceof BackendFailure backendFailure) {
                lastFailure.set(new LastFailure(backendFailure.reason(), backendFailure.getMessage(), Instant.now()));
            }
        });
        stream.begin();
        return stream.outcome();
    }

    HttpStreams streams() {
        return streams;
    }

    Scheduler timer() {
        return timer;
    }

    Ticker ticker() {
        return ticker;
    }

    ObjectMapper json() {
        return Json.mapper();
    }

    void contractViolated() {
        contractViolations.increment();
    }

    /**
     * Times each event of this backend's runs from its read off the stream to its frame written to
     * the user's first connection, in nanoseconds (the router's metrics); null stops timing.
     */
    public void timeEvents(LongConsumer nanos) {
        this.eventTimer = nanos;
    }

    /**
     * Where a user's run streams are best read: the I/O thread of one of the user's connections, or
     * null (see {@link HttpStreams#post(java.net.URI, java.util.Map, byte[], Duration, Executor,
     * HttpStreams.Receiver)}). The router gives its connections'.
     */
    public void readNear(Function<String, Executor> userThread) {
        this.userThread = Objects.requireNonNull(userThread, "userThread must not be null");
    }

    /** The thread to read {@code userId}'s run streams on, or null. */
    Executor near(String userId) {
        return userThread.apply(userId);
    }

    /** What {@link RunStream} runs once an event read at {@code heardNanos} is written, or null when untimed. */
    Runnable eventWritten(long heardNanos) {
        LongConsumer timer = eventTimer;
        return timer == null ? null : () -> timer.accept(System.nanoTime() - heardNanos);
    }

    private void checkHealth() {
        if (closed.get()) {
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(settings.healthUrl())
                .timeout(settings.connect().plus(settings.connect()))
                .GET().build();
        healthClient.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            boolean up = failure == null && response.statusCode() / 100 == 2;
            boolean was = healthy.getAndSet(up);
            if (was != up) {
                String why = failure != null ? RunStream.describe(failure) : "HTTP " + response.statusCode();
                if (up) {
                    log.info("agent backend {} is healthy again ({})", name, settings.safeUrl());
                } else {
                    log.warn("agent backend {} is unhealthy: {} from {}", name, why, settings.healthUrl());
                    lastFailure.set(new LastFailure("unhealthy", why, Instant.now()));
                }
            }
            firstHealthCheck.complete(null);
            if (!closed.get()) {
                try {
                    timer.schedule(this::checkHealth, settings.healthInterval());
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    // the router is stopping
                }
            }
        });
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (ownsStreams) {
                streams.close();
            }
            firstHealthCheck.complete(null);
        }
    }
}
