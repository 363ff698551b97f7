package dev.switchboard.console.ui.simulate;

import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.simulate.Scenario;
import dev.switchboard.console.simulate.SimReport;
import dev.switchboard.console.simulate.Simulation;
import dev.switchboard.console.simulate.VirtualUser;
import dev.switchboard.console.ui.common.NaturalOrder;
import dev.switchboard.console.simulate.ScenarioCatalog;
import dev.switchboard.console.simulate.SimulationTarget;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The simulate panel's state: the chosen scenario and user count, and a running simulation seen
 * through {@link #tick()}. The window's 10 Hz tick calls it on the FX thread; it polls the
 * simulation's progress at most twice a second (the one place that does, since every poll ends
 * a latency interval) and its per-user rows at most once a second, so the simulation's traffic
 * never reaches the FX thread message by message. It owns the panel's recording
 * ({@link #recording()}), ticked with it, whose file becomes the chosen scenario. No scene graph.
 */
public final class SimulateViewModel {
    /** Chart points kept: 120 s at two a second. */
    static final int CHART_POINTS = 240;
    /** Chart window in seconds. */
    static final double CHART_SECONDS = 120;
    /** Per-user rows shown, most problems first. */
    static final int ROWS_SHOWN = 200;
    static final long PROGRESS_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    static final long ROWS_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * How long after the report the tiles keep following the users' closes, at most: each close
     * is bounded (2 s for the router's answer, then the socket is dropped), so this is a bound for
     * a machine too busy to run them, not the usual time.
     */
    static final long CLOSES_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Says that the load and the router it measures share this process (and its CPU and heap). */
    static final String IN_PROCESS_NOTE = "The simulator runs in this process beside the embedded router:"
            + " its figures include the console's own load.";

    /** The rows' default order: most isolation violations, then most errors, then by user id as people count. */
    static final Comparator<VirtualUser.UserRow> MOST_PROBLEMS_FIRST = Comparator
            .comparingLong(VirtualUser.UserRow::isolationViolations).reversed()
            .thenComparing(Comparator.comparingLong(VirtualUser.UserRow::errors).reversed())
            .thenComparing(VirtualUser.UserRow::user, NaturalOrder.INSTANCE);

    private final ConsoleFeed feed;
    private final LongSupplier nanos;
    private final UnaryOperator<String> env;
    private final String unavailable;
    private final ObservableList<Path> scenarioFiles = FXCollections.observableArrayList();
    private final ObjectProperty<Path> scenarioFile = new SimpleObjectProperty<>(this, "scenarioFile");
    private final StringProperty users = new SimpleStringProperty(this, "users", "");
    private final StringProperty secretEnv = new SimpleStringProperty(this, "secretEnv", "");
    private final StringProperty urls = new SimpleStringProperty(this, "urls", "");
    private final ReadOnlyObjectWrapper<Scenario> scenario = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper note = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper inProcessNote = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("ready");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper startable = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyObjectWrapper<Simulation.Progress> progress = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<SimReport> report = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper rowsCaption = new ReadOnlyStringWrapper("");
    private final ObservableList<LatencySample> latency = FXCollections.observableArrayList();
    private final ObservableList<VirtualUser.UserRow> rows = FXCollections.observableArrayList();
    private final ObservableList<LatencyRow> latencyRows = FXCollections.observableArrayList();
    private final ObservableList<Path> scenarioFilesView = FXCollections.unmodifiableObservableList(scenarioFiles);
    private final ObservableList<LatencySample> latencyView = FXCollections.unmodifiableObservableList(latency);
    private final ObservableList<VirtualUser.UserRow> rowsView = FXCollections.unmodifiableObservableList(rows);
    private final ObservableList<LatencyRow> latencyRowsView = FXCollections.unmodifiableObservableList(latencyRows);
    private final java.util.concurrent.ExecutorService recordingThread;
    private final RecordViewModel recording;
    /** A recording written while a simulation ran: chosen as the scenario once it is done. */
    private Path recordedWhileBusy;
    private String loadProblem = "";
    private Attempt attempt;
    private Simulation simulation;
    private boolean stopRequested;
    private long lastProgress;
    private long lastRows;
    /** When the simulation was first seen draining, in its own ms since start; -1 before. */
    private long drainingSinceMs = -1;
    /** Until when (nanos) the tiles follow the closes after the report; 0 when they do not. */
    private long closesUntil;

    /**
     * @param feed    the router the console is attached to (the simulation's target)
     * @param catalog the shipped scenarios to offer
     * @param nanos   a monotonic clock ({@code System::nanoTime})
     * @param env     reads environment variables ({@code System::getenv})
     */
    public SimulateViewModel(ConsoleFeed feed, ScenarioCatalog catalog, LongSupplier nanos, UnaryOperator<String> env) {
        this.feed = Objects.requireNonNull(feed, "feed must not be null");
        this.nanos = Objects.requireNonNull(nanos, "nanos must not be null");
        this.env = Objects.requireNonNull(env, "env must not be null");
        this.unavailable = feed.injectionUnavailable();
        scenarioFiles.setAll(catalog.files());
        scenarioFile.addListener((observable, before, file) -> load(file));
        users.addListener((observable, before, text) -> recheck());
        urls.addListener((observable, before, text) -> recheck());
        if (unavailable != null) {
            note.set("Simulation needs a live router: " + unavailable + ".");
        } else if (catalog.directory() == null) {
            note.set("No src/scenarios here or in the parent directory: open a scenario file.");
        }
        catalog.files().stream().filter(file -> file.getFileName().toString().equals("smoke.json")).findFirst()
                .or(() -> catalog.files().stream().findFirst())
                .ifPresent(scenarioFile::set);
        this.recordingThread = java.util.concurrent.Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "console-recording");
            thread.setDaemon(true);
            return thread;
        });
        this.recording = new RecordViewModel(feed, catalog.directory() != null
                ? catalog.directory().resolve(ScenarioCatalog.RECORDINGS) : Path.of(System.getProperty("user.home")),
                nanos, java.time.Clock.systemDefaultZone(), recordingThread, this::recorded);
        recheck();
    }

    /** The panel's Record…: its settings, progress and outcome. */
    public RecordViewModel recording() {
        return recording;
    }

    /** What the panel says once a recording is the chosen scenario. */
    static final String CHOSEN = "now the chosen scenario";
    /** What it says when a simulation runs as the recording is written. */
    static final String CHOSEN_AFTER = "the chosen scenario once this simulation is done";

    /**
     * A recording was written: it becomes the chosen scenario (after the simulation running now, if
     * one is); says which.
     */
    private String recorded(Path file) {
        // listed before it is chosen: a combo box whose value comes before its item shows it blank
        if (!scenarioFiles.contains(file)) {
            scenarioFiles.add(file);
        }
        if (busy.get()) {
            recordedWhileBusy = file;
            return CHOSEN_AFTER;
        }
        choose(file);
        return CHOSEN;
    }

    private void choose(Path file) {
        if (file.equals(scenarioFile.get())) {
            load(file); // written again under the same name: read anew
        } else {
            scenarioFile.set(file);
        }
    }

    private void load(Path file) {
        loadProblem = "";
        if (file == null) {
            scenario.set(null);
        } else {
            if (!scenarioFiles.contains(file)) {
                scenarioFiles.add(file);
            }
            try {
                scenario.set(Scenario.read(file));
            } catch (IOException | IllegalArgumentException e) {
                scenario.set(null);
                loadProblem = "cannot use " + file.getFileName() + ": " + e.getMessage();
            }
        }
        recheck();
    }

    private void recheck() {
        String why = unavailable != null ? "simulation needs a live router: " + unavailable
                : scenario.get() == null ? (loadProblem.isEmpty() ? "choose a scenario" : loadProblem)
                : usersProblem();
        if (why.isEmpty()) {
            why = urlsProblem();
        }
        inProcessNote.set(inProcess() ? IN_PROCESS_NOTE : "");
        problem.set(why);
        startable.set(why.isEmpty() && !busy.get());
    }

    private String usersProblem() {
        String text = users.get() == null ? "" : users.get().trim();
        if (text.isEmpty()) {
            return "";
        }
        try {
            int count = Integer.parseInt(text);
            int groups = scenario.get().groups().size();
            return count < groups || count > 100_000 ? "users must be " + groups + " to 100000" : "";
        } catch (NumberFormatException e) {
            return "users must be a whole number";
        }
    }

    private String urlsProblem() {
        try {
            RouterUrls.parse(urls.get());
            return "";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * Whether the users would connect to a router in this process: the attached router when no
     * URLs are typed (and it is the embedded one), or a typed URL naming it.
     */
    private boolean inProcess() {
        List<URI> here = feed.inProcessClientUris();
        if (here.isEmpty()) {
            return false;
        }
        List<URI> typed;
        try {
            typed = RouterUrls.parse(urls.get());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return typed.isEmpty() || typed.stream()
                .anyMatch(url -> here.stream().anyMatch(own -> RouterUrls.sameEndpoint(url, own)));
    }

    /** The scenario as it will run: the chosen file with the user count, if one is given. */
    Scenario effectiveScenario() {
        String text = users.get() == null ? "" : users.get().trim();
        return text.isEmpty() ? scenario.get() : ScenarioCatalog.withUsers(scenario.get(), Integer.parseInt(text));
    }

    /** Finds how to connect, then starts the scenario against the router; returns at once. */
    public void start() {
        recheck();
        if (!startable.get()) {
            return;
        }
        Scenario run = effectiveScenario();
        closeSimulation();
        progress.set(null);
        report.set(null);
        latency.clear();
        rows.clear();
        latencyRows.clear();
        rowsCaption.set("");
        lastProgress = 0;
        lastRows = 0;
        drainingSinceMs = -1;
        closesUntil = 0;
        stopRequested = false;
        Attempt next = new Attempt(run, RouterUrls.parse(urls.get()));
        attempt = next;
        busy.set(true);
        recheck();
        status.set("asking the router how to connect…");
        note.set("");
        try {
            SimulationTarget.resolve(feed, run, secretEnv.get(), env)
                    .whenComplete((target, failure) -> next.launch(target, failure));
        } catch (RuntimeException e) {
            next.outcome.set(e);
        }
    }

    /**
     * Ends sending and lets the simulation drain (its report follows); a second stop while
     * draining, or a stop before the start, ends it at once.
     */
    public void stop() {
        if (simulation != null && busy.get()) {
            // not simulation.progress() here: each call ends a latency interval, and tick() owns that
            Simulation.Progress last = progress.get();
            boolean draining = last != null && last.phase() == Simulation.Phase.DRAINING;
            if (!stopRequested && !draining) {
                stopRequested = true;
                simulation.stop();
                status.set("stopping: draining outstanding replies and runs");
            } else {
                status.set("stopping at once");
                simulation.close();
            }
        } else if (attempt != null && busy.get()) {
            attempt.cancel();
            attempt = null;
            busy.set(false);
            status.set("stopped before it started");
            recheck();
        }
    }

    /** Applies what the simulation did since the last call. Call on the FX thread. */
    public void tick() {
        recording.tick();
        if (!busy.get() && recordedWhileBusy != null) {
            choose(recordedWhileBusy);
            recordedWhileBusy = null;
        }
        if (!busy.get()) {
            followCloses();
            return;
        }
        if (attempt == null) {
            return;
        }
        if (simulation == null) {
            Object outcome = attempt.outcome.get();
            if (outcome instanceof Throwable failure) {
                failed("could not start: " + reason(failure));
                return;
            }
            if (!(outcome instanceof Simulation started)) {
                return;
            }
            simulation = started;
            note.set(attempt.how);
            status.set("running");
        }
        if (report.get() == null && simulation.report().isDone()) {
            finish();
            return;
        }
        long now = nanos.getAsLong();
        if (lastProgress == 0 || now - lastProgress >= PROGRESS_NANOS) {
            lastProgress = now;
            apply(simulation.progress());
        }
        if (lastRows == 0 || now - lastRows >= ROWS_NANOS) {
            lastRows = now;
            showRows(simulation.userRows());
        }
    }

    /**
     * After the report the users close their connections (a clean close takes a moment): the
     * progress keeps coming, at the same pace, until nobody is connected, so that "connected now"
     * ends at 0 and not at the count the report was made at.
     */
    private void followCloses() {
        if (closesUntil == 0 || simulation == null) {
            return;
        }
        long now = nanos.getAsLong();
        Simulation.Progress last = progress.get();
        if (now - closesUntil > 0 || last == null || last.connectedUsers() == 0) {
            closesUntil = 0;
            return;
        }
        if (now - lastProgress >= PROGRESS_NANOS) {
            lastProgress = now;
            // no chart point: the run is over, and its last interval is already drawn
            progress.set(simulation.progress());
        }
    }

    private void apply(Simulation.Progress now) {
        progress.set(now);
        if (now.phase() == Simulation.Phase.DRAINING) {
            if (drainingSinceMs < 0) {
                drainingSinceMs = now.elapsedMs();
            }
            status.set(drainingStatus(attempt.scenario.drainMs(), now.elapsedMs() - drainingSinceMs));
        } else if (now.phase() == Simulation.Phase.RUNNING) {
            status.set(runningStatus(now.elapsedMs(), now.fraction(), attempt.scenario.durationMs()));
        }
        double at = now.elapsedMs() / 1000.0;
        latency.add(LatencySample.of(at, now.ack(), now.firstEvent(), now.ping()));
        int old = 0;
        while (old < latency.size() && (latency.size() - old > CHART_POINTS
                || latency.get(old).atSeconds() < at - CHART_SECONDS)) {
            old++;
        }
        if (old > 0) {
            latency.remove(0, old);
        }
    }

    private void showRows(List<VirtualUser.UserRow> all) {
        List<VirtualUser.UserRow> top = all.stream().sorted(MOST_PROBLEMS_FIRST).limit(ROWS_SHOWN).toList();
        rows.setAll(top);
        rowsCaption.set(all.size() > ROWS_SHOWN
                ? String.format(Locale.ROOT, "%d of %,d users, most isolation violations and errors first",
                        top.size(), all.size())
                : all.size() + " users");
    }

    private void finish() {
        apply(simulation.progress());
        try {
            SimReport done = simulation.report().join();
            showRows(done.userRows());
            latencyRows.setAll(LatencyRow.of(done));
            report.set(done);
            closesUntil = nanos.getAsLong() + CLOSES_NANOS;
            status.set("done: " + (done.passed() ? "PASS" : "FAIL"));
        } catch (CompletionException e) {
            status.set("the report failed: " + reason(e));
        }
        busy.set(false);
        recheck();
    }

    /**
     * The status while users send: {@code running · 0:25 elapsed · 0:35 left}. A scenario that
     * runs for a duration has that much left; one that sends a number of messages has an estimate
     * from the share sent so far ({@code about 0:35 left}), none before the first message.
     *
     * @param elapsedMs  since the start
     * @param fraction   the share of the duration or of the planned messages gone, 0 … 1
     * @param durationMs the scenario's duration, or 0 for a number of messages
     */
    static String runningStatus(long elapsedMs, double fraction, long durationMs) {
        String running = "running · " + clock(elapsedMs / 1000) + " elapsed";
        if (durationMs > 0) {
            return running + " · " + clock(secondsUp(durationMs - elapsedMs)) + " left";
        }
        if (fraction <= 0 || Double.isNaN(fraction)) {
            return running;
        }
        double leftMs = elapsedMs * (1 - Math.min(1, fraction)) / fraction;
        return running + " · about " + clock(secondsUp((long) leftMs)) + " left";
    }

    /**
     * The status while the simulation drains: {@code draining · up to 12 s left}. Draining ends when
     * every reply and run has come, at the latest after the scenario's drain time.
     *
     * @param drainMs       the scenario's drain time
     * @param drainingForMs how long it has been draining
     */
    static String drainingStatus(long drainMs, long drainingForMs) {
        long left = secondsUp(drainMs - drainingForMs);
        return left > 0 ? "draining · up to " + left + " s left" : "draining · finishing";
    }

    /** Whole seconds, rounded up (a second left shows until it has gone), never negative. */
    private static long secondsUp(long ms) {
        return ms <= 0 ? 0 : (ms + 999) / 1000;
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
    private static String clock(long seconds) {
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    private void failed(String why) {
        attempt = null;
        status.set(why);
        busy.set(false);
        recheck();
    }

    /** Writes the report as JSON to {@code file} and the per-user rows as CSV beside it. */
    public void saveReport(Path file) {
        SimReport done = report.get();
        if (done == null) {
            return;
        }
        try {
            note.set("saved " + String.join(" and ", done.write(file).stream().map(Path::toString).toList()));
        } catch (IOException e) {
            note.set("could not save the report: " + e.getMessage());
        }
    }

    /** Stops any simulation and recording at once (the window is closing). */
    public void close() {
        if (attempt != null) {
            attempt.cancel();
        }
        closeSimulation();
        recording.close();
        recordingThread.shutdown(); // after what it was given: a recorder being closed or written
    }

    private void closeSimulation() {
        if (simulation != null) {
            simulation.close();
            simulation = null;
        }
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    /**
     * One press of Start: finding the target and starting the simulation happen on the feed's
     * thread; the outcome waits here for the next tick. Cancelling closes a simulation that
     * started anyway (whichever side comes second closes it). The attached router says how users
     * authenticate; typed URLs (the nodes of a cluster, sharing its secret) replace its endpoint.
     */
    private static final class Attempt {
        final Scenario scenario;
        /** Where users connect; empty for the attached router's endpoint. */
        final List<URI> urls;
        final AtomicReference<Object> outcome = new AtomicReference<>();
        final AtomicBoolean cancelled = new AtomicBoolean();
        volatile String how = "";

        Attempt(Scenario scenario, List<URI> urls) {
            this.scenario = scenario;
            this.urls = urls;
        }

        void launch(SimulationTarget target, Throwable failure) {
            if (failure != null) {
                outcome.set(failure);
                return;
            }
            if (cancelled.get()) {
                return;
            }
            try {
                List<URI> to = urls.isEmpty() ? List.of(target.clientUri()) : urls;
                how = "Users connect to " + String.join(", ", to.stream().map(URI::toString).toList())
                        + " with " + target.how() + ".";
                Simulation started = new Simulation(to, scenario, target.tokens()).start();
                outcome.set(started);
                if (cancelled.get()) {
                    started.close();
                }
            } catch (RuntimeException e) {
                outcome.set(e);
            }
        }

        void cancel() {
            cancelled.set(true);
            if (outcome.get() instanceof Simulation started) {
                started.close();
            }
        }
    }

    /** The scenario files to choose from (the shipped ones and any opened). */
    public ObservableList<Path> scenarioFiles() {
        return scenarioFilesView;
    }

    /** The chosen scenario file. */
    public ObjectProperty<Path> scenarioFileProperty() {
        return scenarioFile;
    }

    /** The number of users to run instead of the file's; blank for the file's. */
    public StringProperty usersProperty() {
        return users;
    }

    /**
     * The client endpoints users connect to, separated by commas or whitespace (the nodes of a
     * cluster); blank for the router the console is attached to.
     */
    public StringProperty urlsProperty() {
        return urls;
    }

    /** Name of the environment variable with the router's JWT secret; blank to use what the router offers. */
    public StringProperty secretEnvProperty() {
        return secretEnv;
    }

    /** The chosen scenario as read from its file, or null. */
    public ReadOnlyObjectProperty<Scenario> scenarioProperty() {
        return scenario.getReadOnlyProperty();
    }

    /** Why Start is not possible now, or empty. */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    /** How users connect, what was saved, or why the panel cannot simulate. */
    public ReadOnlyStringProperty noteProperty() {
        return note.getReadOnlyProperty();
    }

    /**
     * {@value #IN_PROCESS_NOTE} when the users connect to the embedded router (so that the figures
     * are read with that in mind), else empty.
     */
    public ReadOnlyStringProperty inProcessNoteProperty() {
        return inProcessNote.getReadOnlyProperty();
    }

    /** Where the simulation is, in words. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Whether a simulation is starting, running or draining. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** Whether Start would start one. */
    public ReadOnlyBooleanProperty startableProperty() {
        return startable.getReadOnlyProperty();
    }

    /** The latest progress (at most two a second), or null before the first. */
    public ReadOnlyObjectProperty<Simulation.Progress> progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** The final report with its verdict, or null until the simulation is done. */
    public ReadOnlyObjectProperty<SimReport> reportProperty() {
        return report.getReadOnlyProperty();
    }

    /** The latency chart's points, oldest first, at most {@value #CHART_POINTS} over {@value #CHART_SECONDS} s. */
    public ObservableList<LatencySample> latency() {
        return latencyView;
    }

    /** The per-user rows shown, most problems first, at most {@value #ROWS_SHOWN}. */
    public ObservableList<VirtualUser.UserRow> rows() {
        return rowsView;
    }

    /** The report's latency table (as the CLI prints it), one row per measure; empty until the report. */
    public ObservableList<LatencyRow> latencyRows() {
        return latencyRowsView;
    }

    /** How many users the rows are out of. */
    public ReadOnlyStringProperty rowsCaptionProperty() {
        return rowsCaption.getReadOnlyProperty();
    }
}
