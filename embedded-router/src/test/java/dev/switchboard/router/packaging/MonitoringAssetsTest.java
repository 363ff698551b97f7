package dev.switchboard.router.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.router.Router;
import dev.switchboard.router.support.EmbeddedRedis;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestCluster;
import dev.switchboard.router.support.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Grafana dashboard and the Prometheus alert rules in {@code packaging/} only name metrics and
 * labels that a real router exposes: two cluster nodes on a real Redis carry traffic, and every
 * {@code switchboard_*} name (and every label it is selected or grouped by) must be in their
 * {@code /metrics}. Renaming a metric breaks this test, not the dashboard.
 */
@ExtendWith(NoLeakedThreads.class)
class MonitoringAssetsTest {
    private static final Path PACKAGING = Path.of("..", "packaging");
    private static final Pattern METRIC = Pattern.compile("\\b(switchboard_[a-z0-9_]+)\\b");
    private static final Pattern SELECTOR = Pattern.compile("\\b(switchboard_[a-z0-9_]+)\\{([^}]*)}");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-z_]+)\\s*(=~|!~|!=|=)");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    /** Labels Prometheus adds at scrape time or histogram_quantile needs: not the router's to expose. */
    private static final Set<String> SCRAPE_LABELS = Set.of("instance", "job", "le");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @RegisterExtension
    static final EmbeddedRedis.PerClass REDIS = new EmbeddedRedis.PerClass();

    @Test
    void everyMetricAndLabelTheDashboardAndAlertsUseExistsInARealRoutersMetrics() throws Exception {
        List<String> expressions = new ArrayList<>(dashboardExpressions());
        expressions.addAll(alertExpressions());
        Map<String, Set<String>> exposed;
        try (TestCluster cluster = new TestCluster(REDIS.redis())) {
            List<Router> nodes = cluster.start(2);
            putTrafficThrough(nodes);
            exposed = labelsByMetric(scrape(nodes.get(0)));
        }

        Set<String> missing = new TreeSet<>();
        for (String expr : expressions) {
            Set<String> names = matches(METRIC, expr, 1);
            names.stream().filter(name -> !exposed.containsKey(name)).forEach(name -> missing.add(name + " in " + expr));
            Matcher selector = SELECTOR.matcher(expr);
            while (selector.find()) {
                for (String label : matches(MATCHER_LABEL, selector.group(2), 1)) {
                    if (!SCRAPE_LABELS.contains(label) && !exposed.getOrDefault(selector.group(1), Set.of())
                            .contains(label)) {
                        missing.add("label " + label + " of " + selector.group(1) + " in " + expr);
                    }
                }
            }
            Matcher grouping = GROUPING.matcher(expr);
            while (grouping.find()) {
                for (String label : grouping.group(1).split("\\s*,\\s*")) {
                    if (!label.isBlank() && !SCRAPE_LABELS.contains(label.trim()) && names.stream()
                            .noneMatch(name -> exposed.getOrDefault(name, Set.of()).contains(label.trim()))) {
                        missing.add("grouping label " + label.trim() + " in " + expr);
                    }
                }
            }
        }
        assertThat(missing).as("metrics and labels used but not exposed by the router").isEmpty();
        assertThat(expressions.stream().flatMap(expr -> matches(METRIC, expr, 1).stream()).collect(Collectors.toSet()))
                .as("the dashboard and alerts watch the cluster too")
                .contains("switchboard_cluster_redis_up", "switchboard_cluster_nodes",
                        "switchboard_cluster_undelivered_total", "switchboard_routing_latency_seconds_bucket");
    }

    @Test
    void dashboardIsImportableWithTheDatasourceAsAVariable() throws IOException {
        JsonNode dashboard = JSON.readTree(PACKAGING.resolve("grafana/switchboard.json").toFile());

        assertThat(dashboard.path("uid").asText()).isEqualTo("switchboard-router");
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        assertThat(dashboard.has("id")).as("an exported id would clash on import").isFalse();
        JsonNode datasource = variable(dashboard, "datasource");
        assertThat(datasource.path("type").asText()).isEqualTo("datasource");
        assertThat(datasource.path("query").asText()).isEqualTo("prometheus");

        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id %s", panel.path("id")).isTrue();
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("w").asInt()).as("width of %s", panel.path("title")).isBetween(1, 24);
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).isLessThanOrEqualTo(24);
            assertThat(grid.path("h").asInt()).isPositive();
            assertThat(panel.path("title").asText()).isNotBlank();
            if (!"row".equals(panel.path("type").asText())) {
                assertThat(panel.path("datasource").path("uid").asText()).as("datasource of %s", panel.path("title"))
                        .isEqualTo("${datasource}");
                assertThat(panel.path("targets")).as("queries of %s", panel.path("title")).isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("expr").asText()).isNotBlank();
                    assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
                }
            }
        }
        assertThat(ids).hasSizeGreaterThan(30);
    }

    @Test
    void everyAlertHasASeverityASummaryAndAnExpression() throws IOException {
        JsonNode rules = YAML.readTree(PACKAGING.resolve("prometheus/alerts.yml").toFile());
        Set<String> alerts = new HashSet<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                assertThat(alerts.add(rule.path("alert").asText())).isTrue();
                assertThat(rule.path("expr").asText()).isNotBlank();
                assertThat(rule.path("labels").path("severity").asText()).isIn("critical", "warning");
                assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
            }
        }
        assertThat(alerts).contains("SwitchboardRouterDown", "SwitchboardRouterNotReady", "SwitchboardRoutingLatencyHigh",
                "SwitchboardErrorRateHigh", "SwitchboardBreakerOpen", "SwitchboardRolloutRolledBack",
                "SwitchboardSlowConsumers", "SwitchboardClusterRedisDown");
    }

    /** A run started on n1 streams to alice on n1 and n2; an invalid message gets an error. */
    private static void putTrafficThrough(List<Router> nodes) {
        try (WsClient onFirst = WsClient.connect(nodes.get(0).clientUri(), "alice");
             WsClient onSecond = WsClient.connect(nodes.get(1).clientUri(), "alice")) {
            TestCluster.awaitUserOn(nodes.get(0), "alice", "n1", "n2");
            onFirst.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "hi")));
            String runId = onFirst.awaitReply("m-1").path("run_id").asText();
            onFirst.awaitRun(runId);
            onSecond.awaitRun(runId);
            onFirst.send(Map.of("type", "ping", "message_id", "m-2"));
            onFirst.awaitReply("m-2");
            onFirst.send("{not json");
            onFirst.awaitType("error");
        }
    }

    private static String scrape(Router router) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + router.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** Sample name to the label names it carries, from the Prometheus text format. */
    private static Map<String, Set<String>> labelsByMetric(String exposition) {
        Map<String, Set<String>> labels = new HashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
            Set<String> names = labels.computeIfAbsent(name, key -> new HashSet<>());
            if (brace >= 0 && brace < space) {
                names.addAll(matches(Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\""),
                        line.substring(brace, line.lastIndexOf('}')), 1));
            }
        }
        return labels;
    }

    private static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = JSON.readTree(PACKAGING.resolve("grafana/switchboard.json").toFile());
        List<String> expressions = new ArrayList<>();
        dashboard.findValues("expr").forEach(expr -> expressions.add(expr.asText()));
        dashboard.findValues("definition").forEach(definition -> expressions.add(definition.asText()));
        assertThat(expressions).hasSizeGreaterThan(30);
        return expressions;
    }

    private static List<String> alertExpressions() throws IOException {
        List<String> expressions = YAML.readTree(PACKAGING.resolve("prometheus/alerts.yml").toFile())
                .findValues("expr").stream().map(JsonNode::asText).collect(Collectors.toList());
        assertThat(expressions).hasSizeGreaterThan(10);
        return expressions;
    }

    private static JsonNode variable(JsonNode dashboard, String name) {
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (name.equals(variable.path("name").asText())) {
                return variable;
            }
        }
        throw new AssertionError("no templating variable " + name);
    }

    private static Set<String> matches(Pattern pattern, String text, int group) {
        Set<String> found = new HashSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(group));
        }
        return found;
    }
}
