package dev.switchboard.router.event;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls listeners so that none can break the router's contracts: each call in its own try/catch
 * (as resilience4j's {@code EventProcessor} does), so one throwing observer neither stops the others
 * nor what the caller does next, such as sending {@code agent_completed} to its user.
 */
public final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private Listeners() {
    }

    /** Calls {@code call} on one listener; if it throws, that is logged and the caller goes on. */
    public static <L> void notifyOne(L listener, Consumer<? super L> call, String event) {
        try {
            call.accept(listener);
        } catch (RuntimeException | LinkageError e) {
            log.warn("a listener of {} failed; the router went on", event, e);
        }
    }

    /** Calls {@code call} on every listener; a listener that throws is logged and skipped. */
    public static <L> void notifyEach(Iterable<? extends L> listeners, Consumer<? super L> call, String event) {
        for (L listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException | LinkageError e) {
                log.warn("a listener of {} failed; the others were told and the router went on", event, e);
            }
        }
    }
}
