package dev.switchboard.console.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorTokenTest {
    private final List<String> warnings = new ArrayList<>();

    @Test
    void aTokenFileComesFirstThenTheEnvironmentThenTheCommandLineWithAWarning(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "\n  eyJ.file.token  \n");
        Map<String, String> all = Map.of("token-file", file.toString(), "token", "eyJ.flag");

        assertThat(MonitorToken.resolve(all, name -> "eyJ.env", warnings::add)).isEqualTo("eyJ.file.token");
        assertThat(MonitorToken.resolve(Map.of("token", "eyJ.flag"), name -> "eyJ.env", warnings::add))
                .isEqualTo("eyJ.env");
        assertThat(warnings).isEmpty();

        assertThat(MonitorToken.resolve(Map.of("token", "eyJ.flag"), name -> null, warnings::add))
                .isEqualTo("eyJ.flag");
        assertThat(warnings).containsExactly(MonitorToken.VISIBLE_IN_PS);
    }

    @Test
    void noTokenAnEmptyFileOrAMissingOneSaySoInWords(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> MonitorToken.resolve(Map.of(), name -> null, warnings::add))
                .hasMessageContaining("$SWITCHBOARD_TOKEN").hasMessageContaining("--token-file");
        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        assertThatThrownBy(() -> MonitorToken.resolve(Map.of("token-file", empty.toString()), name -> null,
                warnings::add)).hasMessageContaining("is empty");
        assertThatThrownBy(() -> MonitorToken.resolve(Map.of("token-file", dir.resolve("nope").toString()),
                name -> null, warnings::add)).hasMessageContaining("cannot read the token file");
    }
}
