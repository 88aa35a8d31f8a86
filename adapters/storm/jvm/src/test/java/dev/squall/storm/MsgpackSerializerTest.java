package dev.squall.storm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.storm.generated.Bolt;
import org.apache.storm.generated.ComponentCommon;
import org.apache.storm.generated.ComponentObject;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.generated.Grouping;
import org.apache.storm.generated.NullStruct;
import org.apache.storm.generated.ShellComponent;
import org.apache.storm.generated.SpoutSpec;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.generated.StreamInfo;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.NoOutputException;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.multilang.SpoutMsg;
import org.apache.storm.serialization.KryoValuesDeserializer;
import org.apache.storm.serialization.KryoValuesSerializer;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.tuple.Fields;
import org.apache.storm.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

/**
 * Round trips over piped streams: the test plays the child process, writing and reading frames with
 * msgpack-core directly (4-byte big-endian length + one msgpack value).
 */
class MsgpackSerializerTest {
    private MsgpackSerializer ser;
    /** What the serializer writes to the child (the child's stdin). */
    private DataInputStream childStdin;
    /** What the child writes back (the child's stdout). */
    private DataOutputStream childStdout;

    @BeforeEach
    void setUp() throws IOException {
        PipedOutputStream toChild = new PipedOutputStream();
        PipedInputStream childIn = new PipedInputStream(toChild, 1 << 20);
        PipedOutputStream fromChild = new PipedOutputStream();
        PipedInputStream serIn = new PipedInputStream(fromChild, 1 << 20);
        ser = new MsgpackSerializer();
        ser.initialize(toChild, serIn);
        childStdin = new DataInputStream(childIn);
        childStdout = new DataOutputStream(fromChild);
    }

    @AfterEach
    void tearDown() throws IOException {
        childStdout.close();
    }

    // ------------------------------------------------------------ child side helpers

    private void childSend(Map<String, Object> m) throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        packValue(p, m);
        byte[] b = p.toByteArray();
        childStdout.writeInt(b.length);
        childStdout.write(b);
        childStdout.flush();
    }

    /** An encoder written independently of the serializer's, for the child side. */
    @SuppressWarnings("unchecked")
    private static void packValue(MessageBufferPacker p, Object o) throws IOException {
        if (o == null) {
            p.packNil();
        } else if (o instanceof String) {
            p.packString((String) o);
        } else if (o instanceof Integer || o instanceof Long) {
            p.packLong(((Number) o).longValue());
        } else if (o instanceof Double) {
            p.packDouble((Double) o);
        } else if (o instanceof Boolean) {
            p.packBoolean((Boolean) o);
        } else if (o instanceof byte[]) {
            p.packBinaryHeader(((byte[]) o).length);
            p.writePayload((byte[]) o);
        } else if (o instanceof Map) {
            Map<Object, Object> m = (Map<Object, Object>) o;
            p.packMapHeader(m.size());
            for (Map.Entry<Object, Object> e : m.entrySet()) {
                packValue(p, e.getKey());
                packValue(p, e.getValue());
            }
        } else if (o instanceof List) {
            List<Object> l = (List<Object>) o;
            p.packArrayHeader(l.size());
            for (Object x : l) {
                packValue(p, x);
            }
        } else {
            throw new IllegalArgumentException("test encoder: " + o.getClass());
        }
    }

    /** Read one frame written by the serializer, as msgpack-core's generic Value. */
    private Value childRead() throws IOException {
        int n = childStdin.readInt();
        assertTrue(n >= 0);
        byte[] b = new byte[n];
        childStdin.readFully(b);
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(b)) {
            Value v = u.unpackValue();
            assertFalse(u.hasNext(), "one value per frame");
            return v;
        }
    }

    private static Value get(Value map, String key) {
        for (Map.Entry<Value, Value> e : map.asMapValue().entrySet()) {
            if (e.getKey().isStringValue() && e.getKey().asStringValue().asString().equals(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    // ------------------------------------------------------------ handshake

    @Test
    void handshakeSendsConfPidDirContextAndReturnsPid() throws Exception {
        Map<String, Object> conf = new HashMap<>();
        conf.put("topology.name", "t");
        conf.put("topology.workers", 2);
        conf.put("topology.message.timeout.secs", 30L);
        conf.put("topology.stats.sample.rate", 0.05);
        conf.put("topology.debug", false);
        conf.put("storm.zookeeper.servers", Arrays.asList("127.0.0.1"));
        conf.put("nested", map("a", Arrays.asList(1, map("b", null))));
        conf.put("weird", new StringBuilder("sb"));
        Map<String, Object> context = new HashMap<>();
        Map<Integer, String> taskToComponent = new HashMap<>();
        taskToComponent.put(1, "__acker");
        taskToComponent.put(2, "split");
        context.put("task->component", taskToComponent);
        context.put("taskid", 2);
        context.put("componentid", "split");

        CompletableFuture<Number> pid = CompletableFuture.supplyAsync(() -> {
            try {
                return ser.connect(conf, "/tmp/pids", context);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Value hs = childRead();
        assertEquals("/tmp/pids", get(hs, "pidDir").asStringValue().asString());
        Value c = get(hs, "conf");
        assertEquals("t", get(c, "topology.name").asStringValue().asString());
        assertEquals(2, get(c, "topology.workers").asIntegerValue().asInt());
        assertEquals(30, get(c, "topology.message.timeout.secs").asIntegerValue().asInt());
        assertEquals(0.05, get(c, "topology.stats.sample.rate").asFloatValue().toDouble());
        assertFalse(get(c, "topology.debug").asBooleanValue().getBoolean());
        assertEquals("127.0.0.1", get(c, "storm.zookeeper.servers").asArrayValue().get(0).asStringValue().asString());
        assertTrue(get(get(c, "nested"), "a").asArrayValue().get(1).asMapValue().map().values().iterator().next().isNilValue());
        assertEquals("sb", get(c, "weird").asStringValue().asString());
        Value ctx = get(hs, "context");
        // integer keys become strings, as in the JSON protocol
        assertEquals("split", get(get(ctx, "task->component"), "2").asStringValue().asString());
        assertEquals(2, get(ctx, "taskid").asIntegerValue().asInt());

        childSend(map("pid", 4242));
        assertEquals(4242L, pid.get(5, TimeUnit.SECONDS).longValue());
    }

    @Test
    void contextHasTheJsonProtocolShape() throws Exception {
        // A small real topology: spout "src" -> bolt "split" (fields grouping on "word"), "split" -> "count" (global).
        NullStruct ns = new NullStruct();
        Map<String, StreamInfo> srcOut = new HashMap<>();
        srcOut.put("default", new StreamInfo(Arrays.asList("word"), false));
        Map<GlobalStreamId, Grouping> splitIn = new HashMap<>();
        splitIn.put(new GlobalStreamId("src", "default"), Grouping.fields(Arrays.asList("word")));
        Map<String, StreamInfo> splitOut = new HashMap<>();
        splitOut.put("default", new StreamInfo(Arrays.asList("w", "n"), false));
        splitOut.put("direct", new StreamInfo(Arrays.asList("x"), true));
        Map<GlobalStreamId, Grouping> countIn = new HashMap<>();
        countIn.put(new GlobalStreamId("split", "default"), Grouping.fields(new ArrayList<>()));
        countIn.put(new GlobalStreamId("split", "direct"), Grouping.direct(ns));
        ComponentObject sh = ComponentObject.shell(new ShellComponent("node", "main.js"));
        Map<String, SpoutSpec> spouts = new HashMap<>();
        spouts.put("src", new SpoutSpec(sh, new ComponentCommon(new HashMap<>(), srcOut)));
        Map<String, Bolt> bolts = new HashMap<>();
        bolts.put("split", new Bolt(sh, new ComponentCommon(splitIn, splitOut)));
        bolts.put("count", new Bolt(sh, new ComponentCommon(countIn, new HashMap<>())));
        StormTopology topo = new StormTopology(spouts, bolts, new HashMap<>());

        Map<Integer, String> taskToComponent = new HashMap<>();
        taskToComponent.put(1, "src");
        taskToComponent.put(2, "split");
        taskToComponent.put(3, "count");
        Map<String, List<Integer>> componentToTasks = new HashMap<>();
        componentToTasks.put("src", Arrays.asList(1));
        componentToTasks.put("split", Arrays.asList(2));
        componentToTasks.put("count", Arrays.asList(3));
        Map<String, Map<String, Fields>> fields = new HashMap<>();
        fields.put("src", new HashMap<>(Map.of("default", new Fields("word"))));
        fields.put("split", new HashMap<>(Map.of("default", new Fields("w", "n"), "direct", new Fields("x"))));
        fields.put("count", new HashMap<>());
        TopologyContext tc = new TopologyContext(topo, new HashMap<>(), taskToComponent, componentToTasks, fields,
            new HashMap<>(), "topo-1", "/code", "/pids", 2, 6700, Arrays.asList(1, 2, 3), new HashMap<>(),
            new HashMap<>(), new HashMap<>(), new HashMap<>(), new AtomicBoolean(false), null);

        CompletableFuture<Number> pid = CompletableFuture.supplyAsync(() -> {
            try {
                return ser.connect(new HashMap<>(), tc);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Value hs = childRead();
        assertEquals("/pids", get(hs, "pidDir").asStringValue().asString());
        Value ctx = get(hs, "context");
        assertEquals(2, get(ctx, "taskid").asIntegerValue().asInt());
        assertEquals("split", get(ctx, "componentid").asStringValue().asString());
        assertEquals("count", get(get(ctx, "task->component"), "3").asStringValue().asString());
        assertEquals(2, get(ctx, "streams").asArrayValue().size());
        assertEquals("n", get(get(ctx, "stream->outputfields"), "default").asArrayValue().get(1).asStringValue().asString());
        Value toCount = get(get(get(ctx, "stream->target->grouping"), "default"), "count");
        assertEquals("FIELDS", get(toCount, "type").asStringValue().asString());
        assertEquals(0, get(toCount, "fields").asArrayValue().size()); // global = fields with none
        Value directToCount = get(get(get(ctx, "stream->target->grouping"), "direct"), "count");
        assertEquals("DIRECT", get(directToCount, "type").asStringValue().asString());
        Value fromSrc = get(get(get(ctx, "source->stream->grouping"), "src"), "default");
        assertEquals("FIELDS", get(fromSrc, "type").asStringValue().asString());
        assertEquals("word", get(fromSrc, "fields").asArrayValue().get(0).asStringValue().asString());
        assertEquals("word", get(get(get(ctx, "source->stream->fields"), "src"), "default").asArrayValue()
            .get(0).asStringValue().asString());
        childSend(map("pid", 7));
        assertEquals(7L, pid.get(5, TimeUnit.SECONDS).longValue());
    }

    // ------------------------------------------------------------ child -> Storm

    @Test
    void spoutEmitWithAnyIdAndDefaults() throws Exception {
        childSend(map("command", "emit", "id", 17, "tuple", Arrays.asList("a", 1)));
        ShellMsg m = ser.readShellMsg();
        assertEquals("emit", m.getCommand());
        assertEquals(17L, m.getId());
        assertEquals("default", m.getStream());
        assertEquals(0L, m.getTask());
        assertTrue(m.areTaskIdsNeeded());
        assertNull(m.getAnchors());
        assertEquals(Arrays.asList("a", 1L), m.getTuple());

        childSend(map("command", "emit", "id", map("k", "v"), "stream", "s2", "tuple", new ArrayList<>(),
            "need_task_ids", false));
        m = ser.readShellMsg();
        assertEquals(map("k", "v"), m.getId());
        assertInstanceOf(HashMap.class, m.getId());
        assertEquals("s2", m.getStream());
        assertFalse(m.areTaskIdsNeeded());
    }

    @Test
    void directEmitWithSmallTaskIsALong() throws Exception {
        // The JSON serializer casts the task to Long and dies on small ints; msgpack must not.
        childSend(map("command", "emit", "task", 3, "anchors", Arrays.asList("-1234", "99"), "tuple", Arrays.asList(1)));
        ShellMsg m = ser.readShellMsg();
        assertEquals(3L, m.getTask());
        assertEquals(Arrays.asList("-1234", "99"), m.getAnchors());

        childSend(map("command", "emit", "anchors", "55", "tuple", Arrays.asList(1)));
        assertEquals(Arrays.asList("55"), ser.readShellMsg().getAnchors());
    }

    @Test
    void ackFailSyncErrorLogMetrics() throws Exception {
        childSend(map("command", "ack", "id", "-6955786537413359385"));
        ShellMsg m = ser.readShellMsg();
        assertEquals("ack", m.getCommand());
        assertEquals("-6955786537413359385", m.getId());

        childSend(map("command", "fail", "id", "12"));
        assertEquals("fail", ser.readShellMsg().getCommand());

        childSend(map("command", "sync"));
        assertEquals("sync", ser.readShellMsg().getCommand());

        childSend(map("command", "error", "msg", "boom"));
        m = ser.readShellMsg();
        assertEquals("error", m.getCommand());
        assertEquals("boom", m.getMsg());

        String[] levels = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};
        for (int i = 0; i < levels.length; i++) {
            childSend(map("command", "log", "msg", "hi", "level", i));
            m = ser.readShellMsg();
            assertEquals("hi", m.getMsg());
            assertEquals(levels[i], m.getLogLevel().name());
        }
        childSend(map("command", "log", "msg", "no level"));
        assertEquals("INFO", ser.readShellMsg().getLogLevel().name());

        childSend(map("command", "metrics", "name", "latency", "params", Arrays.asList(1.5, 2)));
        m = ser.readShellMsg();
        assertEquals("latency", m.getMetricName());
        assertEquals(Arrays.asList(1.5, 2L), m.getMetricParams());
    }

    @Test
    void decodedTuplesArePlainTypesThatStormKryoCarriesBetweenWorkers() throws Exception {
        Map<String, Object> nested = map("a", Arrays.asList(1, map("b", Arrays.asList(true, null, "x"))), "f", 3.25);
        byte[] bytes = {0, 1, 2, (byte) 255};
        childSend(map("command", "emit", "tuple", Arrays.asList(nested, Arrays.asList(1, Arrays.asList(2)),
            bytes, 1.0e-300, Long.MAX_VALUE, -1, "s", false, null)));
        List<Object> t = ser.readShellMsg().getTuple();
        assertInstanceOf(ArrayList.class, t);
        assertInstanceOf(HashMap.class, t.get(0));
        Map<?, ?> m0 = (Map<?, ?>) t.get(0);
        assertInstanceOf(ArrayList.class, m0.get("a"));
        assertInstanceOf(Long.class, ((List<?>) m0.get("a")).get(0));
        assertInstanceOf(HashMap.class, ((List<?>) m0.get("a")).get(1));
        assertInstanceOf(Double.class, m0.get("f"));
        assertInstanceOf(ArrayList.class, t.get(1));
        assertArrayEquals(bytes, (byte[]) t.get(2));
        assertEquals(1.0e-300, t.get(3));
        assertEquals(Long.MAX_VALUE, t.get(4));
        assertEquals(-1L, t.get(5));

        // Storm's own Kryo setup (default registrations, no Java serialization fallback) must carry it.
        Map<String, Object> conf = Utils.readDefaultConfig();
        conf.put("topology.fall.back.on.java.serialization", false);
        byte[] wire = new KryoValuesSerializer(conf).serialize(t);
        List<Object> back = new KryoValuesDeserializer(conf).deserialize(wire);
        assertEquals(t.get(0), back.get(0));
        assertEquals(t.get(1), back.get(1));
        assertArrayEquals(bytes, (byte[]) back.get(2));
        assertEquals(t.subList(3, t.size()), back.subList(3, back.size()));
    }

    @Test
    void uint64AboveLongMaxBecomesBigInteger() throws Exception {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2);
        p.packString("command");
        p.packString("emit");
        p.packString("tuple");
        p.packArrayHeader(1);
        p.packBigInteger(new BigInteger("18446744073709551615"));
        byte[] b = p.toByteArray();
        childStdout.writeInt(b.length);
        childStdout.write(b);
        childStdout.flush();
        assertEquals(new BigInteger("18446744073709551615"), ser.readShellMsg().getTuple().get(0));
    }

    @Test
    void largeFramesCrossThePipe() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300_000; i++) {
            sb.append((char) ('a' + i % 26));
        }
        String big = sb.toString();
        // Writer thread: 3 frames of ~300 KB each through a 1 MiB pipe buffer, read concurrently.
        CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 3; i++) {
                    childSend(map("command", "emit", "tuple", Arrays.asList(i, big)));
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        for (int i = 0; i < 3; i++) {
            List<Object> t = ser.readShellMsg().getTuple();
            assertEquals((long) i, t.get(0));
            assertEquals(big, t.get(1));
        }
        w.get(5, TimeUnit.SECONDS);
    }

    @Test
    void endOfStreamIsNoOutputException() throws Exception {
        childStdout.close();
        assertThrows(NoOutputException.class, () -> ser.readShellMsg());
    }

    @Test
    void truncatedFrameIsNoOutputException() throws Exception {
        childStdout.writeInt(100);
        childStdout.write(new byte[10]);
        childStdout.close();
        assertThrows(NoOutputException.class, () -> ser.readShellMsg());
    }

    @Test
    void garbageLengthIsRefused() throws Exception {
        // e.g. a stray console.log("{...") on stdout: "{\"a\"" read as a length is ~2 GB
        childStdout.write("{\"a\":1}\n".getBytes("UTF-8"));
        childStdout.flush();
        assertThrows(IOException.class, () -> ser.readShellMsg());
    }

    @Test
    void nonMapCommandIsRefused() throws Exception {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packArrayHeader(0);
        byte[] b = p.toByteArray();
        childStdout.writeInt(b.length);
        childStdout.write(b);
        childStdout.flush();
        assertThrows(IOException.class, () -> ser.readShellMsg());
    }

    // ------------------------------------------------------------ Storm -> child

    @Test
    void boltTupleRoundTrip() throws Exception {
        BoltMsg b = new BoltMsg();
        b.setId("-6955786537413359385");
        b.setComp("split");
        b.setStream("default");
        b.setTask(9);
        Map<String, Object> nested = new HashMap<>();
        nested.put("k", new ArrayList<>(Arrays.asList(1L, 2.5, "x", null, true)));
        b.setTuple(new ArrayList<>(Arrays.asList("word", 3, 4L, 1.5f, nested, new byte[] {7, 8},
            new BigInteger("123456789012345678901234567890"))));
        ser.writeBoltMsg(b);
        Value v = childRead();
        assertEquals("-6955786537413359385", get(v, "id").asStringValue().asString());
        assertEquals("split", get(v, "comp").asStringValue().asString());
        assertEquals("default", get(v, "stream").asStringValue().asString());
        assertEquals(9, get(v, "task").asIntegerValue().asInt());
        List<Value> t = get(v, "tuple").asArrayValue().list();
        assertEquals("word", t.get(0).asStringValue().asString());
        assertEquals(3, t.get(1).asIntegerValue().asInt());
        assertEquals(4, t.get(2).asIntegerValue().asInt());
        assertEquals(1.5, t.get(3).asFloatValue().toDouble());
        List<Value> k = get(t.get(4), "k").asArrayValue().list();
        assertEquals(1, k.get(0).asIntegerValue().asInt());
        assertEquals(2.5, k.get(1).asFloatValue().toDouble());
        assertTrue(k.get(3).isNilValue());
        assertTrue(k.get(4).asBooleanValue().getBoolean());
        assertArrayEquals(new byte[] {7, 8}, t.get(5).asBinaryValue().asByteArray());
        assertEquals(1.2345678901234568e29, t.get(6).asFloatValue().toDouble()); // > 64 bits: a float, as JSON readers do
    }

    @Test
    void heartbeatTuple() throws Exception {
        BoltMsg b = new BoltMsg();
        b.setId("-1");
        b.setComp(null);
        b.setStream("__heartbeat");
        b.setTask(-1);
        b.setTuple(new ArrayList<>());
        ser.writeBoltMsg(b);
        Value v = childRead();
        assertTrue(get(v, "comp").isNilValue());
        assertEquals(-1, get(v, "task").asIntegerValue().asInt());
        assertEquals(0, get(v, "tuple").asArrayValue().size());
        assertEquals("__heartbeat", get(v, "stream").asStringValue().asString());
    }

    @Test
    void spoutCommandsRoundTrip() throws Exception {
        SpoutMsg next = new SpoutMsg();
        next.setCommand("next");
        next.setId("");
        ser.writeSpoutMsg(next);
        Value v = childRead();
        assertEquals("next", get(v, "command").asStringValue().asString());

        SpoutMsg ack = new SpoutMsg();
        ack.setCommand("ack");
        ack.setId(12345678901L);
        ser.writeSpoutMsg(ack);
        v = childRead();
        assertEquals("ack", get(v, "command").asStringValue().asString());
        assertEquals(12345678901L, get(v, "id").asIntegerValue().asLong());

        SpoutMsg fail = new SpoutMsg();
        fail.setCommand("fail");
        fail.setId(map("k", Arrays.asList(1L)));
        ser.writeSpoutMsg(fail);
        v = childRead();
        assertEquals(1, get(get(v, "id"), "k").asArrayValue().get(0).asIntegerValue().asInt());
    }

    @Test
    void taskIdsAreABareArray() throws Exception {
        ser.writeTaskIds(Arrays.asList(4, 5, 6));
        Value v = childRead();
        assertTrue(v.isArrayValue());
        assertEquals(Arrays.asList(4, 5, 6), Arrays.asList(v.asArrayValue().get(0).asIntegerValue().asInt(),
            v.asArrayValue().get(1).asIntegerValue().asInt(), v.asArrayValue().get(2).asIntegerValue().asInt()));
        ser.writeTaskIds(new ArrayList<>());
        assertEquals(0, childRead().asArrayValue().size());
    }

    @Test
    void framingIsFourByteBigEndianLength() throws Exception {
        ser.writeTaskIds(Arrays.asList(1));
        // fixarray(1) [0x91] + positive fixint 1 [0x01] = 2 bytes
        assertEquals(0, childStdin.read());
        assertEquals(0, childStdin.read());
        assertEquals(0, childStdin.read());
        assertEquals(2, childStdin.read());
        assertEquals(0x91, childStdin.read());
        assertEquals(0x01, childStdin.read());
    }
}
