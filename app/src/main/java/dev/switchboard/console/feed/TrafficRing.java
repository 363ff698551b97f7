package dev.switchboard.console.feed;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * One stretch of traffic a session keeps ({@link SessionRecorder#keepTraffic}): the routers'
 * entries as they came, at most {@code maxChars} characters of their JSON (the oldest go first, and
 * what is kept then begins at the first entry still held), with what they are. Its times are on
 * the routers' clock once {@link #clock} said how it stands to the console's. Thread-safe: the
 * recorders' threads add, the keeper sets the rest, a save takes a {@link #snapshot}.
 */
public final class TrafficRing {
    private final long maxChars;
    private final ArrayDeque<Kept> entries = new ArrayDeque<>();
    private long chars;
    private Instant from;
    /** The routers' clock less the console's. */
    private Duration offset = Duration.ZERO;
    private Instant to;
    private List<String> sources;
    private final String content;
    private long dropped;
    private long trimmed;

    /** One entry: its time on the routers' clock and its JSON. */
    private record Kept(Instant at, String json) {
    }

    TrafficRing(long maxChars, Instant consoleFrom, List<String> sources, String content) {
        this.maxChars = maxChars;
        this.from = Objects.requireNonNull(consoleFrom, "consoleFrom must not be null");
        this.sources = List.copyOf(sources);
        this.content = Objects.requireNonNull(content, "content must not be null");
    }

    /** One entry, at {@code at} on the routers' clock; ignored once keeping stopped. */
    public synchronized void add(Instant at, String json) {
        if (to != null) {
            return;
        }
        entries.addLast(new Kept(at, json));
        chars += json.length();
        while (chars > maxChars && entries.size() > 1) {
            chars -= entries.removeFirst().json().length();
            trimmed++;
            from = entries.peekFirst().at();
        }
    }

    /**
     * The routers started recording at {@code routerFrom} on their clock, which the console's clock
     * read as {@code consoleFrom}: what is kept begins then, and the console's times become theirs.
     */
    public synchronized void clock(Instant routerFrom, Instant consoleFrom) {
        offset = Duration.between(consoleFrom, routerFrom);
        if (trimmed == 0) {
            from = routerFrom;
        }
    }

    /** The routers recorded (a cluster's nodes, once they are known). */
    public synchronized void sources(List<String> recorded) {
        sources = List.copyOf(recorded);
    }

    /** Entries the routers could not send since keeping started, in all. */
    public synchronized void dropped(long total) {
        dropped = total;
    }

    /** Keeping stopped at {@code consoleTo} (the console's clock): nothing more is added. */
    public synchronized void stop(Instant consoleTo) {
        if (to == null) {
            to = consoleTo.plus(offset);
        }
    }

    /** Entries held. */
    public synchronized int size() {
        return entries.size();
    }

    /** What is held, as a session saved at {@code consoleNow} would hold it (its end then, while keeping goes on). */
    public synchronized SessionTraffic snapshot(Instant consoleNow) {
        return new SessionTraffic(from, to != null ? to : consoleNow.plus(offset), sources, content, dropped, trimmed,
                entries.stream().map(Kept::json).toList());
    }
}
