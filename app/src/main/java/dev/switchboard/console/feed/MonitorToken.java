package dev.switchboard.console.feed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where the console's monitor token comes from, in this order: {@code --token-file=PATH} (its first
 * line), the environment variable {@code SWITCHBOARD_TOKEN}, then {@code --token=JWT}. The last is
 * still accepted but warned about: a token on the command line is visible to every user of the
 * machine in {@code ps}.
 */
public final class MonitorToken {
    /** The environment variable holding the token. */
    public static final String ENV = "SWITCHBOARD_TOKEN";
    /** What the console says when a token is given on the command line. */
    public static final String VISIBLE_IN_PS = "warning: a token given with --token= is visible to every user of this"
            + " machine (ps); use $" + ENV + " or --token-file=PATH";

    private MonitorToken() {
    }

    /**
     * The token to use, from the console's named parameters and the environment.
     *
     * @param named       {@code --name=value} parameters
     * @param environment reads an environment variable
     * @param warnings    where a warning goes
     * @throws IllegalArgumentException when there is none, or the token file cannot be read or is empty
     */
    public static String resolve(Map<String, String> named, Function<String, String> environment,
                                 Consumer<String> warnings) {
        String file = named.get("token-file");
        if (file != null) {
            return fromFile(Path.of(file));
        }
        String fromEnvironment = environment.apply(ENV);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.trim();
        }
        String onCommandLine = named.get("token");
        if (onCommandLine != null && !onCommandLine.isBlank()) {
            warnings.accept(VISIBLE_IN_PS);
            return onCommandLine.trim();
        }
        throw new IllegalArgumentException("--remote needs a token with role viewer or operator: $" + ENV
                + " or --token-file=PATH (a file holding the token)");
    }

    private static String fromFile(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token file " + file + ": " + e.getMessage(), e);
        }
        String token = content.lines().map(String::trim).filter(line -> !line.isEmpty()).findFirst().orElse("");
        if (token.isEmpty()) {
            throw new IllegalArgumentException("the token file " + file + " is empty");
        }
        return token;
    }
}
