package dev.switchboard.router.routing;

/**
 * Guards handlers (circuit breakers): asked before each call, told how each call went. A handler
 * failing unexpectedly is a failure; a {@link MessageRejected} is the handler answering a bad
 * request, which is a success.
 */
public interface HandlerGuard {

    /** Guards nothing. */
    HandlerGuard NONE = new HandlerGuard() {
        @Override
        public boolean tryAcquire(String type) {
            return true;
        }

        @Override
        public void succeeded(String type, long nanos) {
        }

        @Override
        public void failed(String type, long nanos, Throwable failure) {
        }
    };

    /** Whether the handler of {@code type} may be called now. */
    boolean tryAcquire(String type);

    void succeeded(String type, long nanos);

    void failed(String type, long nanos, Throwable failure);

    /** The state of the breaker around {@code type}'s handler ({@code closed}, {@code open}, …), for a trace; null without one. */
    default String state(String type) {
        return null;
    }
}
