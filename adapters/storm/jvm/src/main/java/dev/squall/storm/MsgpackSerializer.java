package dev.squall.storm;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.generated.Grouping;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.ISerializer;
import org.apache.storm.multilang.NoOutputException;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.multilang.SpoutMsg;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.utils.Utils;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * squall's MessagePack multilang wire format for Storm shell components.
 *
 * <p>Framing, both directions: a 4-byte unsigned big-endian length N, then N bytes holding exactly one
 * MessagePack value. The values have the shapes of Storm's JSON multilang messages: the handshake
 * {@code {conf, pidDir, context}} and its answer {@code {pid}}, bolt tuples {@code {id, comp, stream, task,
 * tuple}}, spout commands {@code {command, id}}, task ids as a bare array of integers, and child commands
 * {@code {command, id, stream, task, anchors, tuple, need_task_ids, msg, level, name, params}}.
 *
 * <p>Decoded values use only types that Storm's Kryo registrations accept between workers: {@link HashMap},
 * {@link ArrayList}, {@link Long} (or {@link BigInteger} above {@code Long.MAX_VALUE}), {@link Double},
 * {@link String}, {@link Boolean}, {@code byte[]} and null.
 *
 * <p>Select it with {@code topology.multilang.serializer: dev.squall.storm.MsgpackSerializer}; the class
 * must be in the topology jar (the shaded jar of this project carries a relocated msgpack-core).
 */
public class MsgpackSerializer implements ISerializer {
    private static final long serialVersionUID = 4871304906475095611L;

    /** Frames larger than this are refused (a corrupt length would otherwise allocate gigabytes). */
    static final long MAX_FRAME = 1L << 30;

    private transient OutputStream processIn;
    private transient DataInputStream processOut;
    private transient MessageBufferPacker packer;
    private transient byte[] readBuffer;

    @Override
    public void initialize(OutputStream processIn, InputStream processOut) {
        this.processIn = new BufferedOutputStream(processIn, 1 << 16);
        this.processOut = new DataInputStream(new BufferedInputStream(processOut, 1 << 16));
        this.packer = MessagePack.newDefaultBufferPacker();
        this.readBuffer = new byte[1 << 12];
    }

    @Override
    public Number connect(Map<String, Object> conf, TopologyContext context) throws IOException, NoOutputException {
        return connect(conf, context.getPIDDir(), contextToMap(context));
    }

    /** The handshake with an already converted context; {@link #connect(Map, TopologyContext)} uses it. */
    Number connect(Map<String, Object> conf, String pidDir, Map<String, Object> context)
        throws IOException, NoOutputException {
        Map<String, Object> setup = new HashMap<>();
        setup.put("pidDir", pidDir);
        setup.put("conf", conf);
        setup.put("context", context);
        writeMessage(setup);
        Object reply = readMessage();
        if (!(reply instanceof Map)) {
            throw new IOException("expected the child's {pid} map after the handshake, got " + describe(reply));
        }
        Object pid = ((Map<?, ?>) reply).get("pid");
        if (!(pid instanceof Number)) {
            throw new IOException("the child's handshake reply has no numeric pid: " + reply);
        }
        return (Number) pid;
    }

    @Override
    public ShellMsg readShellMsg() throws IOException, NoOutputException {
        Object raw = readMessage();
        if (!(raw instanceof Map)) {
            throw new IOException("expected a command map from the shell process, got " + describe(raw));
        }
        Map<?, ?> msg = (Map<?, ?>) raw;
        ShellMsg shellMsg = new ShellMsg();

        Object command = msg.get("command");
        if (!(command instanceof String)) {
            throw new IOException("shell message without a string command: " + msg);
        }
        shellMsg.setCommand((String) command);
        // Any value for a spout emit's message id; a bolt's ack/fail id is the tuple id string it was sent.
        shellMsg.setId(msg.get("id"));

        Object text = msg.get("msg");
        shellMsg.setMsg(text == null ? null : text.toString());

        Object stream = msg.get("stream");
        shellMsg.setStream(stream == null ? Utils.DEFAULT_STREAM_ID : stream.toString());

        Object task = msg.get("task");
        if (task == null) {
            shellMsg.setTask(0);
        } else if (task instanceof Number) {
            shellMsg.setTask(((Number) task).longValue());
        } else {
            throw new IOException("task must be an integer, got " + describe(task));
        }

        // Default true, like the JSON protocol: only an explicit false turns task ids off.
        shellMsg.setNeedTaskIds(!Boolean.FALSE.equals(msg.get("need_task_ids")));

        Object tuple = msg.get("tuple");
        if (tuple != null && !(tuple instanceof List)) {
            throw new IOException("tuple must be an array, got " + describe(tuple));
        }
        @SuppressWarnings("unchecked")
        List<Object> values = (List<Object>) tuple;
        shellMsg.setTuple(values);

        Object anchors = msg.get("anchors");
        if (anchors instanceof List) {
            for (Object anchor : (List<?>) anchors) {
                if (anchor != null) {
                    shellMsg.addAnchor(anchor.toString());
                }
            }
        } else if (anchors != null) {
            shellMsg.addAnchor(anchors.toString());
        }

        Object name = msg.get("name");
        shellMsg.setMetricName(name instanceof String ? (String) name : null);
        shellMsg.setMetricParams(msg.get("params"));

        if ("log".equals(command)) {
            Object level = msg.get("level");
            if (level instanceof Number) {
                shellMsg.setLogLevel(((Number) level).intValue());
            }
        }
        return shellMsg;
    }

    @Override
    public void writeBoltMsg(BoltMsg boltMsg) throws IOException {
        Map<String, Object> obj = new HashMap<>();
        obj.put("id", boltMsg.getId());
        obj.put("comp", boltMsg.getComp());
        obj.put("stream", boltMsg.getStream());
        obj.put("task", boltMsg.getTask());
        obj.put("tuple", boltMsg.getTuple());
        writeMessage(obj);
    }

    @Override
    public void writeSpoutMsg(SpoutMsg msg) throws IOException {
        Map<String, Object> obj = new HashMap<>();
        obj.put("command", msg.getCommand());
        obj.put("id", msg.getId());
        writeMessage(obj);
    }

    @Override
    public void writeTaskIds(List<Integer> taskIds) throws IOException {
        writeMessage(taskIds);
    }

    // ------------------------------------------------------------------ context

    /**
     * The component's view of the topology, with the keys and shapes of TopologyContext's JSON form:
     * task->component (string keys), taskid, componentid, streams, stream->outputfields,
     * stream->target->grouping, source->stream->grouping, source->stream->fields.
     */
    static Map<String, Object> contextToMap(TopologyContext context) {
        Map<String, Object> obj = new HashMap<>();
        obj.put("task->component", context.getTaskToComponent());
        obj.put("taskid", context.getThisTaskId());
        obj.put("componentid", context.getThisComponentId());
        obj.put("streams", new ArrayList<>(context.getThisStreams()));
        obj.put("stream->outputfields", context.getThisOutputFieldsForStreams());
        Map<String, Object> targets = new HashMap<>();
        for (Map.Entry<String, Map<String, Grouping>> e : context.getThisTargets().entrySet()) {
            Map<String, Object> byTarget = new HashMap<>();
            for (Map.Entry<String, Grouping> t : e.getValue().entrySet()) {
                byTarget.put(t.getKey(), groupingToMap(t.getValue()));
            }
            targets.put(e.getKey(), byTarget);
        }
        obj.put("stream->target->grouping", targets);
        Map<String, Map<String, Object>> sources = new HashMap<>();
        for (Map.Entry<GlobalStreamId, Grouping> e : context.getThisSources().entrySet()) {
            sources.computeIfAbsent(e.getKey().get_componentId(), k -> new HashMap<>())
                .put(e.getKey().get_streamId(), groupingToMap(e.getValue()));
        }
        obj.put("source->stream->grouping", sources);
        obj.put("source->stream->fields", context.getThisInputFields());
        return obj;
    }

    static Map<String, Object> groupingToMap(Grouping grouping) {
        Map<String, Object> m = new HashMap<>();
        m.put("type", grouping.getSetField().toString());
        if (grouping.is_set_fields()) {
            m.put("fields", grouping.get_fields());
        }
        return m;
    }

    // ------------------------------------------------------------------ framing

    private void writeMessage(Object msg) throws IOException {
        packer.clear();
        pack(packer, msg);
        byte[] body = packer.toByteArray();
        int n = body.length;
        if (n > MAX_FRAME) {
            throw new IOException("message of " + n + " bytes exceeds the frame limit " + MAX_FRAME);
        }
        processIn.write((n >>> 24) & 0xff);
        processIn.write((n >>> 16) & 0xff);
        processIn.write((n >>> 8) & 0xff);
        processIn.write(n & 0xff);
        processIn.write(body);
        processIn.flush();
    }

    private Object readMessage() throws IOException, NoOutputException {
        long n;
        try {
            n = processOut.readInt() & 0xffffffffL;
        } catch (EOFException e) {
            throw new NoOutputException("Pipe to subprocess seems to be broken! No output read.\n"
                + "Serializer Exception: end of stream before a frame length");
        }
        if (n > MAX_FRAME) {
            throw new IOException("frame of " + n + " bytes exceeds the limit " + MAX_FRAME
                + " (is the child writing something other than length-prefixed msgpack to stdout?)");
        }
        if (readBuffer.length < n) {
            readBuffer = new byte[(int) Math.max(n, Math.min(MAX_FRAME, readBuffer.length * 2L))];
        }
        try {
            processOut.readFully(readBuffer, 0, (int) n);
        } catch (EOFException e) {
            throw new NoOutputException("Pipe to subprocess seems to be broken! Stream ended inside a frame of "
                + n + " bytes.\nSerializer Exception: " + e);
        }
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(readBuffer, 0, (int) n)) {
            if (!u.hasNext()) {
                throw new IOException("empty frame from the shell process");
            }
            Object value = unpack(u);
            if (u.hasNext()) {
                throw new IOException("frame of " + n + " bytes holds more than one msgpack value");
            }
            return value;
        }
    }

    // ------------------------------------------------------------------ values

    /** Encode a Java value generically: maps (keys as strings), collections and arrays, scalars. */
    static void pack(MessageBufferPacker p, Object o) throws IOException {
        if (o == null) {
            p.packNil();
        } else if (o instanceof String) {
            p.packString((String) o);
        } else if (o instanceof Boolean) {
            p.packBoolean((Boolean) o);
        } else if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
            p.packLong(((Number) o).longValue());
        } else if (o instanceof Double || o instanceof Float) {
            p.packDouble(((Number) o).doubleValue());
        } else if (o instanceof BigInteger) {
            BigInteger b = (BigInteger) o;
            if (b.bitLength() <= 63 || (b.signum() > 0 && b.bitLength() <= 64)) {
                p.packBigInteger(b);
            } else {
                p.packDouble(b.doubleValue()); // as a JSON reader would: a number, inexactly
            }
        } else if (o instanceof BigDecimal) {
            p.packDouble(((BigDecimal) o).doubleValue());
        } else if (o instanceof Number) {
            Number n = (Number) o;
            if (n.doubleValue() == n.longValue()) {
                p.packLong(n.longValue());
            } else {
                p.packDouble(n.doubleValue());
            }
        } else if (o instanceof byte[]) {
            byte[] b = (byte[]) o;
            p.packBinaryHeader(b.length);
            p.writePayload(b);
        } else if (o instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) o;
            p.packMapHeader(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                p.packString(String.valueOf(e.getKey()));
                pack(p, e.getValue());
            }
        } else if (o instanceof Collection) {
            Collection<?> c = (Collection<?>) o;
            p.packArrayHeader(c.size());
            int written = 0;
            for (Object x : c) {
                if (written++ == c.size()) {
                    throw new IOException("collection grew while being encoded");
                }
                pack(p, x);
            }
            if (written != c.size()) {
                throw new IOException("collection shrank while being encoded");
            }
        } else if (o.getClass().isArray()) {
            int len = Array.getLength(o);
            p.packArrayHeader(len);
            for (int i = 0; i < len; i++) {
                pack(p, Array.get(o, i));
            }
        } else if (o instanceof Character || o instanceof CharSequence) {
            p.packString(o.toString());
        } else if (o instanceof Enum) {
            p.packString(((Enum<?>) o).name());
        } else {
            p.packString(o.toString());
        }
    }

    /** Decode one msgpack value into plain, Kryo-registered Java types. */
    static Object unpack(MessageUnpacker u) throws IOException {
        MessageFormat f = u.getNextFormat();
        ValueType t = f.getValueType();
        switch (t) {
            case NIL:
                u.unpackNil();
                return null;
            case BOOLEAN:
                return u.unpackBoolean();
            case INTEGER:
                if (f == MessageFormat.UINT64) {
                    BigInteger b = u.unpackBigInteger();
                    return b.bitLength() <= 63 ? (Object) b.longValue() : b;
                }
                return u.unpackLong();
            case FLOAT:
                return u.unpackDouble();
            case STRING:
                return u.unpackString();
            case BINARY: {
                int len = u.unpackBinaryHeader();
                return u.readPayload(len);
            }
            case ARRAY: {
                int len = u.unpackArrayHeader();
                ArrayList<Object> list = new ArrayList<>(len);
                for (int i = 0; i < len; i++) {
                    list.add(unpack(u));
                }
                return list;
            }
            case MAP: {
                int len = u.unpackMapHeader();
                HashMap<Object, Object> map = new HashMap<>(Math.max(4, (int) (len / 0.75f) + 1));
                for (int i = 0; i < len; i++) {
                    Object k = unpack(u);
                    map.put(k, unpack(u));
                }
                return map;
            }
            case EXTENSION: {
                // No extension types are defined by squall's framing: pass the payload through as bytes.
                org.msgpack.core.ExtensionTypeHeader h = u.unpackExtensionTypeHeader();
                return u.readPayload(h.getLength());
            }
            default:
                throw new IOException("unsupported msgpack type " + t);
        }
    }

    private static String describe(Object o) {
        return o == null ? "nil" : o.getClass().getSimpleName() + " " + o;
    }
}
