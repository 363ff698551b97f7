package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.ConsoleApp;
import dev.switchboard.console.feed.RemoteFeed;
import dev.switchboard.console.ui.overview.OverviewView;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.TestRouters;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javafx.scene.chart.LineChart;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** When the remote router goes away, the console says so across the window and marks its figures stale. */
@ExtendWith(ApplicationExtension.class)
class OutageBannerUiTest {
    private static final String SECRET = "console-ui-outage-secret-32-bytes-or-more";
    private Router router;
    private RemoteFeed feed;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        router = TestRouters.start(config -> config.httpPort(-1).jwtSecret(SECRET));
        String token = new TokenService(SECRET, Clock.systemUTC()).mint("oncall", Role.VIEWER, Duration.ofMinutes(5));
        feed = new RemoteFeed(URI.create("ws://127.0.0.1:" + router.port() + "/monitor"), token);
        window = new ConsoleApp().show(stage, feed);
    }

    @AfterEach
    void stop() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> window.detach()).get(5, TimeUnit.SECONDS);
        feed.close();
        router.stop();
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
        router = TestRouters.start(config -> config.port(port).httpPort(-1).jwtSecret(SECRET));

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !onFx(banner::isVisible));
        assertThat(onFx(stale::isVisible)).isFalse();
        @SuppressWarnings("unchecked")
        LineChart<Number, Number> chart = onFx(() -> robot.lookup("#overview-chart").queryAs(LineChart.class));
        // a line before the outage and one after it: the gap stays visible
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> chart.getData().size()) >= 2);
    }
}
