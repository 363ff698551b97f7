package dev.switchboard.console.ui.audit;

import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The audit view's state: every operator action the router reported (who, what, with which
 * arguments, and the answer, refusals included), newest first, bounded: the last 100 from before
 * the console attached (its first snapshot's), then every one since. No scene graph.
 */
public final class AuditViewModel implements MonitorBatch.Listener {
    /** Actions the view keeps: far more than an incident's worth. */
    static final int LIMIT = 1_000;

    /**
     * One operator action.
     *
     * @param at      when the router carried it out or refused it
     * @param by      who (the subject of the operator's token; {@code embedded} for an embedding process)
     * @param action  the command ({@code breaker}, {@code disconnect_user}, …)
     * @param args    its arguments as JSON
     * @param outcome {@code done} or {@code refused: <code>}
     * @param result  the router's answer as JSON
     */
    public record ActionRow(Instant at, String by, String action, String args, String outcome, String result) {
        static ActionRow of(MonitorEvent.OperatorAction action) {
            String result = action.result() == null ? "{}" : action.result().toString();
            return new ActionRow(action.at(), orEmpty(action.by()), orEmpty(action.action()),
                    action.args() == null ? "{}" : action.args().toString(),
                    action.done() ? "done" : "refused: " + action.result().path("error").asText(), result);
        }

        private static String orEmpty(String text) {
            return text == null ? "" : text;
        }
    }

    private final ObservableList<ActionRow> actions = FXCollections.observableArrayList();
    private final ObservableList<ActionRow> actionsView = FXCollections.unmodifiableObservableList(actions);

    @Override
    public void apply(MonitorBatch batch) {
        List<ActionRow> newest = new ArrayList<>();
        for (MonitorFrame frame : batch.frames()) {
            if (frame instanceof MonitorSnapshot snapshot && actions.isEmpty() && newest.isEmpty()) {
                // what was changed before the console attached
                snapshot.recentActions().forEach(action -> newest.add(0, ActionRow.of(action)));
            } else if (frame instanceof MonitorUpdate update) {
                for (MonitorEvent event : update.events()) {
                    if (event instanceof MonitorEvent.OperatorAction action) {
                        newest.add(0, ActionRow.of(action));
                    }
                }
            }
        }
        if (!newest.isEmpty()) {
            actions.addAll(0, newest);
            if (actions.size() > LIMIT) {
                actions.remove(LIMIT, actions.size());
            }
        }
    }

    /** Every action kept, newest first. */
    public ObservableList<ActionRow> actions() {
        return actionsView;
    }
}
