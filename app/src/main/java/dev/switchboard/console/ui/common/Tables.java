package dev.switchboard.console.ui.common;

import java.time.Instant;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableValue;
import javafx.collections.ObservableList;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;

/**
 * The one way the views build their tables: a table that fills its width, and read-only columns
 * showing a text, a number or a property of each row.
 */
public final class Tables {

    private Tables() {
    }

    /** Gives {@code table} its id and rows; the last column takes the width the others leave. */
    public static <T> TableView<T> fill(TableView<T> table, String id, ObservableList<T> rows) {
        table.setId(id);
        table.setItems(rows);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        return table;
    }

    /** As {@link #fill(TableView, String, ObservableList)}, saying {@code whenEmpty} while there are no rows. */
    public static <T> TableView<T> fill(TableView<T> table, String id, ObservableList<T> rows, String whenEmpty) {
        table.setPlaceholder(placeholder(whenEmpty));
        return fill(table, id, rows);
    }

    /**
     * Keeps {@code column} between {@code min} and {@code max} wide (starting at {@code min}): a long
     * text in a later column must not squeeze it away.
     */
    public static <C extends javafx.scene.control.TableColumnBase<?, ?>> C bounded(C column, double min, double max) {
        column.setMinWidth(min);
        column.setPrefWidth(min);
        column.setMaxWidth(max);
        return column;
    }

    /** What an empty table or tree says instead of JavaFX's "No content in table". */
    public static Label placeholder(String text) {
        Label label = new Label(text);
        label.getStyleClass().add("table-placeholder");
        label.setWrapText(true);
        return label;
    }

    /** Adds a read-only text column showing {@code value} of each row. */
    public static <T> TableColumn<T, String> textColumn(TableView<T> table, String title, Function<T, String> value) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        table.getColumns().add(column);
        return column;
    }

    /** Adds a read-only column showing {@code value} of each row as it is (sorted by its natural order). */
    public static <T, V> TableColumn<T, V> valueColumn(TableView<T> table, String title, Function<T, V> value) {
        TableColumn<T, V> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        table.getColumns().add(column);
        return column;
    }

    /**
     * Adds a column showing an instant of each row as the time of day ({@code HH:mm:ss.SSS}, local),
     * with the full ISO-8601 timestamp as a tooltip; sorted by the instant.
     */
    public static <T> TableColumn<T, Instant> timeColumn(TableView<T> table, String title, Function<T, Instant> value) {
        return new ValueCellFactory<T, Instant>().withText(TimeOfDay::format).withTooltip(TimeOfDay::iso)
                .install(valueColumn(table, title, value));
    }

    /** Adds a right-aligned column showing a count of each row, with thousands separators ("1,936"). */
    public static <T> TableColumn<T, Long> numberColumn(TableView<T> table, String title, ToLongFunction<T> value) {
        TableColumn<T, Long> column = new ValueCellFactory<T, Long>()
                .withText(count -> String.format(java.util.Locale.ROOT, "%,d", count))
                .install(valueColumn(table, title, value::applyAsLong));
        column.setStyle("-fx-alignment: CENTER-RIGHT;");
        return column;
    }

    /** Adds a right-aligned column showing a figure of each row with one decimal. */
    public static <T> TableColumn<T, Double> decimalColumn(TableView<T> table, String title, ToDoubleFunction<T> value) {
        TableColumn<T, Double> column = new ValueCellFactory<T, Double>().withText(figure -> String.format("%.1f", figure))
                .install(valueColumn(table, title, value::applyAsDouble));
        column.setStyle("-fx-alignment: CENTER-RIGHT;");
        return column;
    }

    /** Adds a column bound to a property of each row, so the cell follows the row's changes. */
    public static <T, V> TableColumn<T, V> propertyColumn(TableView<T> table, String title,
                                                          Function<T, ObservableValue<V>> property) {
        TableColumn<T, V> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> property.apply(cell.getValue()));
        table.getColumns().add(column);
        return column;
    }

    /** Adds a read-only text column to a tree table; the (value-less) root shows nothing. */
    public static <T> TreeTableColumn<T, String> textColumn(TreeTableView<T> tree, String title,
                                                            Function<T, String> value) {
        TreeTableColumn<T, String> column = new TreeTableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(
                cell.getValue().getValue() == null ? "" : value.apply(cell.getValue().getValue())));
        tree.getColumns().add(column);
        return column;
    }
}
