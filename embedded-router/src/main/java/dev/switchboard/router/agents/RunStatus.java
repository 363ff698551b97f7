package dev.switchboard.router.agents;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a run is; every status but {@link #RUNNING} is final. */
public enum RunStatus {
    RUNNING, COMPLETED, FAILED, CANCELLED;

    /** The status as sent in {@code agent_completed.data.status} (and in JSON generally). */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
