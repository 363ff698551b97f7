package dev.switchboard.console.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.console.feed.RecordingSource;
import dev.switchboard.console.feed.SessionRecorder;
import dev.switchboard.console.feed.TrafficRing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps the traffic of what the console is attached to in its session ("Keep traffic in the
 * session"): a {@link Recorder} streaming the routers' entries, content masked by the routers, into
 * a {@link TrafficRing} of the {@link SessionRecorder}, which holds them within its bound and saves
 * them with the session.
 *
 * <p>A router ends a recording after an hour at most, so the keeper starts the next one a minute
 * before (its {@code overlap}) and hands over without a gap or a duplicate: once the next one has
 * started, it picks a moment {@code T} a little ahead on the routers' clock (no entry of {@code T}
 * or later has come yet); the old one's entries count only before {@code T}, the new one's only
 * from {@code T} (both recordings see every frame in between), and the old one is let go a little
 * after {@code T} (its last entries before {@code T} still on their way). A recording that ends otherwise (its router went
 * away or restarted, or the next one could not start) stops the keeping, which says why; what was
 * kept stays. Every callback runs on {@code background}, never inside a recorder's lock, and the
 * entries never touch the FX thread. No JavaFX.
 */
public final class TrafficKeeper implements AutoCloseable {
    /** How long before a recording ends the next one starts. */
    static final Duration OVERLAP = Duration.ofMinutes(1);
    /** How far ahead of the routers' clock the hand-over is, at most (a quarter of the overlap if less). */
    static final Duration MARGIN = Duration.ofSeconds(2);
    /** How long after the hand-over the old recording is still read, at most (the overlap's quarter if less). */
    static final Duration GRACE = Duration.ofSeconds(5);

    /** Where keeping is. */
    public enum Phase { OFF, STARTING, KEEPING, FAILED }

    /**
     * What the keeper says.
     *
     * @param phase   where it is
     * @param entries traffic entries the session holds
     * @param dropped entries the routers could not send since keeping started
     * @param why     for {@link Phase#FAILED}: why it stopped or could not start
     */
    public record State(Phase phase, int entries, long dropped, String why) {
        /** In words, for the status bar: {@code keeping traffic: 1,234 entries, 0 dropped}. */
        public String text() {
            return switch (phase) {
                case OFF -> entries == 0 ? "" : String.format(Locale.ROOT, "traffic kept: %,d entries", entries);
                case STARTING -> "keeping traffic: starting…";
                case KEEPING -> String.format(Locale.ROOT, "keeping traffic: %,d entries, %,d dropped", entries,
                        dropped);
                case FAILED -> "not keeping traffic: " + why;
            };
        }
    }

    /** One recording and the part of its entries that counts. */
    private final class Run {
        final Recorder recorder;
        final TrafficRing ring;
        final Instant consoleStart;
        /** Its entries count from this moment on the routers' clock (the hand-over to it), or from the start. */
        volatile Instant from;
        /** Its entries count only before this moment (the hand-over to the next), or to the end. */
        volatile Instant before;
        volatile boolean retired;

        /** @param counting whether its entries count from the start (the first), or only once it took over */
        Run(Recorder recorder, TrafficRing ring, Instant consoleStart, boolean counting) {
            this.recorder = recorder.streamTo(this::entry);
            this.ring = ring;
            this.consoleStart = consoleStart;
            this.from = counting ? null : Instant.MAX;
        }

        private void entry(JsonNode entry) {
            if (retired) {
                return;
            }
            Instant at;
            try {
                at = Instant.parse(entry.path("at").asText());
            } catch (java.time.format.DateTimeParseException e) {
                at = clock.instant();
            }
            Instant start = from;
            Instant end = before;
            if ((start == null || !at.isBefore(start)) && (end == null || at.isBefore(end))) {
                ring.add(at, entry.toString());
            }
        }
    }

    private final Supplier<RecordingSource> source;
    private final SessionRecorder session;
    private final Executor background;
    private final Clock clock;
    private final Duration each;
    private final Duration overlap;
    private TrafficRing ring;
    private Run current;
    private Run next;
    private long droppedDone;
    private Phase phase = Phase.OFF;
    private String why = "";

    /**
     * @param source     what to record ({@code ConsoleFeed::recordingSource})
     * @param session    where the traffic goes
     * @param background where recordings start and stop and their callbacks run (never the FX thread)
     * @param clock      the console's clock
     */
    public TrafficKeeper(Supplier<RecordingSource> source, SessionRecorder session, Executor background, Clock clock) {
        this(source, session, background, clock, Recorder.LONGEST, OVERLAP);
    }

    /** As above, with recordings of {@code each}, the next one started {@code overlap} before one ends. */
    TrafficKeeper(Supplier<RecordingSource> source, SessionRecorder session, Executor background, Clock clock,
                  Duration each, Duration overlap) {
        this.source = Objects.requireNonNull(source, "source must not be null");
        this.session = Objects.requireNonNull(session, "session must not be null");
        this.background = Objects.requireNonNull(background, "background must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.each = Objects.requireNonNull(each, "each must not be null");
        this.overlap = Objects.requireNonNull(overlap, "overlap must not be null");
        if (overlap.compareTo(each) >= 0) {
            throw new IllegalArgumentException("the overlap must be shorter than a recording");
        }
    }

    /** Starts keeping, afresh (what the session kept before goes once this keeping runs). Returns at once. */
    public synchronized void start() {
        if (phase == Phase.STARTING || phase == Phase.KEEPING) {
            return;
        }
        why = "";
        droppedDone = 0;
        RecordingSource from = source.get();
        ring = session.keepTraffic(clock.instant(), sources(from), "masked");
        phase = Phase.STARTING;
        launch(from, true);
    }

    private static List<String> sources(RecordingSource from) {
        if (from instanceof RecordingSource.InProcess here) {
            return List.of(here.router().clientUri() + " (in process)");
        }
        if (from instanceof RecordingSource.Monitors monitors) {
            return monitors.monitors().stream().map(Object::toString).toList();
        }
        return List.of();
    }

    /** Starts a recording: the first, or the next one before the current one ends. */
    private void launch(RecordingSource from, boolean first) {
        Run run;
        try {
            run = new Run(Recorder.of(from, each, true, false), ring, clock.instant(), first);
        } catch (IllegalArgumentException e) {
            if (first) {
                session.abandonTraffic(ring);
                failed(e.getMessage());
            }
            return; // a next one that cannot be: the current one ends, and says so then
        }
        if (first) {
            current = run;
        } else {
            next = run;
        }
        background.execute(() -> {
            try {
                run.recorder.start().whenCompleteAsync((ok, failure) -> started(run, failure), background);
            } catch (RuntimeException e) {
                started(run, e);
            }
        });
    }

    private synchronized void started(Run run, Throwable failure) {
        if (run != current && run != next) {
            retire(run); // stopped meanwhile
            return;
        }
        if (failure != null) {
            retire(run);
            if (run == current) {
                current = null;
                session.abandonTraffic(ring);
                failed(Recorder.whyNot(failure));
            } else {
                next = null;
                why = Recorder.whyNot(failure); // said when the current one ends
            }
            return;
        }
        Instant routerStart = run.recorder.routerStart();
        if (run == current) {
            ring.clock(routerStart, run.consoleStart);
            session.confirmTraffic(ring);
            phase = Phase.KEEPING;
        } else {
            // the hand-over, at a moment ahead of the routers' clock now (their start plus the time
            // since, plus a margin): no entry of then or later has come yet
            Duration margin = min(MARGIN, overlap.dividedBy(4));
            Duration since = Duration.between(run.consoleStart, clock.instant());
            Instant handOver = routerStart.plus(since.isNegative() ? Duration.ZERO : since).plus(margin);
            Run old = current;
            old.before = handOver;
            run.from = handOver;
            current = run;
            next = null;
            why = ""; // an earlier renewal's failure is past
            CompletableFuture.delayedExecutor(since.plus(margin).plus(min(GRACE, overlap.dividedBy(4))).toMillis(),
                    TimeUnit.MILLISECONDS, background).execute(() -> retireLater(old));
        }
        ring.sources(run.recorder.sources());
        run.recorder.ended().whenCompleteAsync((ok, ended) -> ended(run), background);
        CompletableFuture.delayedExecutor(each.minus(overlap).toMillis(), TimeUnit.MILLISECONDS, background)
                .execute(() -> renew(run));
    }

    private static Duration min(Duration one, Duration other) {
        return one.compareTo(other) <= 0 ? one : other;
    }

    /** A minute before {@code run} ends: the next one starts. */
    private synchronized void renew(Run run) {
        if (run == current && next == null && phase == Phase.KEEPING) {
            launch(source.get(), false);
        }
    }

    /** A recording ended by itself: the current one's end stops the keeping (an old one's is expected). */
    private synchronized void ended(Run run) {
        if (run != current) {
            return;
        }
        current = null;
        retire(run);
        if (next != null) {
            retire(next);
            next = null;
        }
        failed(why.isEmpty() ? "the router ended the recording (it went away or restarted)"
                : "the next recording could not start: " + why);
    }

    private synchronized void retireLater(Run old) {
        if (old != current) {
            retire(old);
        }
    }

    /** Lets a recording go: its entries stop counting, its drops are added, it is closed on {@code background}. */
    private void retire(Run run) {
        if (run.retired) {
            return;
        }
        run.retired = true;
        droppedDone += run.recorder.progress().dropped();
        run.ring.dropped(droppedDone);
        background.execute(run.recorder::close);
    }

    private void failed(String reason) {
        phase = Phase.FAILED;
        why = reason;
        if (ring != null) {
            ring.stop(clock.instant());
        }
    }

    /** Stops keeping; what was kept stays in the session. */
    public synchronized void stop() {
        for (Run run : new Run[] {current, next}) {
            if (run != null) {
                retire(run);
            }
        }
        current = null;
        next = null;
        if (phase != Phase.FAILED) {
            phase = Phase.OFF;
        }
        if (ring != null) {
            ring.stop(clock.instant());
        }
    }

    /** Where it is, and the session's count of entries (tells the session the entries dropped too). */
    public synchronized State state() {
        long dropped = droppedDone;
        for (Run run : new Run[] {current, next}) {
            if (run != null && !run.retired) {
                dropped += run.recorder.progress().dropped();
            }
        }
        if (ring != null && (phase == Phase.KEEPING || phase == Phase.STARTING)) {
            ring.dropped(dropped);
        }
        return new State(phase, session.trafficEntries(), dropped, why);
    }

    @Override
    public void close() {
        stop();
    }
}
