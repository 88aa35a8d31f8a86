package dev.squall.stormui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.storm.generated.ClusterSummary;
import org.apache.storm.generated.ComponentAggregateStats;
import org.apache.storm.generated.ComponentPageInfo;
import org.apache.storm.generated.ErrorInfo;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.Nimbus;
import org.apache.storm.generated.NimbusSummary;
import org.apache.storm.generated.RebalanceOptions;
import org.apache.storm.generated.SupervisorSummary;
import org.apache.storm.generated.TopologyPageInfo;
import org.apache.storm.generated.TopologyStats;
import org.apache.storm.generated.TopologySummary;
import org.apache.storm.utils.NimbusClient;
import org.apache.storm.utils.Utils;

/**
 * A small stand-in for Storm's UI REST API and logviewer, for squall's test cluster.
 *
 * <p>storm-webapp (the real UIServer and LogviewerServer) is not published to Maven Central, so a
 * STORM_HOME assembled from Central has no UI. This serves the subset of the UI REST API that squall's
 * tests and CLI use, with the real field names, answered from Nimbus Thrift, and serves worker and
 * daemon log files the way the logviewer's download endpoints do.
 *
 * <p>Usage: {@code java -cp <classes>:<lib-worker>/*:<conf> dev.squall.stormui.SquallStormUi ui|logviewer}
 */
public final class SquallStormUi {
    private static Map<String, Object> conf;

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !(args[0].equals("ui") || args[0].equals("logviewer"))) {
            System.err.println("usage: SquallStormUi ui|logviewer");
            System.exit(2);
        }
        conf = Utils.readStormConfig();
        boolean ui = args[0].equals("ui");
        String host = String.valueOf(conf.getOrDefault("ui.host", "127.0.0.1"));
        int port = ((Number) conf.get(ui ? "ui.port" : "logviewer.port")).intValue();
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.createContext("/", ui ? SquallStormUi::ui : SquallStormUi::logviewer);
        server.start();
        System.out.println("squall storm " + args[0] + " listening on " + host + ":" + port);
    }

    // ---------------------------------------------------------------- UI REST

    private static void ui(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String[] p = path.replaceAll("/+$", "").split("/");
        // p = ["", "api", "v1", ...]
        try (NimbusClient nc = NimbusClient.getConfiguredClient(conf)) {
            Nimbus.Iface n = nc.getClient();
            if (p.length < 4 || !p[1].equals("api") || !p[2].equals("v1")) {
                send(ex, 404, json(Map.of("error", "not found", "errorMessage", path)));
                return;
            }
            String method = ex.getRequestMethod();
            Object out;
            if (method.equals("GET") && path.startsWith("/api/v1/cluster/summary")) {
                out = clusterSummary(n.getClusterInfo());
            } else if (method.equals("GET") && path.startsWith("/api/v1/supervisor/summary")) {
                List<Object> sups = new ArrayList<>();
                for (SupervisorSummary s : n.getClusterInfo().get_supervisors()) {
                    sups.add(supervisor(s));
                }
                out = Map.of("supervisors", sups);
            } else if (method.equals("GET") && path.startsWith("/api/v1/nimbus/summary")) {
                List<Object> ns = new ArrayList<>();
                for (NimbusSummary s : n.getClusterInfo().get_nimbuses()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("host", s.get_host());
                    m.put("port", s.get_port());
                    m.put("status", s.is_isLeader() ? "Leader" : "Not a Leader");
                    m.put("nimbusUpTimeSeconds", s.get_uptime_secs());
                    m.put("version", s.get_version());
                    ns.add(m);
                }
                out = Map.of("nimbuses", ns);
            } else if (method.equals("GET") && path.startsWith("/api/v1/topology/summary")) {
                List<Object> ts = new ArrayList<>();
                for (TopologySummary t : n.getClusterInfo().get_topologies()) {
                    ts.add(topologySummary(t));
                }
                out = Map.of("topologies", ts);
            } else if (p.length >= 5 && p[3].equals("topology")) {
                String id = resolveId(n, URLDecoder.decode(p[4], StandardCharsets.UTF_8));
                String window = q.getOrDefault("window", ":all-time");
                boolean sys = "true".equals(q.get("sys"));
                if (method.equals("GET") && p.length == 5) {
                    out = topologyPage(n.getTopologyPageInfo(id, window, sys), window);
                } else if (method.equals("GET") && p.length == 7 && p[5].equals("component")) {
                    out = componentPage(n.getComponentPageInfo(id, URLDecoder.decode(p[6], StandardCharsets.UTF_8), window, sys), window);
                } else if (method.equals("POST") && p.length >= 6) {
                    String name = n.getTopologyPageInfo(id, ":all-time", false).get_name();
                    int wait = p.length >= 7 ? Integer.parseInt(p[6]) : 0;
                    switch (p[5]) {
                        case "activate": n.activate(name); break;
                        case "deactivate": n.deactivate(name); break;
                        case "kill": {
                            KillOptions o = new KillOptions();
                            o.set_wait_secs(wait);
                            n.killTopologyWithOpts(name, o);
                            break;
                        }
                        case "rebalance": {
                            RebalanceOptions o = new RebalanceOptions();
                            o.set_wait_secs(wait);
                            n.rebalance(name, o);
                            break;
                        }
                        default:
                            send(ex, 404, json(Map.of("error", "not found", "errorMessage", path)));
                            return;
                    }
                    out = Map.of("topologyOperation", p[5], "topologyId", id, "status", "success");
                } else {
                    send(ex, 404, json(Map.of("error", "not found", "errorMessage", path)));
                    return;
                }
            } else {
                send(ex, 404, json(Map.of("error", "not found", "errorMessage", path)));
                return;
            }
            send(ex, 200, json(out));
        } catch (org.apache.storm.generated.NotAliveException e) {
            send(ex, 404, json(Map.of("error", "NotAliveException", "errorMessage", String.valueOf(e.get_msg()))));
        } catch (Exception e) {
            send(ex, 500, json(Map.of("error", e.getClass().getName(), "errorMessage", String.valueOf(e.getMessage()))));
        }
    }

    private static String resolveId(Nimbus.Iface n, String idOrName) throws Exception {
        for (TopologySummary t : n.getClusterInfo().get_topologies()) {
            if (t.get_id().equals(idOrName) || t.get_name().equals(idOrName)) {
                return t.get_id();
            }
        }
        return idOrName;
    }

    private static Map<String, Object> clusterSummary(ClusterSummary c) {
        int slotsTotal = 0;
        int slotsUsed = 0;
        for (SupervisorSummary s : c.get_supervisors()) {
            slotsTotal += s.get_num_workers();
            slotsUsed += s.get_num_used_workers();
        }
        int tasks = 0;
        int executors = 0;
        for (TopologySummary t : c.get_topologies()) {
            tasks += t.get_num_tasks();
            executors += t.get_num_executors();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stormVersion", org.apache.storm.utils.VersionInfo.getVersion());
        m.put("supervisors", c.get_supervisors().size());
        m.put("topologies", c.get_topologies().size());
        m.put("slotsTotal", slotsTotal);
        m.put("slotsUsed", slotsUsed);
        m.put("slotsFree", slotsTotal - slotsUsed);
        m.put("executorsTotal", executors);
        m.put("tasksTotal", tasks);
        m.put("squallStandIn", true);
        return m;
    }

    private static Map<String, Object> supervisor(SupervisorSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.get_supervisor_id());
        m.put("host", s.get_host());
        m.put("uptimeSeconds", s.get_uptime_secs());
        m.put("slotsTotal", s.get_num_workers());
        m.put("slotsUsed", s.get_num_used_workers());
        m.put("slotsFree", s.get_num_workers() - s.get_num_used_workers());
        m.put("version", s.get_version());
        return m;
    }

    private static Map<String, Object> topologySummary(TopologySummary t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.get_id());
        m.put("encodedId", t.get_id());
        m.put("name", t.get_name());
        m.put("status", t.get_status());
        m.put("uptimeSeconds", t.get_uptime_secs());
        m.put("workersTotal", t.get_num_workers());
        m.put("executorsTotal", t.get_num_executors());
        m.put("tasksTotal", t.get_num_tasks());
        m.put("schedulerInfo", t.get_sched_status());
        m.put("stormVersion", t.get_storm_version());
        return m;
    }

    private static Map<String, Object> topologyPage(TopologyPageInfo t, String window) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.get_id());
        m.put("encodedId", t.get_id());
        m.put("name", t.get_name());
        m.put("status", t.get_status());
        m.put("uptimeSeconds", t.get_uptime_secs());
        m.put("workersTotal", t.get_num_workers());
        m.put("executorsTotal", t.get_num_executors());
        m.put("tasksTotal", t.get_num_tasks());
        m.put("schedulerInfo", t.get_sched_status());
        m.put("window", window);
        List<Object> stats = new ArrayList<>();
        TopologyStats ts = t.get_topology_stats();
        if (ts != null && ts.get_window_to_emitted() != null) {
            for (String w : ts.get_window_to_emitted().keySet()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("window", w);
                s.put("emitted", orZero(ts.get_window_to_emitted(), w));
                s.put("transferred", orZero(ts.get_window_to_transferred(), w));
                s.put("acked", orZero(ts.get_window_to_acked(), w));
                s.put("failed", orZero(ts.get_window_to_failed(), w));
                Object lat = ts.get_window_to_complete_latencies_ms() == null ? null
                    : ts.get_window_to_complete_latencies_ms().get(w);
                s.put("completeLatency", lat == null ? 0.0 : lat);
                stats.add(s);
            }
        }
        m.put("topologyStats", stats);
        m.put("spouts", components(t.get_id_to_spout_agg_stats(), "spoutId"));
        m.put("bolts", components(t.get_id_to_bolt_agg_stats(), "boltId"));
        m.put("configuration", t.get_topology_conf() == null ? null
            : org.apache.storm.shade.net.minidev.json.JSONValue.parse(t.get_topology_conf()));
        return m;
    }

    private static Object orZero(Map<String, Long> m, String k) {
        return m == null || m.get(k) == null ? 0L : m.get(k);
    }

    private static List<Object> components(Map<String, ComponentAggregateStats> stats, String idKey) {
        List<Object> out = new ArrayList<>();
        if (stats == null) {
            return out;
        }
        for (Map.Entry<String, ComponentAggregateStats> e : stats.entrySet()) {
            Map<String, Object> m = aggregate(e.getValue());
            Map<String, Object> withId = new LinkedHashMap<>();
            withId.put(idKey, e.getKey());
            withId.put("encodedId", e.getKey());
            withId.putAll(m);
            out.add(withId);
        }
        return out;
    }

    private static Map<String, Object> aggregate(ComponentAggregateStats a) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (a.get_common_stats() != null) {
            var c = a.get_common_stats();
            m.put("executors", c.get_num_executors());
            m.put("tasks", c.get_num_tasks());
            m.put("emitted", c.get_emitted());
            m.put("transferred", c.get_transferred());
            m.put("acked", c.get_acked());
            m.put("failed", c.get_failed());
        }
        if (a.get_specific_stats() != null) {
            var s = a.get_specific_stats();
            if (s.is_set_bolt()) {
                m.put("executed", s.get_bolt().get_executed());
                m.put("capacity", String.format("%.3f", s.get_bolt().get_capacity()));
                m.put("executeLatency", String.format("%.3f", s.get_bolt().get_execute_latency_ms()));
                m.put("processLatency", String.format("%.3f", s.get_bolt().get_process_latency_ms()));
            } else if (s.is_set_spout()) {
                m.put("completeLatency", String.format("%.3f", s.get_spout().get_complete_latency_ms()));
            }
        }
        ErrorInfo err = a.get_last_error();
        m.put("lastError", err == null ? "" : err.get_error());
        m.put("errorTime", err == null ? null : err.get_error_time_secs());
        m.put("errorHost", err == null ? "" : err.get_host());
        m.put("errorPort", err == null ? "" : err.get_port());
        return m;
    }

    private static Map<String, Object> componentPage(ComponentPageInfo c, String window) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.get_component_id());
        m.put("encodedId", c.get_component_id());
        m.put("name", c.get_topology_name());
        m.put("topologyId", c.get_topology_id());
        m.put("componentType", c.get_component_type() == null ? null : c.get_component_type().name().toLowerCase());
        m.put("executors", c.get_num_executors());
        m.put("tasks", c.get_num_tasks());
        m.put("window", window);
        if (c.get_window_to_stats() != null && c.get_window_to_stats().get(window) != null) {
            m.putAll(aggregate(c.get_window_to_stats().get(window)));
            m.put("executors", c.get_num_executors()); // the per-window stats leave these at 0
            m.put("tasks", c.get_num_tasks());
        }
        List<Object> errors = new ArrayList<>();
        if (c.get_errors() != null) {
            for (ErrorInfo e : c.get_errors()) {
                Map<String, Object> em = new LinkedHashMap<>();
                em.put("error", e.get_error());
                em.put("errorTime", e.get_error_time_secs());
                em.put("errorHost", e.get_host());
                em.put("errorPort", e.get_port());
                errors.add(em);
            }
        }
        m.put("componentErrors", errors);
        return m;
    }

    // ---------------------------------------------------------------- logviewer

    /**
     * GET /api/v1/log?file=<topo-id>/<port>/worker.log[&start=N&length=N] : text of a worker log.
     * GET /api/v1/download?file=... : the same, whole. GET /api/v1/daemonlog?file=nimbus.log : daemon log.
     * GET /api/v1/listLogs?topologyId=<id> (as Storm's logviewer; also /api/v1/list?topoId=) : JSON list of worker log files.
     */
    private static void logviewer(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            Path logDir = Paths.get(String.valueOf(conf.getOrDefault("storm.log.dir", "logs"))).toAbsolutePath().normalize();
            Path workers = logDir.resolve("workers-artifacts");
            if (path.equals("/api/v1/list") || path.equals("/api/v1/listLogs") || path.equals("/api/v1/searchLogs")) {
                List<String> files = new ArrayList<>();
                // Storm's logviewer names the parameter topologyId (listLogs); topoId is kept for old callers.
                String topo = q.containsKey("topologyId") ? q.get("topologyId") : q.get("topoId");
                Path root = topo != null ? workers.resolve(topo).normalize() : workers;
                if (root.startsWith(workers) && Files.isDirectory(root)) {
                    try (Stream<Path> s = Files.walk(root)) {
                        s.filter(Files::isRegularFile).forEach(f -> files.add(workers.relativize(f).toString()));
                    }
                }
                files.sort(null);
                send(ex, 200, json(files));
                return;
            }
            boolean daemon = path.equals("/api/v1/daemonlog") || path.equals("/api/v1/daemondownload");
            if (!(daemon || path.equals("/api/v1/log") || path.equals("/api/v1/download")) || !q.containsKey("file")) {
                send(ex, 404, json(Map.of("error", "not found", "errorMessage", path)));
                return;
            }
            Path base = daemon ? logDir : workers;
            Path f = base.resolve(q.get("file")).normalize();
            if (!f.startsWith(base) || !Files.isRegularFile(f)) {
                send(ex, 404, json(Map.of("error", "not found", "errorMessage", q.get("file"))));
                return;
            }
            long size = Files.size(f);
            long length = q.containsKey("length") ? Long.parseLong(q.get("length")) : size;
            long start = q.containsKey("start") ? Long.parseLong(q.get("start")) : Math.max(0, size - length);
            start = Math.max(0, Math.min(start, size));
            length = Math.max(0, Math.min(length, size - start));
            // Streamed in chunks: worker logs grow to tens of MB, more than this daemon's small heap.
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(200, length == 0 ? -1 : length);
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r"); OutputStream os = ex.getResponseBody()) {
                raf.seek(start);
                byte[] buf = new byte[64 << 10];
                long left = length;
                while (left > 0) {
                    int n = raf.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        break;
                    }
                    os.write(buf, 0, n);
                    left -= n;
                }
            }
        } catch (Exception e) {
            send(ex, 500, json(Map.of("error", e.getClass().getName(), "errorMessage", String.valueOf(e.getMessage()))));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null) {
            return m;
        }
        for (String kv : raw.split("&")) {
            int i = kv.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
            String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    private static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
        ex.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    static String json(Object o) {
        StringBuilder sb = new StringBuilder();
        write(sb, o);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object o) {
        if (o == null) {
            sb.append("null");
        } else if (o instanceof String) {
            sb.append('"');
            String s = (String) o;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"': sb.append("\\\""); break;
                    case '\\': sb.append("\\\\"); break;
                    case '\n': sb.append("\\n"); break;
                    case '\r': sb.append("\\r"); break;
                    case '\t': sb.append("\\t"); break;
                    default:
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                }
            }
            sb.append('"');
        } else if (o instanceof Double || o instanceof Float) {
            double d = ((Number) o).doubleValue();
            sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (o instanceof Number || o instanceof Boolean) {
            sb.append(o);
        } else if (o instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                write(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (o instanceof Collection) {
            sb.append('[');
            boolean first = true;
            for (Object x : (Collection<?>) o) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                write(sb, x);
            }
            sb.append(']');
        } else {
            write(sb, String.valueOf(o));
        }
    }
}
