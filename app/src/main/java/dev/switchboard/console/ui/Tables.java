package dev.switchboard.console.ui;

import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

/** Small helpers the views share to build their tables. */
public final class Tables {

    private Tables() {
    }

    /** Adds a read-only text column showing {@code value} of each row. */
    public static <T> void textColumn(TableView<T> table, String title, Function<T, String> value) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        table.getColumns().add(column);
    }
}
