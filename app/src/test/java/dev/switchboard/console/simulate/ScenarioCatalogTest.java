package dev.switchboard.console.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioCatalogTest {
    /** Tests run in {@code app/}; the scenarios are in the repository root's {@code src/scenarios}. */
    private static final Path APP = Path.of("");

    private static String name(Path file) {
        return file.getFileName().toString();
    }

    @Test
    void findsTheShippedScenariosFromTheAppDirectoryAndFromTheRepositoryRoot() {
        ScenarioCatalog fromApp = ScenarioCatalog.find(APP);
        ScenarioCatalog fromRoot = ScenarioCatalog.find(APP.toAbsolutePath().getParent());

        // (recordings a developer made from the console, in recordings/, come after these)
        assertThat(fromApp.files()).filteredOn(file -> file.getParent().equals(fromApp.directory()))
                .extracting(ScenarioCatalogTest::name)
                .containsExactly("chat-100.json", "cluster-chat.json", "flood-one-user.json", "smoke.json",
                        "soak-1000.json", "wide-8000.json");
        assertThat(fromRoot.files()).isEqualTo(fromApp.files());
    }

    @Test
    void clusterChatGivesSixtyUsersTwoConnectionsEachAndAgentRunsForHalfAMinute() throws Exception {
        Scenario cluster = Scenario.read(ScenarioCatalog.find(APP).directory().resolve("cluster-chat.json"));

        assertThat(cluster.totalUsers()).isEqualTo(60);
        assertThat(cluster.durationMs()).isEqualTo(30_000);
        assertThat(cluster.groups()).singleElement().satisfies(group -> {
            assertThat(group.connectionsPerUser()).isEqualTo(2);
            assertThat(group.mix()).containsKey("user_message");
        });
    }

    @Test
    void listsTheRecordingsSavedFromTheConsoleAfterTheScenarios(@TempDir Path root) throws Exception {
        Path scenarios = Files.createDirectories(root.resolve("src").resolve("scenarios"));
        Files.writeString(scenarios.resolve("zeta.json"), "{}");
        Files.writeString(scenarios.resolve("alpha.json"), "{}");
        Path recordings = Files.createDirectories(scenarios.resolve(ScenarioCatalog.RECORDINGS));
        Files.writeString(recordings.resolve("recording-2.rec.json"), "{}");
        Files.writeString(recordings.resolve("recording-1.rec.json"), "{}");
        Files.writeString(recordings.resolve("notes.txt"), "");

        assertThat(ScenarioCatalog.find(root).files()).extracting(ScenarioCatalogTest::name)
                .containsExactly("alpha.json", "zeta.json", "recording-1.rec.json", "recording-2.rec.json");
    }

    @Test
    void findsNothingWhereThereAreNoScenarios(@TempDir Path empty) throws Exception {
        Path nested = Files.createDirectories(empty.resolve("a").resolve("b"));

        ScenarioCatalog catalog = ScenarioCatalog.find(nested);

        assertThat(catalog.directory()).isNull();
        assertThat(catalog.files()).isEmpty();
    }

    @Test
    void spreadsAnotherUserCountOverTheGroupsInProportion() throws Exception {
        Scenario flood = Scenario.read(ScenarioCatalog.find(APP).directory().resolve("flood-one-user.json"));

        Scenario scaled = ScenarioCatalog.withUsers(flood, 42);

        assertThat(scaled.totalUsers()).isEqualTo(42);
        assertThat(scaled.groups()).extracting(Scenario.Group::users).containsExactly(2, 40);
        assertThat(scaled.groups().get(0).expectedErrors()).isEqualTo(flood.groups().get(0).expectedErrors());
        assertThat(ScenarioCatalog.withUsers(flood, 2).groups()).extracting(Scenario.Group::users).containsExactly(1, 1);
        assertThat(ScenarioCatalog.withUsers(flood, flood.totalUsers())).isSameAs(flood);
        assertThatThrownBy(() -> ScenarioCatalog.withUsers(flood, 1)).hasMessageContaining("at least 2");
    }
}
