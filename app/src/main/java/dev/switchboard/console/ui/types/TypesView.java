package dev.switchboard.console.ui.types;

import dev.switchboard.console.state.TypeRow;
import dev.switchboard.console.ui.common.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.collections.ListChangeListener;
import javafx.geometry.Orientation;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;

/** Counts, rates and errors per message type: a sortable table and a bar chart. */
public final class TypesView extends SplitPane {
    private final TypesViewModel model;
    private final TableView<TypeRow> table = new TableView<>();
    private final XYChart.Series<String, Number> counts = new XYChart.Series<>();

    public TypesView(TypesViewModel model) {
        this.model = model;
        createView();
        initListeners();
    }

    private void createView() {
        setId("types");
        setOrientation(Orientation.VERTICAL);
        Tables.fill(table, "types-table", model.types(),
                "No message yet: the types clients send appear here, with their counts and errors.");
        Tables.valueColumn(table, "Type", TypeRow::type);
        Tables.numberColumn(table, "Routed", TypeRow::count);
        Tables.decimalColumn(table, "Per second", TypeRow::rate);
        Tables.numberColumn(table, "Errors sent", TypeRow::errorsSent);
        Tables.numberColumn(table, "Handler exceptions", TypeRow::errors);
        BarChart<String, Number> chart = new BarChart<>(new CategoryAxis(), new NumberAxis());
        chart.setId("types-chart");
        chart.setAnimated(false);
        chart.setLegendVisible(false);
        chart.getData().add(counts);
        getItems().addAll(table, chart);
    }

    private void initListeners() {
        model.types().addListener((ListChangeListener<TypeRow>) change -> redraw());
    }

    /**
     * Moves the bars to the new counts. Bars are kept and updated in place, and only a new type
     * gets a new one: each new bar makes the chart create a node with listeners that JavaFX 21
     * keeps (a console replacing its bars at 10 Hz held 175,000 of them after eight minutes).
     */
    private void redraw() {
        Map<String, XYChart.Data<String, Number>> shown = new HashMap<>();
        counts.getData().forEach(bar -> shown.put(bar.getXValue(), bar));
        List<XYChart.Data<String, Number>> bars = new ArrayList<>();
        for (TypeRow row : model.types()) {
            XYChart.Data<String, Number> bar = shown.get(row.type());
            if (bar == null) {
                bar = new XYChart.Data<>(row.type(), row.count());
            } else if (bar.getYValue().longValue() != row.count()) {
                bar.setYValue(row.count());
            }
            bars.add(bar);
        }
        if (!bars.equals(counts.getData())) {
            counts.getData().setAll(bars);
        }
    }

    /** The chart's bars now (for tests). */
    List<XYChart.Data<String, Number>> bars() {
        return List.copyOf(counts.getData());
    }
}
