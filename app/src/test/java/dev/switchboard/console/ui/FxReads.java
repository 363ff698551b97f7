package dev.switchboard.console.ui;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Reads of JavaFX state for the UI tests, made on the FX Application Thread. A test thread that reads
 * a control's text, an {@code isDisabled()}, a table's items or a row's property while the FX thread
 * changes them can see a half-made change or a {@code ConcurrentModificationException}; a read passed
 * through {@link #onFx} runs between two FX events instead. Collections are copied inside the read,
 * so the assertion afterwards works on a snapshot.
 */
public final class FxReads {
    /** How long a read waits for the FX thread: a blocked FX thread fails the test instead of hanging it. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private FxReads() {
    }

    /**
     * Runs {@code read} on the FX Application Thread and returns what it returned.
     *
     * @throws IllegalStateException if the FX thread does not answer within {@link #TIMEOUT}
     */
    public static <T> T onFx(Callable<T> read) {
        Future<T> answer = WaitForAsyncUtils.asyncFx(read);
        try {
            return answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // rethrown as it was thrown, so an assertion or exception inside the read reads as itself
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("a read on the FX thread failed", cause);
        } catch (TimeoutException e) {
            answer.cancel(false);
            throw new IllegalStateException("the FX thread did not answer a read within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a read on the FX thread", e);
        }
    }
}
