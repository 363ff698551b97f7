package dev.switchboard.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConsoleHelpTest {

    @Test
    void helpNamesTheWindowsOptionsNotOnlyTheHeadlessCommands() {
        StringWriter out = new StringWriter();
        int code = new CommandLine(new ConsoleCli()).setOut(new PrintWriter(out)).execute("help");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("simulate", "bench", "attack", "--remote=", "--token-file=",
                "$SWITCHBOARD_TOKEN", "--embedded-nodes=", "--open=");
    }
}
