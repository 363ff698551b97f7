package dev.switchboard.console.ui.types;

import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.TypeRow;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Orientation;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import java.util.function.Function;

/** Counts, rates and errors per message type: a sortable table and a bar chart. */
public final class TypesView extends SplitPane {
    private final ConsoleState state;
    private final TableView<TypeRow> table = new TableView<>();
    private final XYChart.Series<String, Number> counts = new XYChart.Series<>();

    public TypesView(ConsoleState state) {
        this.state = state;
        createView();
        state.types().addListener((ListChangeListener<TypeRow>) change -> redraw());
    }

    private void createView() {
        setId("types");
        setOrientation(Orientation.VERTICAL);
        table.setId("types-table");
        table.setItems(state.types());
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        column("Type", TypeRow::type);
        column("Count", TypeRow::count);
        column("Per second", TypeRow::rate);
        column("Handler errors", TypeRow::errors);
        BarChart<String, Number> chart = new BarChart<>(new CategoryAxis(), new NumberAxis());
        chart.setId("types-chart");
        chart.setAnimated(false);
        chart.setLegendVisible(false);
        chart.getData().add(counts);
        getItems().addAll(table, chart);
    }

    private <T> void column(String title, Function<TypeRow, T> value) {
        TableColumn<TypeRow, T> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        table.getColumns().add(column);
    }

    private void redraw() {
        List<XYChart.Data<String, Number>> bars = new ArrayList<>();
        state.types().forEach(row -> bars.add(new XYChart.Data<>(row.type(), row.count())));
        counts.getData().setAll(bars);
    }
}
