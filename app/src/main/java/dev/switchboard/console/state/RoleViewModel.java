package dev.switchboard.console.state;

import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * What this console may do on the router it watches: {@code operator} or {@code viewer}, from the
 * first snapshot of a remote router's {@code /monitor} (which names the token's role). A router the
 * console runs itself sends no role: the console is its operator. Until a snapshot came the role is
 * unknown and nothing is allowed, so an action never fails for a reason the console could have shown.
 */
public final class RoleViewModel implements MonitorBatch.Listener {
    public static final String OPERATOR = "operator";
    public static final String VIEWER = "viewer";
    /** Why an operator action is disabled for a viewer (the buttons' tooltip). */
    public static final String VIEWER_REASON = "needs the operator role: this console's token is a viewer's";

    private final ReadOnlyStringWrapper role = new ReadOnlyStringWrapper(this, "role", "");
    private final BooleanBinding operator = Bindings.equal(OPERATOR, role);

    @Override
    public void apply(MonitorBatch batch) {
        if (!role.get().isEmpty()) {
            return;
        }
        for (MonitorFrame frame : batch.frames()) {
            if (frame instanceof MonitorSnapshot snapshot) {
                role.set(snapshot.role() == null ? OPERATOR : snapshot.role());
                return;
            }
        }
    }

    /** {@code operator}, {@code viewer}, or empty before the first snapshot. */
    public ReadOnlyStringProperty roleProperty() {
        return role.getReadOnlyProperty();
    }

    /** Whether operator actions are allowed. */
    public BooleanBinding operatorBinding() {
        return operator;
    }
}
