package dev.switchboard.console.state;

import dev.switchboard.console.contract.RunContract;
import java.util.ArrayList;
import java.util.List;

/** What can look wrong with a run's events: missing kinds, order ({@link RunContract}), silence. */
final class RunChecks {

    private RunChecks() {
    }

    static String flags(List<TimelineEvent> events, String status, boolean stuck) {
        RunContract contract = new RunContract();
        events.forEach(event -> contract.accept(event.type(), event.seq(), event.tool()));
        List<String> flags = new ArrayList<>();
        if (!status.equals("running")) {
            List<String> missing = contract.missing();
            if (!missing.isEmpty()) {
                flags.add("missing " + String.join(", ", missing));
            }
        }
        if (!contract.inOrder()) {
            flags.add("out of order");
        }
        if (stuck) {
            flags.add("stuck");
        }
        return String.join("; ", flags);
    }
}
