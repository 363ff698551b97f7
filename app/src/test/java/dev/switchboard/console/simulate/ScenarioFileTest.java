package dev.switchboard.console.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.console.cli.ConsoleCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Scenario files are read strictly: a wrong type or an unknown key never silently becomes a default. */
class ScenarioFileTest {

    private static Scenario parse(String json) {
        return ScenarioFile.parse(json, "test.json");
    }

    @Test
    void refusesTextWhereANumberIsDueNamingTheKey() {
        assertThatThrownBy(() -> parse("{\"users\":\"five\",\"duration_ms\":1000}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("users: must be a whole number");
        assertThatThrownBy(() -> parse("{\"duration_ms\":1000,\"think_time\":{\"mean_ms\":\"fast\"}}"))
                .hasMessage("think_time.mean_ms: must be a whole number");
        assertThatThrownBy(() -> parse("{\"duration_ms\":1000,\"users\":\"5\"}"))
                .hasMessage("users: must be a whole number");
        assertThatThrownBy(() -> parse("{\"duration_ms\":1000,\"reconnect\":\"yes\"}"))
                .hasMessage("reconnect: must be true or false");
    }

    @Test
    void refusesAnUnknownKeyWithItsPlace() {
        assertThatThrownBy(() -> parse("{\"duration_ms\":1000,\"groups\":[{\"users\":2,\"userz\":3}]}"))
                .hasMessage("unknown key 'userz' in groups[0]");
        assertThatThrownBy(() -> parse("{\"duration_ms\":1000,\"think_tme\":{}}"))
                .hasMessage("unknown key 'think_tme' in the scenario");
    }

    @Test
    void refusesValuesOutOfRangeAndUnknownErrorCodes() {
        assertThatThrownBy(() -> parse("{\"duration_ms\":1000,\"ramp_up_ms\":-5}"))
                .hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> parse("{\"duration_ms\":1000,\"expect\":{\"errors\":[\"rate_limitd\"]}}"))
                .hasMessageContaining("'rate_limitd', which is no error code");
        assertThatThrownBy(() -> parse("{\"duration_ms\":1000,\"users\":2,\"groups\":[{\"users\":1}]}"))
                .hasMessage("with groups, each group's keys go inside its group");
    }

    @Test
    void readsAValidScenarioWithItsDefaults() {
        Scenario scenario = parse("{\"duration_ms\":1000,\"users\":3,\"mix\":{\"ping\":1}}");

        assertThat(scenario.name()).isEqualTo("test");
        assertThat(scenario.totalUsers()).isEqualTo(3);
        assertThat(scenario.drainMs()).isEqualTo(10_000);
        assertThat(scenario.groups().get(0).thinkTime().distribution()).isEqualTo("exponential");
    }

    @Test
    void simulateExitsTwoOnAWronglyTypedScenario(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"users\":\"five\",\"think_time\":{\"mean_ms\":\"fast\"}}");
        StringWriter err = new StringWriter();

        int exit = new CommandLine(new ConsoleCli()).setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true))
                .execute("simulate", "--url", "ws://127.0.0.1:9/ws", "--scenario", file.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("bad.json: users: must be a whole number");
    }
}
