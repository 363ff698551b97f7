package dev.switchboard.console.state;

import dev.switchboard.console.feed.ClusterPicture;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Which cluster node's rows a view shows: the nodes the console knows (the filter's choices) and
 * the chosen one (empty for every node). Stays empty for a router alone, whose views show no node.
 * No scene graph.
 */
public final class NodeFilter {
    private final ObservableList<String> nodes = FXCollections.observableArrayList();
    private final ObservableList<String> nodesView = FXCollections.unmodifiableObservableList(nodes);
    private final StringProperty selected = new SimpleStringProperty(this, "selected", "");
    private final BooleanBinding clustered = Bindings.isNotEmpty(nodes);

    /** Takes the node ids of a batch's node table, when it has one. */
    public void apply(MonitorBatch batch) {
        ClusterPicture picture = batch.cluster();
        if (picture != null) {
            List<String> ids = picture.nodeIds();
            if (!ids.equals(nodes)) {
                nodes.setAll(ids);
            }
        }
    }

    /** Whether a row of {@code nodeId} passes the filter. */
    public boolean accepts(String nodeId) {
        String wanted = selected.get();
        return wanted == null || wanted.isEmpty() || wanted.equals(nodeId);
    }

    /** The nodes known, sorted by id; empty for a router alone. */
    public ObservableList<String> nodes() {
        return nodesView;
    }

    /** The node whose rows are shown; empty for all. */
    public StringProperty selectedProperty() {
        return selected;
    }

    /** Whether the console watches a cluster (the views show a Node column and this filter). */
    public BooleanBinding clusteredBinding() {
        return clustered;
    }
}
