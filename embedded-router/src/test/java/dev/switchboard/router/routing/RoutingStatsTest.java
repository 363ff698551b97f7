package dev.switchboard.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.protocol.ErrorCode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Errors sent, counted by code and by the type of the message they answered. */
class RoutingStatsTest {

    @Test
    void errorsSentGoUnderTheirServedTypeAndMadeUpTypesShareOneRow() {
        RoutingStats stats = new RoutingStats();
        stats.servedTypes(Set.of("ping", "user_message")::contains);
        stats.errorSent("ping", ErrorCode.RATE_LIMITED);
        stats.errorSent("ping", ErrorCode.RATE_LIMITED);
        stats.errorSent("user_message", ErrorCode.INVALID_MESSAGE);
        for (int i = 0; i < 1_000; i++) {
            stats.errorSent("made-up-" + i, ErrorCode.UNKNOWN_TYPE);
        }
        stats.errorSent(null, ErrorCode.UNKNOWN_TYPE);
        stats.errorSent(RoutingStats.UNPARSED_TYPE, ErrorCode.INVALID_JSON);
        // a message a client named "invalid" is an unknown type, not a refused frame
        stats.errorSent(RoutingStats.UNPARSED_TYPE, ErrorCode.UNKNOWN_TYPE);

        RoutingStats.Snapshot snapshot = stats.snapshot();
        assertThat(snapshot.errorsSentByType()).isEqualTo(Map.of("ping", 2L, "user_message", 1L,
                RoutingStats.UNKNOWN_TYPES, 1_002L, RoutingStats.REFUSED_FRAMES, 1L));
        assertThat(snapshot.errorsSent()).containsEntry("rate_limited", 2L).containsEntry("unknown_type", 1_002L)
                .containsEntry("invalid_json", 1L).containsEntry("invalid_message", 1L);
    }
}
