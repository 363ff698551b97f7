package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The {@code result} of the {@code connections} command: one page of the open connections, in
 * order of user id then connection id. Listed in {@code src/docs/protocol.md}.
 *
 * @param total       all open connections
 * @param matched     those the filter let through
 * @param offset      where this page starts among the matched ones
 * @param connections the page
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConnectionPage(int total, int matched, int offset, List<ConnectionSummary> connections) {
    public ConnectionPage {
        connections = connections == null ? List.of() : List.copyOf(connections);
    }
}
