package dev.switchboard.console.ui.session;

import dev.switchboard.console.feed.SessionTraffic;
import dev.switchboard.console.simulate.Recording;
import dev.switchboard.console.simulate.TrafficKeeper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;

/**
 * The File menu's traffic: "Keep traffic in the session" (live: a {@link TrafficKeeper} keeps the
 * routers' traffic, content masked, with the session) and "Save traffic as a recording…" (the traffic
 * kept, live or in a saved session, written as a scenario file that {@code simulate --scenario}
 * replays, user ids mapped to {@code rec-N}). {@link #tick()} runs on the FX thread at the window's
 * 10 Hz and reads the keeper at most twice a second; building and writing the recording run on
 * {@code background}. No scene graph.
 */
public final class TrafficViewModel {
    static final long STATE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** A recording written, or why not. */
    private record Written(Path file, Recording recording, String failure) {
    }

    private final TrafficKeeper keeper;
    private final Supplier<SessionTraffic> traffic;
    private final Executor background;
    private final LongSupplier nanos;
    private final BooleanProperty keeping = new SimpleBooleanProperty(this, "keeping");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyBooleanWrapper saveable = new ReadOnlyBooleanWrapper(this, "saveable");
    private final ReadOnlyBooleanWrapper saving = new ReadOnlyBooleanWrapper(this, "saving");
    private final ReadOnlyStringWrapper savedTo = new ReadOnlyStringWrapper(this, "savedTo", "");
    private final AtomicReference<Written> written = new AtomicReference<>();
    /** What a saved session's traffic holds, once read. */
    private final AtomicReference<String> counted = new AtomicReference<>();
    private String said = "";
    private long lastRead;

    /**
     * @param keeper     keeps the traffic of a live feed; null for a saved session
     * @param traffic    the traffic kept now (the session's; null when none is kept), read on {@code background}
     * @param saveable   whether there is traffic to save at once (a saved session that kept some)
     * @param background where the recording is built and written
     * @param nanos      a monotonic clock
     */
    public TrafficViewModel(TrafficKeeper keeper, Supplier<SessionTraffic> traffic, boolean saveable,
                            Executor background, LongSupplier nanos) {
        this.keeper = keeper;
        this.traffic = Objects.requireNonNull(traffic, "traffic must not be null");
        this.background = Objects.requireNonNull(background, "background must not be null");
        this.nanos = Objects.requireNonNull(nanos, "nanos must not be null");
        this.saveable.set(saveable);
        if (keeper == null && saveable) {
            // a saved session's traffic is read off the FX thread; the tick says what it holds
            background.execute(() -> {
                SessionTraffic kept = traffic.get();
                counted.set(kept == null ? "the session's traffic cannot be read"
                        : String.format(Locale.ROOT, "traffic kept: %,d entries (Ctrl+E saves them as a recording)",
                        kept.entries().size()));
            });
        }
        keeping.addListener((observable, was, on) -> {
            if (keeper == null) {
                return;
            }
            if (on) {
                keeper.start();
            } else {
                keeper.stop();
            }
            lastRead = 0;
        });
    }

    /** Whether keeping can be turned on (a live feed). */
    public boolean live() {
        return keeper != null;
    }

    /** Applies what changed: the keeper's state (twice a second), a recording written. Call on the FX thread. */
    public void tick() {
        String count = counted.getAndSet(null);
        if (count != null && said.isEmpty()) {
            status.set(count);
        }
        Written done = written.getAndSet(null);
        if (done != null) {
            saving.set(false);
            said = done.failure() != null ? "could not write the recording: " + done.failure()
                    : String.format(Locale.ROOT, "wrote %s: %,d messages", done.file().getFileName(),
                    done.recording().messages());
            savedTo.set(done.failure() != null ? "" : String.format(Locale.ROOT, "%s: %,d messages from %,d user%s"
                    + " over %.0f s%nreplay it: switchboard-console simulate --scenario %s", done.file().toAbsolutePath(),
                    done.recording().messages(), done.recording().users().size(),
                    done.recording().users().size() == 1 ? "" : "s", done.recording().durationMs() / 1000.0,
                    done.file().toAbsolutePath()));
            status.set(said);
            lastRead = nanos.getAsLong(); // the outcome stays a moment before the keeper's count
            return;
        }
        long now = nanos.getAsLong();
        if (keeper == null || (lastRead != 0 && now - lastRead < STATE_NANOS * (said.isEmpty() ? 1 : 10))) {
            return;
        }
        lastRead = now;
        said = "";
        TrafficKeeper.State state = keeper.state();
        if (state.phase() == TrafficKeeper.Phase.FAILED && keeping.get()) {
            keeping.set(false); // the menu shows it off; the status says why
        }
        saveable.set(state.entries() > 0);
        status.set(state.text());
    }

    /** Writes the traffic kept as a scenario file, on {@code background}; the status says when it is written. */
    public void save(Path file) {
        if (saving.get()) {
            return;
        }
        saving.set(true);
        status.set("writing " + file.getFileName() + "…");
        background.execute(() -> {
            try {
                SessionTraffic kept = traffic.get();
                if (kept == null) {
                    written.set(new Written(file, null, "no traffic was kept"));
                    return;
                }
                Recording recording = Recording.of(kept, false);
                recording.write(file, file.getFileName().toString().replaceFirst("\\.json$", "")
                        .replaceFirst("\\.rec$", ""));
                written.set(new Written(file, recording, null));
            } catch (IOException | RuntimeException e) {
                written.set(new Written(file, null, e.getMessage() != null ? e.getMessage() : e.toString()));
            }
        });
    }

    /** Stops keeping (the window is closing). */
    public void close() {
        if (keeper != null) {
            keeper.close();
        }
    }

    /** Keep traffic in the session: on starts afresh, off keeps what was kept. */
    public BooleanProperty keepingProperty() {
        return keeping;
    }

    /** What keeping or the last save says; empty when nothing is kept. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The last recording written, in full, with how to replay it (the status's tooltip); empty before. */
    public ReadOnlyStringProperty savedToProperty() {
        return savedTo.getReadOnlyProperty();
    }

    /** Whether traffic was kept, so that it can be saved as a recording. */
    public ReadOnlyBooleanProperty saveableProperty() {
        return saveable.getReadOnlyProperty();
    }

    /** Whether a recording is being written. */
    public ReadOnlyBooleanProperty savingProperty() {
        return saving.getReadOnlyProperty();
    }
}
