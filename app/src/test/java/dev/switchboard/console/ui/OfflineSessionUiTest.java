package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.ConsoleApp;
import dev.switchboard.console.feed.FeedStatus;
import dev.switchboard.console.feed.ReplayFeed;
import dev.switchboard.console.feed.SessionRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.TabPane;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A saved session with an outage in it, opened: the chart is drawn from the saved updates with the
 * outage as a gap, the status says offline, and what needs a live router is not offered.
 */
@ExtendWith(ApplicationExtension.class)
class OfflineSessionUiTest {
    private static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");
    private final ConsoleApp app = new ConsoleApp();

    @BeforeEach
    void openSession() throws Exception {
        SessionRecorder recorder = new SessionRecorder(3_000, 50_000);
        recorder.accept(Frames.frame("{'type':'monitor_snapshot','protocol':1,'server_time':'" + T0
                + "','stats':{'messages_per_second':10.0}}"));
        for (int second = 1; second <= 40; second++) {
            if (second == 20) {
                recorder.status(new FeedStatus(FeedStatus.State.LOST, T0.plusSeconds(second), "Connection refused"));
                recorder.status(new FeedStatus(FeedStatus.State.CONNECTED, T0.plusSeconds(30), "ws://router"));
                second = 30;
            }
            recorder.accept(Frames.frame("{'type':'monitor_update','seq':" + second + ",'server_time':'"
                    + T0.plusSeconds(second) + "','stats':{'messages_per_second':" + (10 + second)
                    + ",'reply_latency_ms':{'p99':2.5}},'events':[]}"));
        }
        Path file = Files.createTempFile("offline-session-", ".jsonl");
        file.toFile().deleteOnExit();
        recorder.save(file);
        FxToolkit.setupStage(stage -> app.show(stage, new ReplayFeed(file)));
    }

    @AfterEach
    void closeSession() throws Exception {
        WaitForAsyncUtils.asyncFx(app::stop).get(5, TimeUnit.SECONDS);
    }

    @Test
    void anOpenedSessionDrawsItsChartWithTheOutageAsAGapAndSaysOffline(FxRobot robot) {
        Label feedState = onFx(() -> robot.lookup("#status-feed").queryAs(Label.class));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(feedState::getText).startsWith("offline"));
        assertThat(onFx(feedState::getText)).doesNotContain("updates/s");
        assertThat(onFx(() -> robot.lookup("#outage-banner").queryAs(Label.class).isVisible())).isFalse();

        @SuppressWarnings("unchecked")
        LineChart<Number, Number> chart = onFx(() -> robot.lookup("#overview-chart").queryAs(LineChart.class));
        // one stretch before the outage, one after it, a point a second of the session's time
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> chart.getData().size()) >= 2);
        int points = onFx(() -> chart.getData().stream().mapToInt(series -> series.getData().size()).sum());
        assertThat(points).isGreaterThanOrEqualTo(25);
        double firstX = onFx(() -> chart.getData().get(0).getData().get(0).getXValue().doubleValue());
        XYChart.Series<Number, Number> lastSeries = onFx(() -> chart.getData().get(chart.getData().size() - 1));
        double lastX = onFx(() -> lastSeries.getData().get(lastSeries.getData().size() - 1).getXValue().doubleValue());
        assertThat(lastX - firstX).isBetween(38.0, 40.0);

        TabPane tabs = onFx(() -> robot.lookup("#views").queryAs(TabPane.class));
        assertThat(onFx(() -> tabs.getTabs().stream().map(tab -> tab.getId()).toList()))
                .doesNotContain("tab-inject", "tab-simulate").contains("tab-overview", "tab-log");
        robot.interact(() -> tabs.getSelectionModel().select(tabs.getTabs().stream()
                .filter(tab -> "tab-log".equals(tab.getId())).findFirst().orElseThrow()));
        assertThat(onFx(() -> robot.lookup("#log-pause").query().isVisible())).isFalse();

        // back to ten seconds in: every view as it was then, on the view that was shown
        Slider slider = onFx(() -> robot.lookup("#session-slider").queryAs(Slider.class));
        robot.interact(() -> slider.setValue(T0.plusSeconds(10).toEpochMilli()));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() ->
                robot.lookup("#session-time").queryAs(Label.class).getText().contains("30 s before the end")
                        && robot.lookup("#status-feed").queryAs(Label.class).getText().startsWith("offline")));
        assertThat(onFx(() -> robot.lookup("#views").queryAs(TabPane.class).getSelectionModel().getSelectedItem()
                .getId())).isEqualTo("tab-log");
        robot.interact(() -> robot.lookup("#views").queryAs(TabPane.class).getSelectionModel().select(0));
        @SuppressWarnings("unchecked")
        LineChart<Number, Number> then = onFx(() -> robot.lookup("#overview-chart").queryAs(LineChart.class));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> then.getData().size()) == 1);
        double thenLastX = onFx(() -> then.getData().get(0).getData().get(then.getData().get(0).getData().size() - 1)
                .getXValue().doubleValue());
        assertThat(thenLastX).isBetween(9.0, 10.0);
        // a session's first minute: the window's own bounds, not the axis's 0–100 by 5
        javafx.scene.chart.NumberAxis time = (javafx.scene.chart.NumberAxis) then.getXAxis();
        assertThat(onFx(() -> List.of(time.getLowerBound(), time.getUpperBound(), time.getTickUnit())))
                .containsExactly(0.0, 60.0, 10.0);
    }
}
