package dev.switchboard.console.ui.overview;

import static dev.switchboard.console.ui.Frames.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The overview's view model, fed by hand, without a window. */
class OverviewViewModelTest {
    private static final String STATS = "{'type':'monitor_update','stats':{'connections':3,'users':2,"
            + "'messages_per_second':15.5,'handler_errors':1,'errors_sent':{'unknown_type':2,'rate_limited':3},"
            + "'rate_limited':4,'routing_latency_ms':{'p50':0.5,"
            + "'p99':2.25},'queue_depth':{'critical':1,'low':2},'runs_in_flight':5,'reply_latency_ms':{'p50':0.75,"
            + "'p95':2.5,'p99':3.5},'handshake_ms':{'p99':1.25}},'events':[]}";

    private static Map<String, String> figures(OverviewViewModel model) {
        Map<String, String> shown = new LinkedHashMap<>();
        model.figures().forEach(figure -> shown.put(figure.id(), figure.value().get()));
        return shown;
    }

    @Test
    void showsTheHeadlineFiguresAsText() {
        OverviewViewModel model = new OverviewViewModel(ConsoleState.Limits.defaults(), 0);
        assertThat(figures(model).values()).containsOnly("–");
        model.apply(batch(1_000, STATS));
        assertThat(figures(model)).containsExactly(Map.entry("connections", "3"), Map.entry("users", "2"),
                Map.entry("rate", "15.5"), Map.entry("reply-p50", "0.75"), Map.entry("reply-p95", "2.50"),
                Map.entry("reply-p99", "3.50"), Map.entry("p99", "2.25"), Map.entry("handshake-p99", "1.25"),
                Map.entry("errors-sent", "5"), Map.entry("handler-exceptions", "1"), Map.entry("rate-limited", "4"), Map.entry("queue-depth", "3"),
                Map.entry("runs-in-flight", "5"));
    }

    @Test
    void aPercentileOfZeroIsNoTrafficInTheLastMinuteAndShowsAsADash() {
        OverviewViewModel model = new OverviewViewModel(ConsoleState.Limits.defaults(), 0);
        model.apply(batch(1_000, STATS.replace("'p99':3.5", "'p99':0.0").replace("'p99':2.25", "'p99':0.0")));
        assertThat(figures(model)).containsEntry("reply-p99", "–").containsEntry("p99", "–")
                .containsEntry("reply-p50", "0.75");
    }

    @Test
    void figuresShowAboutThreeSignificantDigitsAndCountsTheirThousands() {
        assertThat(List.of(0.0, 0.457, 2.349, 23.067, 65.01, 201.261, 12_345.6))
                .extracting(OverviewViewModel::figure)
                .containsExactly("0", "0.46", "2.35", "23.1", "65.0", "201", "12,346");
        assertThat(OverviewViewModel.count(1936)).isEqualTo("1,936");
    }

    @Test
    void samplesOnceASecondInABoundedWindow() {
        OverviewViewModel model = new OverviewViewModel(new ConsoleState.Limits(10, 10, 3, 5_000, 10), 0);
        for (int second = 1; second <= 5; second++) {
            model.apply(batch(second * 1_000L, STATS, STATS));
            model.apply(batch(second * 1_000L + 500, STATS));
        }
        assertThat(model.samples()).extracting(Sample::atSeconds).containsExactly(3.0, 4.0, 5.0);
        assertThat(model.samples().get(0)).as("the chart's p99 is the reply p99").isEqualTo(new Sample(3, 15.5, 3.5, 5));
        assertThat(model.windowProperty().get()).isEqualTo(new OverviewViewModel.TimeWindow(0, 60, 10));
        model.apply(batch(700_000, STATS));
        assertThat(model.windowProperty().get()).isEqualTo(new OverviewViewModel.TimeWindow(100, 700, 100));
    }
}
