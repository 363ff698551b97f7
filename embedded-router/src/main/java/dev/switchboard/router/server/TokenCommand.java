package dev.switchboard.router.server;

import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code token}: prints a JWT signed with {@code $SWITCHBOARD_JWT_SECRET}. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a JWT (HS256) signed with $" + TokenService.SECRET_ENV + ".")
final class TokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--user", required = true, description = "User id (the token's sub): 1-64 of [A-Za-z0-9._@-].")
    String user;

    @Option(names = "--role", description = "viewer or operator, for the monitor; none for a chat client.")
    String role;

    @Option(names = "--ttl", defaultValue = "1h", converter = DurationConverter.class,
            description = "How long the token is valid: e.g. 15m, 1h, 7d; a user token (no --role) at most 24h "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @Override
    public Integer call() {
        String secret = System.getenv(TokenService.SECRET_ENV);
        if (secret == null || secret.isEmpty()) {
            spec.commandLine().getErr().println("error: set " + TokenService.SECRET_ENV
                    + " (at least " + TokenService.MIN_SECRET_BYTES + " bytes) to the router's secret");
            return 2;
        }
        Role parsed;
        try {
            parsed = role == null ? Role.USER : Role.parse(role);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: --role must be viewer or operator");
            return 2;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            spec.commandLine().getErr().println("error: --ttl must be positive");
            return 2;
        }
        try {
            spec.commandLine().getOut().println(new TokenService(secret, Clock.systemUTC()).mint(user, parsed, ttl));
            return 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
    }
}
