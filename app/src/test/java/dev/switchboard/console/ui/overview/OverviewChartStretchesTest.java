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
}
