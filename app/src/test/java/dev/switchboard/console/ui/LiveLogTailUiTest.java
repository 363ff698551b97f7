package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.LogRow;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.monitor.MonitorLimits;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.Map;
import javafx.scene.control.Button;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.TableView;
import javafx.scene.control.skin.VirtualFlow;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The live log follows new lines at the bottom; scrolled up it stays put and counts what is new. */
class LiveLogTailUiTest extends EmbeddedConsoleTest {

    /** Every ping listed: the test is about following lines, not about how a busy router counts them. */
    @Override
    protected RouterConfig.Builder routerConfig() {
        return super.routerConfig().monitorLimits(new MonitorLimits(10, 20, 16L << 20, 4, 1_000, 2, 2_000));
    }

    @Test
    void followsNewLinesUntilScrolledUpThenCountsThemAndTheButtonGoesBackToTheEnd(FxRobot robot) {
        try (WsClient alice = WsClient.connect(feed.router().clientUri(), "alice")) {
            robot.clickOn("#tab-log");
            @SuppressWarnings("unchecked")
            TableView<LogRow> table = onFx(() -> robot.lookup("#log-table").queryAs(TableView.class));
            Button newLines = onFx(() -> robot.lookup("#log-new-lines").queryAs(Button.class));
            pings(alice, 0, 80);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> table.getItems().size()) >= 80);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lastVisible(table) == size(table) - 1);
            assertThat(onFx(newLines::isVisible)).isFalse();

            // the reader goes back up the log and clicks a line there
            robot.interact(() -> table.scrollTo(0));
            robot.clickOn(table);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lastVisible(table) < size(table) - 1);
            int readingAt = lastVisible(table);
            pings(alice, 80, 10);

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(newLines::isVisible)
                    && onFx(newLines::getText).endsWith("new ↓"));
            assertThat(lastVisible(table)).as("the reader stays where they were").isEqualTo(readingAt);

            robot.clickOn(newLines);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lastVisible(table) == size(table) - 1);
            assertThat(onFx(newLines::isVisible)).isFalse();
        }
    }

    private static void pings(WsClient client, int from, int count) {
        for (int i = from; i < from + count; i++) {
            client.send(Map.of("type", "ping", "message_id", "p-" + i));
            client.awaitReply("p-" + i);
        }
    }

    private static int size(TableView<LogRow> table) {
        return onFx(() -> table.getItems().size());
    }

    private static int lastVisible(TableView<LogRow> table) {
        return onFx(() -> {
            VirtualFlow<?> flow = (VirtualFlow<?>) table.lookup(".virtual-flow");
            IndexedCell<?> last = flow == null ? null : flow.getLastVisibleCell();
            return last == null ? -1 : last.getIndex();
        });
    }
}
