package dev.switchboard.console.simulate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A replay against the recording it replayed, per message type: frames sent and the errors that
 * answered them, by code; and the runs, by status. The original's figures are scaled by the
 * replay's users-scale, so that equal means "the router did the same".
 *
 * @param usersScale the replay's clones per recorded user (the original's figures are multiplied by it)
 * @param types      one row per type seen in either
 * @param runs       one row per run figure ({@code started}, then each status)
 */
public record ReplayComparison(int usersScale, List<Row> types, List<Row> runs) {

    /**
     * One figure of both.
     *
     * @param name           the type (or run figure)
     * @param original       the recording's count, scaled
     * @param replay         the replay's count
     * @param originalErrors the recording's errors by code, scaled (empty for run rows)
     * @param replayErrors   the replay's errors by code
     */
    public record Row(String name, long original, long replay, Map<String, Long> originalErrors,
                      Map<String, Long> replayErrors) {

        /** Whether the replay got what the original got: the same count and the same errors. */
        public boolean matches() {
            return original == replay && originalErrors.equals(replayErrors);
        }
    }

    static ReplayComparison of(Scenario.Replay replay, Map<String, Long> sentByType,
                               Map<String, Map<String, Long>> errorsByType, long runsStarted,
                               Map<String, Long> runsByStatus) {
        int scale = replay.usersScale();
        Recording.Original original = replay.recording().original();
        TreeSet<String> names = new TreeSet<>(original.byType().keySet());
        names.addAll(sentByType.keySet());
        names.addAll(errorsByType.keySet());
        List<Row> types = names.stream().map(type -> {
            Recording.TypeFigures figures = original.byType().get(type);
            Map<String, Long> originalErrors = new TreeMap<>();
            if (figures != null) {
                figures.errors().forEach((code, count) -> originalErrors.put(code, count * scale));
            }
            return new Row(type, figures == null ? 0 : figures.sent() * scale, sentByType.getOrDefault(type, 0L),
                    originalErrors, new TreeMap<>(errorsByType.getOrDefault(type, Map.of())));
        }).toList();
        Map<String, Long> replayRuns = new LinkedHashMap<>();
        replayRuns.put("started", runsStarted);
        new TreeMap<>(runsByStatus).forEach(replayRuns::put);
        TreeSet<String> runNames = new TreeSet<>(original.runs().keySet());
        runNames.addAll(replayRuns.keySet());
        runNames.remove("started");
        List<Row> runs = new java.util.ArrayList<>();
        runs.add(new Row("started", original.runs().getOrDefault("started", 0L) * scale, runsStarted, Map.of(),
                Map.of()));
        for (String status : runNames) {
            runs.add(new Row(status, original.runs().getOrDefault(status, 0L) * scale,
                    replayRuns.getOrDefault(status, 0L), Map.of(), Map.of()));
        }
        return new ReplayComparison(scale, types, List.copyOf(runs));
    }

    /** Whether every row matches. */
    public boolean matches() {
        return types.stream().allMatch(Row::matches) && runs.stream().allMatch(Row::matches);
    }

    /** The comparison for terminals. */
    public String table() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%nreplay vs recording%s%n%-24s %10s %10s  %-30s %-30s%n",
                usersScale == 1 ? "" : " (recording x " + usersScale + ")", "type", "recorded", "replayed",
                "recorded errors", "replayed errors"));
        for (Row row : types) {
            out.append(String.format(Locale.ROOT, "%-24s %,10d %,10d  %-30s %-30s%s%n", row.name(), row.original(),
                    row.replay(), codes(row.originalErrors()), codes(row.replayErrors()), row.matches() ? "" : "  *"));
        }
        for (Row row : runs) {
            out.append(String.format(Locale.ROOT, "%-24s %,10d %,10d%s%n", "runs " + row.name(), row.original(),
                    row.replay(), row.matches() ? "" : "  *"));
        }
        out.append(matches() ? "every figure as recorded\n" : "* differs from the recording\n");
        return out.toString().replaceAll(" +\n", "\n");
    }

    private static String codes(Map<String, Long> errors) {
        if (errors.isEmpty()) {
            return "-";
        }
        StringBuilder text = new StringBuilder();
        errors.forEach((code, count) -> text.append(text.length() == 0 ? "" : " ").append(code).append(' ')
                .append(count));
        return text.toString();
    }
}
