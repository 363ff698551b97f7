package dev.switchboard.console.ui.common;

import dev.switchboard.console.state.NodeFilter;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.TableColumnBase;

/**
 * The one node filter of the views that list a cluster's rows: a choice of "All nodes" or one node,
 * shown (with the views' Node columns) only while the console watches a cluster.
 */
public final class NodeChoice {
    /** The choice that shows every node's rows. */
    public static final String ALL = "All nodes";

    private NodeChoice() {
    }

    /** A choice box with id {@code id} driving {@code filter}. */
    public static ChoiceBox<String> of(NodeFilter filter, String id) {
        ChoiceBox<String> choice = new ChoiceBox<>();
        choice.setId(id);
        fill(choice, filter);
        choice.setValue(ALL);
        filter.nodes().addListener((ListChangeListener<String>) change -> fill(choice, filter));
        choice.valueProperty().addListener((observable, before, value) ->
                filter.selectedProperty().set(value == null || value.equals(ALL) ? "" : value));
        choice.visibleProperty().bind(filter.clusteredBinding());
        choice.managedProperty().bind(filter.clusteredBinding());
        return choice;
    }

    /** Shows {@code column} only while the console watches a cluster. */
    public static void onlyInCluster(TableColumnBase<?, ?> column, NodeFilter filter) {
        column.visibleProperty().bind(filter.clusteredBinding());
    }

    private static void fill(ChoiceBox<String> choice, NodeFilter filter) {
        String kept = choice.getValue();
        List<String> items = new ArrayList<>();
        items.add(ALL);
        items.addAll(filter.nodes());
        choice.getItems().setAll(items);
        choice.setValue(kept != null && items.contains(kept) ? kept : ALL);
    }
}
