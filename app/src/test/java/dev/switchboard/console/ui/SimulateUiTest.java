package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.simulate.SimReport;
import dev.switchboard.console.simulate.VirtualUser;
import dev.switchboard.console.state.TypeRow;
import dev.switchboard.console.ui.simulate.LatencyRow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import javafx.geometry.Bounds;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The simulate panel against the console's embedded router, driven as an operator would, headless through Monocle. */
class SimulateUiTest extends EmbeddedConsoleTest {
    @Test
    @SuppressWarnings("unchecked")
    void ctrl9OpensThePanelWhichRunsTheSmokeScenarioToAPassWhileTheRouterViewsKeepCounting(FxRobot robot) {
        robot.push(KeyCode.SHORTCUT, KeyCode.DIGIT9);
        TabPane views = onFx(() -> robot.lookup("#views").queryAs(TabPane.class));
        assertThat(onFx(() -> views.getSelectionModel().getSelectedItem().getId())).isEqualTo("tab-simulate");
        ComboBox<Path> scenario = onFx(() -> robot.lookup("#sim-scenario").queryAs(ComboBox.class));
        assertThat(onFx(scenario::getValue).getFileName().toString()).isEqualTo("smoke.json");

        // the router is the embedded one, in this process: the panel says so before the start
        Label inProcess = onFx(() -> robot.lookup("#sim-in-process").queryAs(Label.class));
        assertThat(onFx(inProcess::getText)).isEqualTo(
                "The simulator runs in this process beside the embedded router: its figures include the console's own load.");
        assertThat(onFx(inProcess::isVisible)).isTrue();

        robot.clickOn("#sim-start");
        // smoke sends a number of messages: the time left is an estimate
        Label status = onFx(() -> robot.lookup("#sim-status").queryAs(Label.class));
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> onFx(
                () -> status.getText().matches("running · \\d:\\d\\d elapsed( · about \\d:\\d\\d left)?")));
        Label verdict = onFx(() -> robot.lookup("#sim-verdict").queryAs(Label.class));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> onFx(() -> !verdict.getText().isEmpty()));
        WaitForAsyncUtils.waitForFxEvents();

        TableView<SimReport.Check> checks = onFx(() -> robot.lookup("#sim-checks").queryAs(TableView.class));
        assertThat(onFx(() -> List.copyOf(checks.getItems())))
                .allSatisfy(check -> assertThat(check.passed()).as(check.toString()).isTrue());
        assertThat(onFx(verdict::getText)).isEqualTo("PASS");
        assertThat(onFx(verdict::isVisible)).isTrue();
        assertThat(onFx(() -> List.copyOf(verdict.getStyleClass()))).contains("sim-pass");
        assertThat(onFx(() -> robot.lookup("#sim-sent").queryAs(Label.class).getText())).isEqualTo("100");
        assertThat(onFx(() -> robot.lookup("#sim-isolation").queryAs(Label.class).getText())).isEqualTo("0");
        assertThat(onFx(() -> robot.lookup("#sim-connected").queryAs(Label.class).getText())).endsWith(" / 5");
        assertThat(onFx(inProcess::isVisible)).isTrue();

        // the CLI's latency table, one row per measure, beside the checks
        TableView<LatencyRow> latency = onFx(() -> robot.lookup("#sim-latency-table").queryAs(TableView.class));
        assertThat(onFx(() -> List.copyOf(latency.getItems()))).extracting(LatencyRow::measure)
                .containsExactly("ack", "first_event", "run", "ping", "other_replies");
        assertThat(onFx(() -> latency.getColumns().stream().map(TableColumn::getText).toList()))
                .containsExactly("measure", "count", "p50 (ms)", "p95 (ms)", "p99 (ms)", "max (ms)");
        assertThat(onFx(() -> latency.getItems().get(0).count())).isPositive();

        // every check and every measure shows without scrolling, the eight tiles in one row
        assertThat(onFx(() -> List.copyOf(checks.getItems()))).hasSizeGreaterThanOrEqualTo(5);
        assertThat(onFx(() -> verticalScrollBarShows(checks))).as("the checks scroll").isFalse();
        assertThat(onFx(() -> verticalScrollBarShows(latency))).as("the latency table scrolls").isFalse();
        assertTilesInOneRow(robot);
        TableView<VirtualUser.UserRow> users = onFx(() -> robot.lookup("#sim-users-table").queryAs(TableView.class));
        assertThat(onFx(() -> List.copyOf(users.getItems())))
                .hasSize(5).allSatisfy(row -> assertThat(row.sent()).isEqualTo(20));

        // the router-side views kept up with the simulated traffic
        robot.clickOn("#tab-types");
        TableView<TypeRow> types = onFx(() -> robot.lookup("#types-table").queryAs(TableView.class));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> types.getItems().stream()
                .anyMatch(row -> row.type().equals("validate_content") && row.count() > 0)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void chat100FitsItsHundredUsersInTheTilesAndTheUserColumnSortsThemAsPeopleCountThemUnderWholeHeaders(FxRobot robot) {
        robot.push(KeyCode.SHORTCUT, KeyCode.DIGIT9);
        robot.clickOn("#sim-scenario");
        robot.clickOn("chat-100");
        robot.clickOn("#sim-start");
        // the widest the connected tile gets (after the 10 s ramp-up): no tile goes onto a second row
        Label connected = onFx(() -> robot.lookup("#sim-connected").queryAs(Label.class));
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> onFx(() -> connected.getText().equals("100 / 100")));
        WaitForAsyncUtils.waitForFxEvents();
        assertTilesInOneRow(robot);
        // a minute long: the time left is known
        assertThat(onFx(() -> robot.lookup("#sim-status").queryAs(Label.class).getText()))
                .matches("running · 0:\\d\\d elapsed · 0:\\d\\d left");

        robot.clickOn("#sim-stop");
        Label verdict = onFx(() -> robot.lookup("#sim-verdict").queryAs(Label.class));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> onFx(() -> !verdict.getText().isEmpty()));
        WaitForAsyncUtils.waitForFxEvents();
        TableView<VirtualUser.UserRow> users = onFx(() -> robot.lookup("#sim-users-table").queryAs(TableView.class));
        List<String> counted = IntStream.range(0, 100).mapToObj(i -> "chat-100-" + i).toList();

        // no problems: the default order is by user, as people count (chat-100-2 before chat-100-10)
        assertThat(userIds(users)).isEqualTo(counted);
        assertHeadersWhole(robot);

        robot.clickOn("#sim-user-column");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(userIds(users)).isEqualTo(counted);
        robot.clickOn("#sim-user-column");
        WaitForAsyncUtils.waitForFxEvents();
        List<String> backwards = new ArrayList<>(counted);
        Collections.reverse(backwards);
        assertThat(userIds(users)).isEqualTo(backwards);

        // the sort arrow in the narrowest header does not cut its title either
        robot.clickOn("#sim-isolation-column");
        WaitForAsyncUtils.waitForFxEvents();
        assertHeadersWhole(robot);
    }

    private static List<String> userIds(TableView<VirtualUser.UserRow> users) {
        return onFx(() -> users.getItems().stream().map(VirtualUser.UserRow::user).toList());
    }

    /** Every column header of the per-user table shows its whole title (no "isol…"), and every column shows. */
    private static void assertHeadersWhole(FxRobot robot) {
        List<String[]> titles = onFx(() -> robot.lookup("#sim-users-table .column-header .label").queryAllAs(Labeled.class)
                .stream().filter(label -> label.getText() != null && !label.getText().isEmpty())
                .map(label -> new String[] {label.getText(), ((Text) label.lookup(".text")).getText()}).toList());
        assertThat(titles).extracting(title -> title[0])
                .contains("user", "conns", "sent", "recv", "runs", "done", "errors", "isolation");
        assertThat(titles).allSatisfy(title -> assertThat(title[1]).as("header " + title[0]).isEqualTo(title[0]));
        TableView<?> users = onFx(() -> robot.lookup("#sim-users-table").queryAs(TableView.class));
        assertThat(onFx(() -> users.lookupAll(".scroll-bar").stream().map(ScrollBar.class::cast)
                .anyMatch(bar -> bar.getOrientation() == Orientation.HORIZONTAL && bar.isVisible())))
                .as("the per-user table scrolls sideways").isFalse();
    }

    private static boolean verticalScrollBarShows(TableView<?> table) {
        return table.lookupAll(".scroll-bar").stream().map(ScrollBar.class::cast)
                .anyMatch(bar -> bar.getOrientation() == Orientation.VERTICAL && bar.isVisible());
    }

    /** The eight counter tiles share one row inside the panel, each value shown whole. */
    private static void assertTilesInOneRow(FxRobot robot) {
        Node panel = onFx(() -> robot.lookup("#simulate").query());
        List<Bounds> tiles = onFx(() -> robot.lookup("#simulate .tile").queryAll().stream()
                .map(tile -> tile.localToScene(tile.getBoundsInLocal())).toList());
        double right = onFx(() -> panel.localToScene(panel.getBoundsInLocal()).getMaxX());
        assertThat(tiles).hasSize(8);
        assertThat(tiles).extracting(Bounds::getMinY).containsOnly(tiles.get(0).getMinY());
        assertThat(tiles).allSatisfy(tile -> assertThat(tile.getMaxX()).isLessThanOrEqualTo(right));
        assertThat(onFx(() -> robot.lookup("#simulate .tile-value").queryAllAs(Label.class).stream()
                .filter(value -> !((Text) value.lookup(".text")).getText().equals(value.getText()))
                .map(Label::getText).toList())).as("tile values cut").isEmpty();
    }

    @Test
    void aRouterUrlThatIsNotAClientEndpointDisablesStartAndSaysWhy(FxRobot robot) {
        robot.push(KeyCode.SHORTCUT, KeyCode.DIGIT9);
        TextField urls = onFx(() -> robot.lookup("#sim-urls").queryAs(TextField.class));
        Button start = onFx(() -> robot.lookup("#sim-start").queryAs(Button.class));
        assertThat(onFx(() -> urls.getText())).isEmpty();
        assertThat(onFx(start::isDisabled)).isFalse();

        robot.clickOn("#sim-urls").write("ws://127.0.0.1:8765/ws, localhost:8775");
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(onFx(start::isDisabled)).isTrue();
        assertThat(onFx(() -> robot.lookup("#sim-problem").queryAs(Label.class).getText()))
                .isEqualTo("not a ws:// or wss:// URL: localhost:8775");
    }
}
