package dev.switchboard.console.ui;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.LongConsumer;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * A saved session's time, as a slider from its first frame to its last: letting go of it (or moving
 * it with the keyboard) shows every view as it was at that moment. One move, one replay: dragging
 * only moves the label.
 */
final class SessionTimeBar extends HBox {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final Slider slider;
    private final Label at = new Label();

    SessionTimeBar(long fromMillis, long toMillis, long atMillis, LongConsumer seek) {
        slider = new Slider(fromMillis, Math.max(toMillis, fromMillis + 1), Math.min(Math.max(atMillis, fromMillis),
                toMillis));
        slider.setId("session-slider");
        slider.setBlockIncrement(Math.max(1_000, (toMillis - fromMillis) / 50.0));
        Tooltip.install(slider, new Tooltip("Drag and let go, or use the arrow keys: every view shows the session"
                + " as it was then"));
        at.setId("session-time");
        at.setMinWidth(210);
        Label title = new Label("Session time");
        Label span = new Label(TIME.format(Instant.ofEpochMilli(fromMillis)) + " – " + TIME.format(
                Instant.ofEpochMilli(toMillis)));
        setId("session-bar");
        setSpacing(10);
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(4, 12, 4, 12));
        HBox.setHgrow(slider, Priority.ALWAYS);
        getChildren().addAll(title, slider, at, span);
        showAt((long) slider.getValue(), toMillis);
        slider.valueProperty().addListener((observable, before, value) -> {
            showAt(value.longValue(), toMillis);
            if (!slider.isValueChanging()) {
                seek.accept(value.longValue());
            }
        });
        slider.valueChangingProperty().addListener((observable, was, changing) -> {
            if (was && !changing) {
                seek.accept((long) slider.getValue());
            }
        });
    }

    private void showAt(long millis, long toMillis) {
        at.setText("showing " + TIME.format(Instant.ofEpochMilli(millis)) + (millis >= toMillis ? " (the end)"
                : " (" + (toMillis - millis) / 1000 + " s before the end)"));
    }
}
