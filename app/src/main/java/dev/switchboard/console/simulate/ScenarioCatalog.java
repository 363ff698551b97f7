package dev.switchboard.console.simulate;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The scenario files the simulate panel offers: the {@code *.json} in {@code src/scenarios} of
 * the working directory or its parent (the console runs from the repository root or from
 * {@code app/}), sorted by name, then those in its {@code recordings/} (where the panel's Record…
 * saves by default).
 *
 * @param directory where they were found, or null when neither place has one
 * @param files     the scenario files, sorted by name, the recordings last
 */
public record ScenarioCatalog(Path directory, List<Path> files) {
    static final Path DIRECTORY = Path.of("src", "scenarios");
    /** Where the console saves recordings, inside {@link #directory()}. */
    public static final String RECORDINGS = "recordings";

    public ScenarioCatalog {
        files = List.copyOf(files);
    }

    /** Finds the shipped scenarios from {@code workingDir}. */
    public static ScenarioCatalog find(Path workingDir) {
        Path start = workingDir.toAbsolutePath().normalize();
        for (Path dir : new Path[] {start, start.getParent()}) {
            if (dir != null && Files.isDirectory(dir.resolve(DIRECTORY))) {
                return new ScenarioCatalog(dir.resolve(DIRECTORY), list(dir.resolve(DIRECTORY)));
            }
        }
        return new ScenarioCatalog(null, List.of());
    }

    /** The shipped scenarios sorted by name, then the recordings made from the console ({@code recordings/}). */
    private static List<Path> list(Path directory) {
        List<Path> found = jsonFiles(directory);
        found.addAll(jsonFiles(directory.resolve(RECORDINGS)));
        return found;
    }

    private static List<Path> jsonFiles(Path directory) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            files.forEach(file -> {
                if (Files.isRegularFile(file)) {
                    found.add(file);
                }
            });
        } catch (IOException e) {
            return new ArrayList<>();
        }
        found.sort(null);
        return found;
    }

    /**
     * The scenario with {@code users} virtual users in all, spread over its groups in proportion
     * to their sizes (each group keeps at least one user); the scenario itself when it already
     * has that many.
     */
    public static Scenario withUsers(Scenario scenario, int users) {
        Objects.requireNonNull(scenario, "scenario must not be null");
        if (scenario.replay() != null) {
            // a recording's users are cloned as a whole: the nearest whole number of times
            int recorded = Math.max(1, scenario.replay().recording().users().size());
            int scale = (int) Math.max(1, Math.min(1_000, Math.round((double) users / recorded)));
            return scale == scenario.replay().usersScale() ? scenario
                    : scenario.replayed(scenario.replay().speed(), scale);
        }
        if (users < scenario.groups().size()) {
            throw new IllegalArgumentException("this scenario needs at least " + scenario.groups().size()
                    + " users (one per group)");
        }
        int total = scenario.totalUsers();
        if (users == total) {
            return scenario;
        }
        List<Scenario.Group> groups = new ArrayList<>();
        int left = users;
        for (int i = 0; i < scenario.groups().size(); i++) {
            Scenario.Group group = scenario.groups().get(i);
            int groupsAfter = scenario.groups().size() - i - 1;
            // the last group takes what rounding left over, so the sum is exactly `users`
            int share = groupsAfter == 0 ? left
                    : (int) Math.max(1, Math.min(left - groupsAfter, Math.round((double) group.users() * users / total)));
            left -= share;
            groups.add(group.withUsers(share));
        }
        return new Scenario(scenario.name(), scenario.description(), scenario.durationMs(), scenario.drainMs(), groups);
    }
}
