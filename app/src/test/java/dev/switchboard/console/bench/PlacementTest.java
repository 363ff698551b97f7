package dev.switchboard.console.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A child started where a {@link ChildProcess.Placement} says runs there: the CPUs and the nice it reports. */
class PlacementTest {
    /** The child's own view: its allowed CPUs, then its nice. */
    private static final List<String> WHERE_AM_I = List.of("sh", "-c",
            "grep '^Cpus_allowed_list' /proc/self/status | cut -f2; nice");

    private static String run(ChildProcess.Placement placement) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(placement.apply(WHERE_AM_I)).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(child.waitFor()).as(out).isZero();
        return out;
    }

    private static boolean hasTaskset() throws InterruptedException {
        try {
            return new ProcessBuilder("taskset", "-V").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aChildRunsOnTheCpusAndAtTheNiceItIsGiven() throws Exception {
        assumeThat(Files.exists(Path.of("/proc/self/status"))).as("Linux").isTrue();
        assumeThat(hasTaskset()).as("taskset").isTrue();

        assertThat(run(new ChildProcess.Placement(7, "0"))).isEqualTo("0\n7");
    }

    @Test
    void anywhereLeavesTheCommandAsItIs() throws Exception {
        assertThat(ChildProcess.Placement.ANYWHERE.apply(WHERE_AM_I)).isEqualTo(WHERE_AM_I);
        assertThat(new ChildProcess.Placement(3, null).apply(List.of("java"))).containsExactly("nice", "-n", "3", "java");
    }
}
