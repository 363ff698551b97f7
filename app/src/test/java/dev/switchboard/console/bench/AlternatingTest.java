package dev.switchboard.console.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlternatingTest {

    @Test
    void alternatesWhichSystemGoesFirstFromOnePairToTheNext() throws Exception {
        List<String> order = new ArrayList<>();

        List<Alternating.Pair<String>> pairs = Alternating.run(4, (baseline, pair) -> {
            String name = (baseline ? "echo" : "router") + pair;
            order.add(name);
            return name;
        });

        assertThat(order).containsExactly("echo0", "router0", "router1", "echo1", "echo2", "router2", "router3", "echo3");
        assertThat(pairs).extracting(Alternating.Pair::baseline).containsExactly("echo0", "echo1", "echo2", "echo3");
        assertThat(pairs).extracting(Alternating.Pair::measured).containsExactly("router0", "router1", "router2", "router3");
        assertThat(pairs).extracting(Alternating.Pair::baselineFirst).containsExactly(true, false, true, false);
    }

    @Test
    void aFigureIsTheMedianOfThePairsRatiosWithTheirRange() throws Exception {
        double[][] figures = {{100, 80}, {100, 90}, {50, 20}, {200, 170}, {10, 9}};

        List<Alternating.Pair<Double>> pairs = Alternating.run(figures.length,
                (baseline, pair) -> figures[pair][baseline ? 0 : 1]);
        Alternating.Spread ratio = Alternating.ratios(pairs, Double::doubleValue);

        // ratios 0.8, 0.9, 0.4, 0.85, 0.9: one bad pair moves the range, not the median
        assertThat(ratio.median()).isEqualTo(0.85);
        assertThat(ratio.min()).isEqualTo(0.4);
        assertThat(ratio.max()).isEqualTo(0.9);
        assertThat(ratio.values()).containsExactly(0.8, 0.9, 0.4, 0.85, 0.9);
        assertThat(ratio.text(2)).isEqualTo("0.85 (0.40–0.90)");
    }

    @Test
    void anEvenCountHasTheMeanOfItsMiddleTwoAsMedian() {
        assertThat(Alternating.Spread.of(new double[] {4, 1, 3, 2}).median()).isEqualTo(2.5);
    }

    @Test
    void aPairWhoseBaselineMeasuredNothingHasNoRatio() throws Exception {
        double[][] figures = {{100, 80}, {0, 5}, {100, 90}};

        Alternating.Spread ratio = Alternating.ratios(Alternating.run(figures.length,
                (baseline, pair) -> figures[pair][baseline ? 0 : 1]), Double::doubleValue);

        assertThat(ratio.values()).containsExactly(0.8, 0.9);
        assertThat(ratio.median()).isEqualTo(0.85, org.assertj.core.api.Assertions.within(1e-9));
    }
}
