package dev.switchboard.console.ui.common;

import dev.switchboard.console.state.RoleViewModel;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.StackPane;

/**
 * An action only an operator may take: its button is disabled for a viewer, with a tooltip saying
 * why, instead of failing when clicked. The tooltip sits on a wrapper, since a disabled control gets
 * no mouse events and would never show its own.
 */
public final class OperatorOnly {

    private OperatorOnly() {
    }

    /**
     * Disables {@code button} unless {@code operator} holds, and also while {@code alsoDisabled}
     * does; returns the node to lay out in the button's place.
     *
     * @param action what the button does, in words ("Disconnecting"), for the tooltip
     */
    public static Node guard(Button button, ObservableBooleanValue operator, ObservableBooleanValue alsoDisabled,
                             String action) {
        button.disableProperty().bind(Bindings.createBooleanBinding(() -> !operator.get() || alsoDisabled.get(),
                operator, alsoDisabled));
        StackPane wrapper = new StackPane(button);
        wrapper.setId(button.getId() == null ? null : button.getId() + "-guard");
        Tooltip why = new Tooltip(action + " " + RoleViewModel.VIEWER_REASON);
        Runnable explain = () -> {
            if (operator.get()) {
                Tooltip.uninstall(wrapper, why);
            } else {
                Tooltip.install(wrapper, why);
            }
        };
        operator.addListener((observable, was, is) -> explain.run());
        explain.run();
        return wrapper;
    }

    /** The tooltip shown on {@code guarded} (the node {@link #guard} returned), or null. */
    public static Tooltip reason(Node guarded) {
        Object tip = guarded.getProperties().get("javafx.scene.control.Tooltip");
        return tip instanceof Tooltip tooltip ? tooltip : null;
    }
}
