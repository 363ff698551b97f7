package dev.switchboard.console.ui.simulate;

import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.simulate.Recorder;
import dev.switchboard.console.simulate.Recording;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The simulate panel's Record…: records the traffic of whatever the console is attached to (the
 * embedded router, a remote one, a cluster's nodes: {@link ConsoleFeed#recordingSource()}) into a
 * scenario file, which then becomes the chosen scenario. The recorder gathers on its own threads;
 * {@link #tick()}, on the FX thread at the window's 10 Hz, reads its progress at most twice a
 * second, and starting, stopping and writing the file happen on {@code background}: no frame of
 * the recording ever reaches the FX thread. No scene graph.
 */
public final class RecordViewModel {
    /** How long it records when the duration is left as it is. */
    public static final String DEFAULT_DURATION = "10m";
    static final long PROGRESS_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** How long the routers have to confirm the start. */
    static final long START_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** How long the routers have for their last entries after a stop. */
    static final Duration PATIENCE = Duration.ofSeconds(10);
    /** Past the duration, how long before the panel stops a recording whose routers never said it ended. */
    static final long OVERTIME_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** What it says about the masking, in the dialog and the docs. */
    public static final String MASKING = "By default user ids become rec-1, rec-2, … and the router replaces every"
            + " text but ids, types and names with filler of the same length before it leaves the router. Keep"
            + " them only when the file may hold what users wrote.";
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    /** What the panel says when the router refuses a viewer's token. */
    public static final String FORBIDDEN = Recorder.FORBIDDEN;

    /** Where a recording is. */
    public enum Phase { IDLE, STARTING, RECORDING, SAVING }

    /** A recording written: its file and what it holds. */
    private record Saved(Path file, Recording recording, boolean full) {
    }

    private final ConsoleFeed feed;
    private final Path defaultDirectory;
    private final LongSupplier nanos;
    private final Clock clock;
    private final Executor background;
    private final Function<Path, String> recorded;
    private final StringProperty duration = new SimpleStringProperty(this, "duration", DEFAULT_DURATION);
    private final BooleanProperty keepUserIds = new SimpleBooleanProperty(this, "keepUserIds");
    private final BooleanProperty keepContent = new SimpleBooleanProperty(this, "keepContent");
    private final StringProperty file = new SimpleStringProperty(this, "file", "");
    private final ReadOnlyStringWrapper settingsProblem = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Phase> phase = new ReadOnlyObjectWrapper<>(Phase.IDLE);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper failed = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyDoubleWrapper fraction = new ReadOnlyDoubleWrapper(0);
    private final AtomicReference<Object> startOutcome = new AtomicReference<>();
    private final AtomicReference<Object> saveOutcome = new AtomicReference<>();
    private Recorder recorder;
    private Duration recording;
    private Path target;
    private long askedAt;
    private long startedAt;
    private long lastProgress;

    /**
     * @param feed             what the console is attached to
     * @param defaultDirectory where recordings go unless another file is chosen
     * @param nanos            a monotonic clock ({@code System::nanoTime})
     * @param clock            the wall clock that names the files
     * @param background       where starting, stopping and writing run (never the FX thread)
     * @param recorded         told each file written, on the FX thread (the panel chooses it); answers
     *                         what became of it, for the status ({@code now the chosen scenario})
     */
    public RecordViewModel(ConsoleFeed feed, Path defaultDirectory, LongSupplier nanos, Clock clock,
                           Executor background, Function<Path, String> recorded) {
        this.feed = Objects.requireNonNull(feed, "feed must not be null");
        this.defaultDirectory = Objects.requireNonNull(defaultDirectory, "defaultDirectory must not be null");
        this.nanos = Objects.requireNonNull(nanos, "nanos must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.background = Objects.requireNonNull(background, "background must not be null");
        this.recorded = Objects.requireNonNull(recorded, "recorded must not be null");
        duration.addListener((observable, before, text) -> recheck());
        file.addListener((observable, before, text) -> recheck());
        busy.bind(phase.isNotEqualTo(Phase.IDLE));
        suggestFile();
    }

    /**
     * A fresh file name in the directory of the last one ({@code recording-20260315-101500.rec.json}):
     * what the dialog offers each time it opens.
     */
    public void suggestFile() {
        Path directory = defaultDirectory;
        Path last = path(file.get());
        if (last != null && last.toAbsolutePath().getParent() != null) {
            directory = last.toAbsolutePath().getParent();
        }
        file.set(directory.resolve("recording-" + FILE_TIME.format(clock.instant().atZone(ZoneId.systemDefault()))
                + ".rec.json").toString());
    }

    private static Path path(String text) {
        try {
            return text == null || text.isBlank() ? null : Path.of(text.trim());
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    private void recheck() {
        String why;
        try {
            parseDuration(duration.get());
            why = path(file.get()) == null ? "choose a file to save the recording in" : "";
        } catch (IllegalArgumentException e) {
            why = e.getMessage();
        }
        settingsProblem.set(why);
    }

    /** {@code 90s}, {@code 10m}, {@code 1h} (or a number of seconds), from 1 s to 1 h. */
    static Duration parseDuration(String text) {
        String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Duration parsed = null;
        try {
            if (trimmed.matches("\\d{1,7}")) {
                parsed = Duration.ofSeconds(Long.parseLong(trimmed));
            } else if (trimmed.matches("\\d{1,7}\\s*(s|m|h)")) {
                long amount = Long.parseLong(trimmed.replaceAll("\\D", ""));
                parsed = switch (trimmed.charAt(trimmed.length() - 1)) {
                    case 'h' -> Duration.ofHours(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    default -> Duration.ofSeconds(amount);
                };
            }
        } catch (NumberFormatException e) {
            parsed = null;
        }
        if (parsed == null) {
            throw new IllegalArgumentException("the duration is a number of seconds, minutes or hours: 90s, 10m, 1h");
        }
        if (parsed.compareTo(Recorder.SHORTEST) < 0 || parsed.compareTo(Recorder.LONGEST) > 0) {
            throw new IllegalArgumentException("the duration must be from 1 s to 1 h");
        }
        return parsed;
    }

    /** Starts recording with the settings as they are; returns at once (the routers confirm on a later tick). */
    public void start() {
        recheck();
        if (busy.get() || !settingsProblem.get().isEmpty()) {
            return;
        }
        recording = parseDuration(duration.get());
        target = path(file.get()).toAbsolutePath().normalize();
        Recorder next;
        try {
            next = Recorder.of(feed.recordingSource(), recording, keepUserIds.get(), keepContent.get());
        } catch (IllegalArgumentException e) {
            fail("cannot record: " + e.getMessage());
            return;
        }
        recorder = next;
        startOutcome.set(null);
        saveOutcome.set(null);
        failed.set(false);
        fraction.set(0);
        askedAt = nanos.getAsLong();
        phase.set(Phase.STARTING);
        status.set("starting the recording…");
        background.execute(() -> {
            try {
                next.start().whenComplete((ok, failure) -> startOutcome.set(failure != null ? failure : Phase.RECORDING));
            } catch (RuntimeException e) {
                startOutcome.set(e);
            }
        });
    }

    /** Stops the recording; the routers' last entries come, then the file is written. Before the start: cancels it. */
    public void stop() {
        if (phase.get() == Phase.RECORDING) {
            save();
        } else if (phase.get() == Phase.STARTING) {
            release(recorder);
            recorder = null;
            phase.set(Phase.IDLE);
            status.set("recording cancelled before it started");
        }
    }

    /**
     * Applies what happened since the last call: the start's answer, the progress, the file
     * written. Call on the FX thread.
     */
    public void tick() {
        switch (phase.get()) {
            case STARTING -> started();
            case RECORDING -> recording();
            case SAVING -> saved();
            default -> {
            }
        }
    }

    private void started() {
        Object outcome = startOutcome.get();
        if (outcome == null) {
            if (nanos.getAsLong() - askedAt > START_NANOS) {
                release(recorder);
                fail("cannot record: no answer from the router in 30 s");
            }
            return;
        }
        if (outcome instanceof Throwable failure) {
            release(recorder);
            fail(refusal(failure));
            return;
        }
        startedAt = nanos.getAsLong();
        lastProgress = 0;
        phase.set(Phase.RECORDING);
        recording();
    }

    /** Why it could not start, in words: a viewer's token is told what it needs. */
    static String refusal(Throwable failure) {
        return Recorder.whyNot(failure);
    }

    private void recording() {
        long now = nanos.getAsLong();
        long elapsed = now - startedAt;
        if (recorder.ended().isDone() || elapsed > recording.toNanos() + OVERTIME_NANOS) {
            save(); // its time ran out (or every router went away): what came is written
            return;
        }
        if (lastProgress != 0 && now - lastProgress < PROGRESS_NANOS) {
            return;
        }
        lastProgress = now;
        Recorder.Progress progress = recorder.progress();
        fraction.set(Math.min(1, (double) elapsed / recording.toNanos()));
        status.set(progressText(TimeUnit.NANOSECONDS.toSeconds(elapsed), recording.toSeconds(), progress));
    }

    /** {@code recording 12 s of 600 s: 1,234 entries from 56 users, 0 dropped}, and the nodes when more than one. */
    static String progressText(long seconds, long ofSeconds, Recorder.Progress progress) {
        return String.format(Locale.ROOT, "recording %d s of %d s: %,d entries from %,d user%s, %,d dropped%s", seconds,
                ofSeconds, progress.entries(), progress.users(), progress.users() == 1 ? "" : "s", progress.dropped(),
                progress.nodes() > 1 ? " (" + progress.nodes() + " nodes)" : "");
    }

    private void save() {
        Recorder stopping = recorder;
        Path file = target;
        phase.set(Phase.SAVING);
        status.set("stopping: waiting for the last entries, then writing " + file.getFileName() + "…");
        background.execute(() -> {
            try {
                Recording done = stopping.stop(PATIENCE);
                done.write(file, file.getFileName().toString().replaceFirst("\\.json$", "").replaceFirst("\\.rec$", ""));
                saveOutcome.set(new Saved(file, done, stopping.full()));
            } catch (IOException | RuntimeException e) {
                saveOutcome.set(e);
            } finally {
                stopping.close();
            }
        });
    }

    private void saved() {
        Object outcome = saveOutcome.get();
        if (outcome == null) {
            return;
        }
        recorder = null;
        if (outcome instanceof Saved saved) {
            Recording done = saved.recording();
            fraction.set(1);
            phase.set(Phase.IDLE);
            String chosen = recorded.apply(saved.file());
            status.set(String.format(Locale.ROOT, "recorded %,d messages from %,d user%s over %.0f s, %,d entries"
                    + " dropped%s: saved as %s, %s", done.messages(), done.users().size(),
                    done.users().size() == 1 ? "" : "s", done.durationMs() / 1000.0, done.dropped(),
                    saved.full() ? " (more came than a recording keeps)" : "", shown(saved.file()), chosen));
        } else {
            Throwable failure = (Throwable) outcome;
            fail("could not write the recording: " + (failure.getMessage() != null ? failure.getMessage()
                    : failure.toString()));
        }
    }

    /** The file as the operator would type it: relative to the working directory when inside it. */
    private static Path shown(Path file) {
        Path here = Path.of("").toAbsolutePath();
        return file.startsWith(here) ? here.relativize(file) : file;
    }

    private void fail(String why) {
        recorder = null;
        phase.set(Phase.IDLE);
        failed.set(true);
        status.set(why);
    }

    /** Closes a recorder that will not be written, off the FX thread. */
    private void release(Recorder dropped) {
        if (dropped != null) {
            background.execute(dropped::close);
        }
    }

    /** Ends a recording at once, without writing it (the window is closing). */
    public void close() {
        Recorder open = recorder;
        recorder = null;
        if (open != null && phase.get() != Phase.SAVING) {
            release(open);
        }
    }

    /** What is recorded: the feed's source ({@code embedded ws://…/ws}, {@code remote ws://…/monitor}). */
    public String source() {
        return feed.source();
    }

    /** How long to record: {@code 90s}, {@code 10m}, {@code 1h} (1 s to 1 h). */
    public StringProperty durationProperty() {
        return duration;
    }

    /** Keep the users' ids instead of {@code rec-N}. */
    public BooleanProperty keepUserIdsProperty() {
        return keepUserIds;
    }

    /** Keep what users wrote instead of the router's same-length filler. */
    public BooleanProperty keepContentProperty() {
        return keepContent;
    }

    /** The file to write. */
    public StringProperty fileProperty() {
        return file;
    }

    /** What is wrong with the duration or the file, or empty. */
    public ReadOnlyStringProperty settingsProblemProperty() {
        return settingsProblem.getReadOnlyProperty();
    }

    /** Where the recording is. */
    public ReadOnlyObjectProperty<Phase> phaseProperty() {
        return phase.getReadOnlyProperty();
    }

    /** Whether a recording is starting, running or being written. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** The recording's progress, outcome or refusal in words; empty before the first. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Whether the last recording could not start or be written (the status says why). */
    public ReadOnlyBooleanProperty failedProperty() {
        return failed.getReadOnlyProperty();
    }

    /** The share of the duration gone, 0 … 1. */
    public ReadOnlyDoubleProperty fractionProperty() {
        return fraction.getReadOnlyProperty();
    }
}
