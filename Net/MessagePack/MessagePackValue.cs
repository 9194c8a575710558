using System.Buffers;
using System.Globalization;
using System.Text;

namespace MiniMesos.Net.MessagePack;

/// <summary>
/// A generic, immutable MessagePack value tree for tests, debugging and tools; read with the reader's
/// depth limits and written back in the smallest encoding. Application code should read its own shapes.
/// </summary>
internal sealed class MessagePackValue
{
    private readonly Int128 _integer;
    private readonly double _float;
    private readonly object? _ref; // string, byte[], MessagePackValue[] or KeyValuePair[] by kind
    private readonly sbyte _extType;
    private readonly MessagePackTimestamp _timestamp;

    private MessagePackValue(MessagePackValueKind kind, Int128 integer = default, double f = 0, object? r = null,
        sbyte extType = 0, MessagePackTimestamp timestamp = default)
    {
        Kind = kind;
        _integer = integer;
        _float = f;
        _ref = r;
        _extType = extType;
        _timestamp = timestamp;
    }

    public MessagePackValueKind Kind { get; }

    public static MessagePackValue Nil { get; } = new(MessagePackValueKind.Nil);
    public static MessagePackValue True { get; } = new(MessagePackValueKind.Boolean, integer: 1);
    public static MessagePackValue False { get; } = new(MessagePackValueKind.Boolean, integer: 0);

    public static MessagePackValue Boolean(bool v) => v ? True : False;
    public static MessagePackValue Integer(long v) => new(MessagePackValueKind.Integer, integer: v);
    public static MessagePackValue Integer(ulong v) => new(MessagePackValueKind.Integer, integer: v);
    public static MessagePackValue Single(float v) => new(MessagePackValueKind.Float32, f: v);
    public static MessagePackValue Double(double v) => new(MessagePackValueKind.Float64, f: v);
    public static MessagePackValue String(string v) => new(MessagePackValueKind.String, r: v ?? throw new ArgumentNullException(nameof(v)));
    public static MessagePackValue Binary(byte[] v) => new(MessagePackValueKind.Binary, r: v ?? throw new ArgumentNullException(nameof(v)));
    public static MessagePackValue Array(params MessagePackValue[] items) => new(MessagePackValueKind.Array, r: items);
    public static MessagePackValue Map(params KeyValuePair<MessagePackValue, MessagePackValue>[] entries) => new(MessagePackValueKind.Map, r: entries);
    public static MessagePackValue Extension(sbyte type, byte[] data) => new(MessagePackValueKind.Extension, r: data, extType: type);
    public static MessagePackValue Timestamp(MessagePackTimestamp ts) => new(MessagePackValueKind.Timestamp, timestamp: ts);

    public bool AsBoolean => Expect(MessagePackValueKind.Boolean)._integer != 0;
    public Int128 AsInteger => Expect(MessagePackValueKind.Integer)._integer;
    public double AsDouble => Kind == MessagePackValueKind.Float32 ? _float : Expect(MessagePackValueKind.Float64)._float;
    public string AsString => (string)Expect(MessagePackValueKind.String)._ref!;
    public byte[] AsBinary => (byte[])Expect(MessagePackValueKind.Binary)._ref!;
    public IReadOnlyList<MessagePackValue> AsArray => (MessagePackValue[])Expect(MessagePackValueKind.Array)._ref!;
    public IReadOnlyList<KeyValuePair<MessagePackValue, MessagePackValue>> AsMap =>
        (KeyValuePair<MessagePackValue, MessagePackValue>[])Expect(MessagePackValueKind.Map)._ref!;
    public sbyte ExtensionType => Expect(MessagePackValueKind.Extension)._extType;
    public byte[] ExtensionData => (byte[])Expect(MessagePackValueKind.Extension)._ref!;
    public MessagePackTimestamp AsTimestamp => Expect(MessagePackValueKind.Timestamp)._timestamp;

    /// <summary>Parses exactly one value that must span the whole input.</summary>
    public static MessagePackValue Parse(ReadOnlySpan<byte> data, MessagePackLimits? limits = null)
    {
        var reader = new MessagePackReader(data, limits);
        MessagePackValue v = Read(ref reader);
        if (!reader.End)
            throw new MessagePackException($"expected end of data after one value, found {reader.Remaining} more bytes", reader.Consumed);
        return v;
    }

    public static MessagePackValue Read(ref MessagePackReader reader) => Read(ref reader, 0);

    private static MessagePackValue Read(ref MessagePackReader reader, int depth)
    {
        int start = reader.Consumed;
        switch (reader.PeekType())
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return Nil;
            case MessagePackType.Boolean:
                return Boolean(reader.ReadBoolean());
            case MessagePackType.Integer:
                return new MessagePackValue(MessagePackValueKind.Integer, integer: reader.ReadInteger());
            case MessagePackType.Float:
                // Peek at the code byte through a copy so the width survives a round trip.
                var probe = reader;
                double d = probe.ReadDouble();
                bool isSingle = probe.Consumed - start == 5;
                reader = probe;
                return isSingle ? Single((float)d) : Double(d);
            case MessagePackType.String:
                return String(reader.ReadString()!);
            case MessagePackType.Binary:
                return Binary(reader.ReadBinary());
            case MessagePackType.Extension:
                var peek = reader;
                if (peek.ReadExtension().Type == MessagePackCode.TimestampType)
                    return Timestamp(reader.ReadTimestampExact());
                MessagePackExtension ext = reader.ReadExtension();
                return Extension(ext.Type, ext.Data.ToArray());
            case MessagePackType.Array:
            {
                int count = reader.ReadArrayHeader();
                if (depth + 1 > reader.Limits.MaxDepth)
                    throw reader.DepthExceeded(start);
                var items = new MessagePackValue[count];
                for (int i = 0; i < count; i++)
                    items[i] = Read(ref reader, depth + 1);
                return Array(items);
            }
            default:
            {
                int count = reader.ReadMapHeader();
                if (depth + 1 > reader.Limits.MaxDepth)
                    throw reader.DepthExceeded(start);
                var entries = new KeyValuePair<MessagePackValue, MessagePackValue>[count];
                for (int i = 0; i < count; i++)
                {
                    MessagePackValue key = Read(ref reader, depth + 1);
                    entries[i] = new(key, Read(ref reader, depth + 1));
                }
                return Map(entries);
            }
        }
    }

    public void WriteTo(ref MessagePackWriter writer)
    {
        switch (Kind)
        {
            case MessagePackValueKind.Nil: writer.WriteNil(); break;
            case MessagePackValueKind.Boolean: writer.WriteBoolean(_integer != 0); break;
            case MessagePackValueKind.Integer:
                if (_integer < 0)
                    writer.WriteInt64((long)_integer);
                else
                    writer.WriteUInt64((ulong)_integer);
                break;
            case MessagePackValueKind.Float32: writer.WriteSingle((float)_float); break;
            case MessagePackValueKind.Float64: writer.WriteDouble(_float); break;
            case MessagePackValueKind.String: writer.WriteString((string)_ref!); break;
            case MessagePackValueKind.Binary: writer.WriteBinary((byte[])_ref!); break;
            case MessagePackValueKind.Extension: writer.WriteExtension(_extType, (byte[])_ref!); break;
            case MessagePackValueKind.Timestamp: writer.WriteTimestamp(_timestamp); break;
            case MessagePackValueKind.Array:
                var items = (MessagePackValue[])_ref!;
                writer.WriteArrayHeader(items.Length);
                foreach (MessagePackValue item in items)
                    item.WriteTo(ref writer);
                break;
            case MessagePackValueKind.Map:
                var entries = (KeyValuePair<MessagePackValue, MessagePackValue>[])_ref!;
                writer.WriteMapHeader(entries.Length);
                foreach (var e in entries)
                {
                    e.Key.WriteTo(ref writer);
                    e.Value.WriteTo(ref writer);
                }
                break;
        }
    }

    public byte[] ToBytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        WriteTo(ref writer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// A canonical one-line description (also produced by the Python oracle): nil, true/false, i:N,
    /// f:&lt;IEEE-754 double bits hex&gt; or f:nan, s:&lt;utf8 hex&gt;, b:&lt;hex&gt;, x:T:&lt;hex&gt;, t:S:N, [a,b], {k=v,...}.
    /// Float32 is described by its exact widening to double, so the width is not part of the description.
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Describe(sb);
        return sb.ToString();
    }

    private void Describe(StringBuilder sb)
    {
        switch (Kind)
        {
            case MessagePackValueKind.Nil: sb.Append("nil"); break;
            case MessagePackValueKind.Boolean: sb.Append(_integer != 0 ? "true" : "false"); break;
            case MessagePackValueKind.Integer: sb.Append("i:").Append(_integer.ToString(CultureInfo.InvariantCulture)); break;
            case MessagePackValueKind.Float32:
            case MessagePackValueKind.Float64:
                if (double.IsNaN(_float))
                    sb.Append("f:nan");
                else
                    sb.Append("f:").Append(BitConverter.DoubleToUInt64Bits(_float).ToString("x16", CultureInfo.InvariantCulture));
                break;
            case MessagePackValueKind.String: sb.Append("s:").Append(Convert.ToHexStringLower(Encoding.UTF8.GetBytes((string)_ref!))); break;
            case MessagePackValueKind.Binary: sb.Append("b:").Append(Convert.ToHexStringLower((byte[])_ref!)); break;
            case MessagePackValueKind.Extension:
                sb.Append("x:").Append(_extType.ToString(CultureInfo.InvariantCulture)).Append(':')
                  .Append(Convert.ToHexStringLower((byte[])_ref!));
                break;
            case MessagePackValueKind.Timestamp:
                sb.Append("t:").Append(_timestamp.Seconds.ToString(CultureInfo.InvariantCulture)).Append(':')
                  .Append(_timestamp.Nanoseconds.ToString(CultureInfo.InvariantCulture));
                break;
            case MessagePackValueKind.Array:
                sb.Append('[');
                var items = (MessagePackValue[])_ref!;
                for (int i = 0; i < items.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    items[i].Describe(sb);
                }
                sb.Append(']');
                break;
            case MessagePackValueKind.Map:
                sb.Append('{');
                var entries = (KeyValuePair<MessagePackValue, MessagePackValue>[])_ref!;
                for (int i = 0; i < entries.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    entries[i].Key.Describe(sb);
                    sb.Append('=');
                    entries[i].Value.Describe(sb);
                }
                sb.Append('}');
                break;
        }
    }

    private MessagePackValue Expect(MessagePackValueKind kind) =>
        Kind == kind ? this : throw new InvalidOperationException($"value is {Kind}, not {kind}");
}
