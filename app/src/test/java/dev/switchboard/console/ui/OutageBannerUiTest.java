package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.RemoteFeed;
import dev.switchboard.console.ui.overview.OverviewView;
import dev.switchboard.router.auth.Role;
import java.net.URI;
import java.time.Duration;
import javafx.scene.chart.LineChart;
import javafx.scene.control.Label;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** When the remote router goes away, the console says so across the window and marks its figures stale. */
class OutageBannerUiTest extends RemoteConsoleTest {

    @Override
    protected ConsoleFeed feed(URI monitor) {
        return new RemoteFeed(monitor, token("oncall", Role.VIEWER));
    }

    @Test
    void aLostFeedShowsABannerWithSinceWhenTheNextAttemptAndWhyAndTheFiguresGoStaleUntilItReturns(FxRobot robot) {
        Label banner = onFx(() -> robot.lookup("#outage-banner").queryAs(Label.class));
        Label stale = onFx(() -> robot.lookup("#overview-stale").queryAs(Label.class));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() ->
                robot.lookup("#status-feed").queryAs(Label.class).getText().startsWith("connected")));
        assertThat(onFx(banner::isVisible)).isFalse();
        int port = router.port();

        router.stop();

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(banner::isVisible));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(banner::getText).contains("retrying in"));
        assertThat(onFx(banner::getText)).startsWith("No feed from the router since").contains("the figures shown are"
                + " from before").doesNotContain("Exception");
        assertThat(onFx(stale::isVisible)).isTrue();
        assertThat(onFx(() -> robot.lookup("#overview-stale").query().getParent().lookup(".stale"))).isNotNull();

        // an outage longer than the chart's gap: its lines must break
        long lostAt = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - lostAt
                > Duration.ofSeconds((long) OverviewView.GAP_SECONDS + 2).toNanos());
        router = startRouter(port);

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !onFx(banner::isVisible));
        assertThat(onFx(stale::isVisible)).isFalse();
        @SuppressWarnings("unchecked")
        LineChart<Number, Number> chart = onFx(() -> robot.lookup("#overview-chart").queryAs(LineChart.class));
        // a line before the outage and one after it: the gap stays visible
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> onFx(() -> chart.getData().size()) >= 2);
    }
}
