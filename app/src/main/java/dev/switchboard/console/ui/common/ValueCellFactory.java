package dev.switchboard.console.ui.common;

import java.util.function.Function;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.Tooltip;
import javafx.util.Callback;

/**
 * The one way a table cell renders its value (JabRef's {@code ValueTableCellFactory}): the text to
 * show and, optionally, a tooltip, both worked out from the cell's value. An empty cell, or one
 * whose value is null, shows nothing.
 *
 * <pre>{@code
 * column.setCellFactory(new ValueCellFactory<Row, Instant>()
 *         .withText(TimeOfDay::format).withTooltip(TimeOfDay::iso));
 * }</pre>
 *
 * @param <S> the table's row type
 * @param <T> the column's value type
 */
public final class ValueCellFactory<S, T> implements Callback<TableColumn<S, T>, TableCell<S, T>> {
    private Function<T, String> text = String::valueOf;
    private Function<T, String> tooltip;
    private Function<T, String> styleClass;

    /** What the cell shows for a value (default: {@code String.valueOf}). */
    public ValueCellFactory<S, T> withText(Function<T, String> toText) {
        this.text = toText;
        return this;
    }

    /** What the cell's tooltip says for a value. */
    public ValueCellFactory<S, T> withTooltip(Function<T, String> toTooltip) {
        this.tooltip = toTooltip;
        return this;
    }

    /** The style class a cell takes for a value (null for none), e.g. to colour a state. */
    public ValueCellFactory<S, T> withStyleClass(Function<T, String> toStyleClass) {
        this.styleClass = toStyleClass;
        return this;
    }

    /** Renders {@code column}'s cells with this factory; returns the column. */
    public TableColumn<S, T> install(TableColumn<S, T> column) {
        column.setCellFactory(this);
        return column;
    }

    @Override
    public TableCell<S, T> call(TableColumn<S, T> column) {
        return new TableCell<>() {
            /** One tooltip per cell, its text changed as the cell is reused (cells are recycled while scrolling). */
            private final Tooltip hint = tooltip == null ? null : new Tooltip();
            /** The style class this factory gave the cell for its last value, taken off when the value changes. */
            private String styled;

            @Override
            protected void updateItem(T value, boolean empty) {
                super.updateItem(value, empty);
                if (styled != null) {
                    getStyleClass().remove(styled);
                    styled = null;
                }
                if (empty || value == null) {
                    setText(null);
                    setTooltip(null);
                    return;
                }
                setText(text.apply(value));
                if (styleClass != null) {
                    styled = styleClass.apply(value);
                    if (styled != null) {
                        getStyleClass().add(styled);
                    }
                }
                if (hint != null) {
                    hint.setText(tooltip.apply(value));
                    setTooltip(hint);
                }
            }
        };
    }
}
