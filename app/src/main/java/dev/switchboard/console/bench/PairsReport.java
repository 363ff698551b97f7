package dev.switchboard.console.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.protocol.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * How a phase of alternating echo/router rounds ({@link Alternating}) goes into the report: whether
 * every round was clean, every round's result, each system's median of some figures, and the
 * spread of the pairs' ratios of others.
 *
 * @param <R> one round's result
 */
final class PairsReport<R> {
    private final Function<R, ObjectNode> round;
    private final Predicate<R> clean;
    private final Map<String, ToDoubleFunction<R>> medians = new LinkedHashMap<>();
    private final Map<String, ToDoubleFunction<R>> ratios = new LinkedHashMap<>();

    /**
     * @param round a round's result as JSON
     * @param clean whether a round had no error, nothing unanswered, nothing unfinished
     */
    PairsReport(Function<R, ObjectNode> round, Predicate<R> clean) {
        this.round = Objects.requireNonNull(round, "round must not be null");
        this.clean = Objects.requireNonNull(clean, "clean must not be null");
    }

    /** Reports each system's median of {@code figure} as {@code field}. */
    PairsReport<R> median(String field, ToDoubleFunction<R> figure) {
        medians.put(field, figure);
        return this;
    }

    /** Reports the spread of the pairs' ratios of {@code figure} (router / echo) as {@code field}. */
    PairsReport<R> ratio(String field, ToDoubleFunction<R> figure) {
        ratios.put(field, figure);
        return this;
    }

    /** Adds {@code clean}, {@code rounds}, {@code echo}, {@code router} and {@code ratio} to {@code json}. */
    ObjectNode addTo(ObjectNode json, List<Alternating.Pair<R>> pairs) {
        json.put("clean", pairs.stream().allMatch(pair -> clean.test(pair.baseline()) && clean.test(pair.measured())));
        ArrayNode rounds = json.putArray("rounds");
        for (Alternating.Pair<R> pair : pairs) {
            ObjectNode each = rounds.addObject().put("pair", pair.index() + 1)
                    .put("order", pair.baselineFirst() ? "echo,router" : "router,echo");
            each.set("echo", round.apply(pair.baseline()));
            each.set("router", round.apply(pair.measured()));
        }
        json.set("echo", medians(pairs, true));
        json.set("router", medians(pairs, false));
        ObjectNode spreads = json.putObject("ratio");
        ratios.forEach((field, figure) -> {
            Alternating.Spread spread = Alternating.ratios(pairs, figure);
            spreads.putObject(field).put("median", Bench.round(spread.median())).put("min", Bench.round(spread.min()))
                    .put("max", Bench.round(spread.max()));
        });
        return json;
    }

    private ObjectNode medians(List<Alternating.Pair<R>> pairs, boolean baseline) {
        ObjectNode json = Json.mapper().createObjectNode();
        medians.forEach((field, figure) -> json.put(field, Bench.round(Alternating.Spread.of(pairs,
                pair -> figure.applyAsDouble(baseline ? pair.baseline() : pair.measured())).median())));
        return json;
    }
}
