package dev.switchboard.console.simulate;

import dev.switchboard.console.feed.RecordingSource;
import dev.switchboard.console.feed.SessionRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Keeps the traffic of what the console is attached to in its session ("Keep traffic in the
 * session"): a {@link Recorder} streaming the routers' entries, content masked by the routers,
 * into the {@link SessionRecorder}, which holds them within its bound and saves them with the
 * session. A router ends a recording after an hour at most: the keeper then starts the next one
 * at once, so that keeping goes on for a whole shift. It stops when asked, or when a router can no
 * longer be recorded (it went away, or refused), and says why. Starting and stopping run on
 * {@code background}; the entries never touch the FX thread. No JavaFX.
 */
public final class TrafficKeeper implements AutoCloseable {
    /** A recording shorter than this that ended by itself is not started again (its router went away). */
    static final Duration SHORTEST_RUN = Duration.ofSeconds(30);

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

    private final Supplier<RecordingSource> source;
    private final SessionRecorder session;
    private final Executor background;
    private final Clock clock;
    private Recorder recorder;
    private long recorderStarted;
    private long droppedBefore;
    private Phase phase = Phase.OFF;
    private String why = "";

    /**
     * @param source     what to record ({@code ConsoleFeed::recordingSource})
     * @param session    where the traffic goes
     * @param background where recordings start and stop (never the FX thread)
     * @param clock      the console's clock (when keeping starts and stops)
     */
    public TrafficKeeper(Supplier<RecordingSource> source, SessionRecorder session, Executor background, Clock clock) {
        this.source = Objects.requireNonNull(source, "source must not be null");
        this.session = Objects.requireNonNull(session, "session must not be null");
        this.background = Objects.requireNonNull(background, "background must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    /** Starts keeping, afresh: what the session kept before goes. Returns at once. */
    public synchronized void start() {
        if (phase == Phase.STARTING || phase == Phase.KEEPING) {
            return;
        }
        droppedBefore = 0;
        why = "";
        RecordingSource from = source.get();
        session.keepTraffic(clock.instant(), sources(from), "masked");
        phase = Phase.STARTING;
        record(from);
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

    /** Starts one recording (the first, or the next after a router ended one). */
    private void record(RecordingSource from) {
        Recorder next;
        try {
            next = Recorder.of(from, Recorder.LONGEST, true, false).streamTo(session::traffic);
        } catch (IllegalArgumentException e) {
            failed(e.getMessage());
            return;
        }
        recorder = next;
        background.execute(() -> {
            try {
                next.start().whenComplete((ok, failure) -> started(next, failure));
            } catch (RuntimeException e) {
                started(next, e);
            }
        });
    }

    private synchronized void started(Recorder started, Throwable failure) {
        if (started != recorder) {
            background.execute(started::close); // stopped meanwhile
            return;
        }
        if (failure != null) {
            recorder = null;
            background.execute(started::close);
            failed(Recorder.whyNot(failure));
            return;
        }
        phase = Phase.KEEPING;
        recorderStarted = System.nanoTime();
        started.ended().whenComplete((ok, ended) -> background.execute(() -> ended(started)));
    }

    /** A router ended a recording (its hour ran out, or it went away): the next one starts. */
    private synchronized void ended(Recorder done) {
        if (done != recorder) {
            return;
        }
        droppedBefore += done.progress().dropped();
        recorder = null;
        background.execute(done::close);
        if (System.nanoTime() - recorderStarted < SHORTEST_RUN.toNanos()) {
            failed("the router stopped the recording after " + Duration.ofNanos(System.nanoTime() - recorderStarted)
                    .toSeconds() + " s (it went away, or its operator stopped it)");
            return;
        }
        record(source.get());
    }

    private void failed(String reason) {
        phase = Phase.FAILED;
        why = reason;
        session.trafficStopped(clock.instant());
        if (session.trafficEntries() == 0) {
            session.forgetTraffic(); // nothing was kept: a saved session holds no empty traffic
        }
    }

    /** Stops keeping; what was kept stays in the session. */
    public synchronized void stop() {
        Recorder open = recorder;
        recorder = null;
        if (open != null) {
            session.trafficDropped(droppedBefore + open.progress().dropped());
            background.execute(open::close);
        }
        if (phase != Phase.FAILED) {
            phase = Phase.OFF;
        }
        session.trafficStopped(clock.instant());
    }

    /** Where it is, and the session's count of entries (tells the session the entries dropped too). */
    public synchronized State state() {
        long dropped = droppedBefore + (recorder != null ? recorder.progress().dropped() : 0);
        if (recorder != null) {
            session.trafficDropped(dropped);
        }
        return new State(phase, session.trafficEntries(), dropped, why);
    }

    @Override
    public void close() {
        stop();
    }
}
