package dev.switchboard.console.ui.common;

import javafx.scene.control.Label;
import javafx.scene.layout.Pane;
import javafx.scene.layout.VBox;

/** A headline figure: a big value over its caption, styled by {@code console.css} ({@code .tile}). */
public final class StatTile {

    private StatTile() {
    }

    /**
     * Adds a tile to {@code tiles} and returns its value label (showing "–" until set).
     *
     * @param id the value label's id, which tests look it up by
     */
    public static Label addTo(Pane tiles, String id, String title) {
        Label value = new Label("–");
        value.setId(id);
        value.getStyleClass().add("tile-value");
        Label caption = new Label(title);
        caption.getStyleClass().add("tile-caption");
        VBox box = new VBox(2, value, caption);
        box.getStyleClass().add("tile");
        tiles.getChildren().add(box);
        return value;
    }
}
