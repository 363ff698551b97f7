package dev.switchboard.console.feed;

import dev.switchboard.router.Router;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Where the traffic the console watches can be recorded from ({@link ConsoleFeed#recordingSource()}):
 * the router in this process, the monitors of routers elsewhere (a cluster's live nodes) with the
 * token the console uses, or nowhere, with the reason.
 */
public sealed interface RecordingSource {

    /** The router running in this process: recorded through {@link Router#record}, without a socket. */
    record InProcess(Router router) implements RecordingSource {
        public InProcess {
            Objects.requireNonNull(router, "router must not be null");
        }
    }

    /**
     * Routers elsewhere, through their {@code /monitor} endpoints.
     *
     * @param monitors the endpoints, the one attached to first (a cluster's other members are
     *                 followed from its snapshot)
     * @param token    the token the console watches them with (recording needs the operator role)
     */
    record Monitors(List<URI> monitors, String token) implements RecordingSource {
        public Monitors {
            monitors = List.copyOf(monitors);
            Objects.requireNonNull(token, "token must not be null");
        }
    }

    /** Nothing to record from, and why (a saved session, no node connected). */
    record Unavailable(String why) implements RecordingSource {
        public Unavailable {
            Objects.requireNonNull(why, "why must not be null");
        }
    }
}
