package dev.switchboard.console.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.FeedStatus;
import dev.switchboard.console.feed.UserEndpoint;
import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.console.ui.MainWindow;
import dev.switchboard.console.ui.connections.ConnectionsView;
import dev.switchboard.console.ui.connections.ConnectionsViewModel;
import dev.switchboard.router.monitor.wire.ConnectionSummary;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The Connections view's filter alone, without load: {@code --users} users (one connection each,
 * ids like the wide scenario's) in the console's view and styles, a filter typed and cleared
 * {@code --rounds} times, each timed from the change to the end of the next layout pass. The first
 * round is the first filter the JVM runs (its code not compiled yet); the median of the rounds after
 * the tenth is what a filter costs once it is. Run under a display ({@code xvfb-run -a}):
 *
 * <pre>
 * java -Xms64m -Xmx384m -XX:+UseSerialGC -cp app/target/switchboard-console.jar \
 *     dev.switchboard.console.bench.FilterCheck [--users=10000] [--rounds=60]
 * </pre>
 */
public final class ConnectionsFilterCheck extends Application {
    private ConnectionsViewModel model;
    private Scene scene;
    private String prefix;
    private int rounds;
    private final List<double[]> timings = new ArrayList<>();

    @Override
    public void start(Stage stage) {
        int users = Integer.parseInt(getParameters().getNamed().getOrDefault("users", "10000"));
        rounds = Integer.parseInt(getParameters().getNamed().getOrDefault("rounds", "60"));
        prefix = "wide-" + users;
        model = new ConnectionsViewModel(new NoRouter(), Runnable::run);
        ConnectionsView view = new ConnectionsView(model, user -> { }, new SimpleBooleanProperty(false));
        scene = new Scene(view, 1200, 760);
        scene.getStylesheets().add(MainWindow.class.getResource("/dev/switchboard/console/console.css")
                .toExternalForm());
        stage.setScene(scene);
        stage.show();
        Instant now = Instant.now();
        List<ConnectionSummary> connections = IntStream.range(0, users)
                .mapToObj(i -> new ConnectionSummary("c-" + i, prefix + "-" + i, "127.0.0.1:1", null, now, now, 2, 3))
                .toList();
        model.apply(new MonitorBatch(List.<MonitorFrame>of(new MonitorSnapshot(MonitorSnapshot.PROTOCOL, now, null,
                null, null, connections, users, null, null, null, null, null, null, null, null, null)),
                now.toEpochMilli()));
        Platform.runLater(() -> round(0));
    }

    private void round(int index) {
        if (index == rounds) {
            report();
            Platform.exit();
            return;
        }
        long began = System.nanoTime();
        model.filterProperty().set(prefix + "-12");
        ConsoleLoadCheck.afterNextLayout(scene, () -> {
            double typed = (System.nanoTime() - began) / 1e6;
            long clearBegan = System.nanoTime();
            model.filterProperty().set("");
            ConsoleLoadCheck.afterNextLayout(scene, () -> {
                timings.add(new double[] {typed, (System.nanoTime() - clearBegan) / 1e6});
                Platform.runLater(() -> round(index + 1));
            });
        });
    }

    private void report() {
        System.out.printf("REPORT first filter: typed %.1f ms, cleared %.1f ms%n", timings.get(0)[0],
                timings.get(0)[1]);
        if (timings.size() > 10) {
            List<double[]> later = timings.subList(10, timings.size());
            Alternating.Spread typed = Alternating.Spread.of(later, row -> row[0]);
            Alternating.Spread cleared = Alternating.Spread.of(later, row -> row[1]);
            System.out.printf("REPORT rounds 11-%d: typed median %.1f ms (%.1f-%.1f), cleared median %.1f ms"
                            + " (%.1f-%.1f)%n", timings.size(), typed.median(), typed.min(), typed.max(),
                    cleared.median(), cleared.min(), cleared.max());
        }
    }

    /** A feed with no router behind it: the view's model never needs one here. */
    private static final class NoRouter implements ConsoleFeed {
        @Override
        public String source() {
            return "filter check";
        }

        @Override
        public void start(Consumer<MonitorFrame> frames, Consumer<FeedStatus> status) {
        }

        @Override
        public CompletionStage<ObjectNode> command(JsonNode command) {
            return CompletableFuture.failedFuture(new IllegalStateException("no router in the filter check"));
        }

        @Override
        public CompletionStage<UserEndpoint> userEndpoint(String userId) {
            return CompletableFuture.failedFuture(new IllegalStateException("no router in the filter check"));
        }

        @Override
        public void close() {
        }
    }
}
