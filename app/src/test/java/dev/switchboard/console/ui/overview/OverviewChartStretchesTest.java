package dev.switchboard.console.ui.overview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverviewChartStretchesTest {

    private static Sample at(double seconds) {
        return new Sample(seconds, 1, 2, 0);
    }

    @Test
    void samplesFurtherApartThanTheGapStartANewStretchSoAnOutageIsABreakInTheLines() {
        List<List<Sample>> stretches = OverviewView.stretches(List.of(at(1), at(2), at(3), at(20), at(21), at(24.5)),
                OverviewView.GAP_SECONDS);

        assertThat(stretches).extracting(stretch -> stretch.stream().map(Sample::atSeconds).toList())
                .containsExactly(List.of(1.0, 2.0, 3.0), List.of(20.0, 21.0), List.of(24.5));
        assertThat(OverviewView.stretches(List.of(), OverviewView.GAP_SECONDS)).isEmpty();
    }

    @Test
    void aMinuteWithoutRepliesLeavesTheP99LineEmptyInsteadOfAtZero() {
        List<Sample> stretch = List.of(new Sample(1, 5, 2, 0), new Sample(2, 0, 0, 0), new Sample(3, 0, 0, 0),
                new Sample(4, 5, 3, 0), new Sample(5, 5, 4, 0));

        assertThat(OverviewView.withReplies(stretch)).extracting(run -> run.stream().map(Sample::atSeconds).toList())
                .containsExactly(List.of(1.0), List.of(4.0, 5.0));
    }
}
