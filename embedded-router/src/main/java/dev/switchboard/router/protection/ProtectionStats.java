package dev.switchboard.router.protection;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the protection pipeline: refusals by reason, messages by class. */
public final class ProtectionStats {
    private final Map<FrameRejection.Reason, LongAdder> rejected = new EnumMap<>(FrameRejection.Reason.class);
    private final Map<Priority, LongAdder> classified = new EnumMap<>(Priority.class);

    public ProtectionStats() {
        for (FrameRejection.Reason reason : FrameRejection.Reason.values()) {
            rejected.put(reason, new LongAdder());
        }
        for (Priority priority : Priority.values()) {
            classified.put(priority, new LongAdder());
        }
    }

    /** Counts a refusal. */
    public void rejected(FrameRejection.Reason reason) {
        rejected.get(reason).increment();
    }

    void classified(Priority priority) {
        classified.get(priority).increment();
    }

    /** Refusals for one reason since start. */
    public long rejectedCount(FrameRejection.Reason reason) {
        return rejected.get(reason).sum();
    }

    /** Messages classified into one class since start. */
    public long classifiedCount(Priority priority) {
        return classified.get(priority).sum();
    }
}
