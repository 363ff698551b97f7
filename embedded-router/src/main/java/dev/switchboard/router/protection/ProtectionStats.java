package dev.switchboard.router.protection;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the protection pipeline: refusals by reason, messages by class. */
public final class ProtectionStats {
    private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);
    private final Map<Priority, LongAdder> classified = new EnumMap<>(Priority.class);

    public ProtectionStats() {
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, new LongAdder());
        }
        for (Priority priority : Priority.values()) {
            classified.put(priority, new LongAdder());
        }
    }

    /** Counts a refusal. */
    public void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    void classified(Priority priority) {
        classified.get(priority).increment();
    }

    /** Refusals for one reason since start. */
    public long rejectedCount(RejectReason reason) {
        return rejected.get(reason).sum();
    }

    /** Messages classified into one class since start. */
    public long classifiedCount(Priority priority) {
        return classified.get(priority).sum();
    }
}
