package dev.switchboard.console.ui.common;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.monitor.wire.CommandReply;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The last operator command's answer in words, as a view shows it next to its buttons: "disconnected
 * 2", "refused: forbidden (…)", "failed: …". One answer per click, so it goes to the UI thread
 * directly.
 */
public final class CommandOutcome {
    private final Executor uiThread;
    private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper(this, "text", "");

    /**
     * @param uiThread runs the answer's display (the FX thread's {@code Platform::runLater}; a test's
     *                 {@code Runnable::run})
     */
    public CommandOutcome(Executor uiThread) {
        this.uiThread = Objects.requireNonNull(uiThread, "uiThread must not be null");
    }

    /** Shows {@code answer}, when it comes, in {@code words}; a failure or an unreadable answer says so. */
    public void show(CompletionStage<ObjectNode> answer, Function<CommandReply, String> words) {
        answer.whenComplete((reply, failure) -> {
            String shown;
            try {
                shown = failure != null ? "failed: " + failure.getMessage() : words.apply(CommandReply.of(reply));
            } catch (IllegalArgumentException unreadable) {
                shown = "failed: the router's answer could not be read";
            }
            String now = shown;
            uiThread.execute(() -> text.set(now));
        });
    }

    /** A refusal in words: "refused: forbidden (this command needs the operator role)". */
    public static String refusal(CommandReply reply) {
        return "refused: " + reply.code() + " (" + reply.message() + ")";
    }

    /** The last answer in words, empty before the first. */
    public ReadOnlyStringProperty textProperty() {
        return text.getReadOnlyProperty();
    }
}
