package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The default socket limits, derived from the open-files limit (src/docs/security.md shows these figures). */
class DescriptorBudgetTest {
    private static final long HEAP = 4L * 1024 * 1024 * 1024;

    @Test
    void keepsAReserveForTheProcessAndItsSelectorsAndSplitsTheRestBetweenHandshakesAndConnections() {
        DescriptorBudget budget = DescriptorBudget.of(1024, 40, 2, HEAP);

        assertThat(budget.reserve()).isEqualTo(40 + 102 + 16);
        assertThat(budget.pendingHandshakes()).isEqualTo(173);
        assertThat(budget.connections()).isEqualTo(1024 - 158 - 173);
    }

    @Test
    void capsHandshakesAt4096AndAtAQuarterOfTheHeapAt64KibEach() {
        assertThat(DescriptorBudget.of(65_536, 40, 2, HEAP).pendingHandshakes()).isEqualTo(4_096);
        assertThat(DescriptorBudget.of(65_536, 40, 2, 256L * 1024 * 1024).pendingHandshakes()).isEqualTo(1_024);
    }

    @Test
    void neverSumsToMoreThanTheLimitAndAlwaysLeavesRoomForOneOfEach() {
        for (long limit : new long[] {256, 1024, 20_000, 1_048_576}) {
            DescriptorBudget budget = DescriptorBudget.of(limit, 40, 8, HEAP);
            assertThat(budget.reserve() + budget.pendingHandshakes() + budget.connections())
                    .as("limit %d", limit).isLessThanOrEqualTo(limit);
        }
        DescriptorBudget tiny = DescriptorBudget.of(64, 40, 8, HEAP);
        assertThat(tiny.pendingHandshakes()).isPositive();
        assertThat(tiny.connections()).isPositive();
    }

    @Test
    void countsTheClassPathsJarsNotOpenYet(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path unopened = java.nio.file.Files.write(dir.resolve("a.jar"), new byte[] {1});
        java.nio.file.Path held = java.nio.file.Files.write(dir.resolve("b.jar"), new byte[] {1});
        java.nio.file.Path classes = java.nio.file.Files.createDirectory(dir.resolve("classes"));
        String classPath = String.join(java.io.File.pathSeparator, unopened.toString(), held.toString(),
                classes.toString(), dir.resolve("missing.jar").toString());
        try (java.io.InputStream open = java.nio.file.Files.newInputStream(held)) {
            assertThat(DescriptorBudget.unopenedJars(classPath)).isEqualTo(1);
        }
        assertThat(DescriptorBudget.unopenedJars(classPath)).isEqualTo(2);
    }
}
