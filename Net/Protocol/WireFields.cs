using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// The fields of one received message (a MessagePack map with string keys), with typed getters that name
/// the missing or mistyped field. Unknown fields are kept and ignored, so newer peers can add fields.
/// </summary>
internal sealed partial class WireFields
{
    private const int MaxDepth = 8;
    private readonly Dictionary<string, object?> _fields;
    private readonly string _type;

    private WireFields(Dictionary<string, object?> fields, string type)
    {
        _fields = fields;
        _type = type;
    }

    public string MessageType => _type;

    public static WireFields Read(ReadOnlySpan<byte> payload, MessagePackLimits limits)
    {
        var reader = new MessagePackReader(payload, limits);
        if (reader.PeekType() != MessagePackType.Map) throw new ProtocolException("a message must be a MessagePack map");
        var fields = (Dictionary<string, object?>)ReadValue(ref reader, 0)!;
        if (!reader.End) throw new ProtocolException("trailing bytes after the message");
        if (!fields.TryGetValue("t", out var t) || t is not string type || type.Length == 0)
            throw new ProtocolException("field 't' (message type): missing or not a string");
        return new WireFields(fields, type);
    }

    public string String(string name) => Get<string>(name, "a string");

    public string? OptionalString(string name) => Optional<string>(name, "a string");

    public long Int(string name) => Get<long>(name, "an integer");

    public int Int32(string name)
    {
        var value = Int(name);
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw Bad(name, "a 32-bit integer");
    }

    public int? OptionalInt32(string name) => _fields.GetValueOrDefault(name) is null ? null : Int32(name);

    public double Double(string name) => _fields.GetValueOrDefault(name) switch
    {
        double d => d,
        long l => l,
        _ => throw Bad(name, "a number"),
    };

    public byte[] Binary(string name) => Get<byte[]>(name, "binary data");

    public IReadOnlyList<string> StringList(string name) =>
        Get<List<object?>>(name, "an array of strings").Select((v, i) => v as string ?? throw Bad($"{name}[{i}]", "a string")).ToList();

    public IReadOnlyList<string>? OptionalStringList(string name) => _fields.GetValueOrDefault(name) is null ? null : StringList(name);

    public IReadOnlyDictionary<string, string> StringMap(string name) =>
        Get<Dictionary<string, object?>>(name, "a map of strings")
            .ToDictionary(kv => kv.Key, kv => kv.Value as string ?? throw Bad($"{name}.{kv.Key}", "a string"), StringComparer.Ordinal);

    public long? OptionalInt(string name) => _fields.GetValueOrDefault(name) is null ? null : Int(name);

    public bool? OptionalBool(string name) => _fields.GetValueOrDefault(name) switch
    {
        null => null,
        bool b => b,
        _ => throw Bad(name, "a boolean"),
    };

    /// <summary>An array of maps (absent or nil: null), each read with the same typed getters; errors name "field[i]".</summary>
    public IReadOnlyList<WireFields>? OptionalMapList(string name) =>
        Optional<List<object?>>(name, "an array of maps")?.Select((v, i) =>
            v is Dictionary<string, object?> map ? new WireFields(map, $"{_type}.{name}[{i}]") : throw Bad($"{name}[{i}]", "a map")).ToList();

    public IReadOnlyDictionary<string, string>? OptionalStringMap(string name) => _fields.GetValueOrDefault(name) is null ? null : StringMap(name);

    private T Get<T>(string name, string what) where T : notnull =>
        _fields.TryGetValue(name, out var value) && value is T typed ? typed : throw Bad(name, what);

    private T? Optional<T>(string name, string what) where T : class =>
        _fields.GetValueOrDefault(name) switch
        {
            null => null,
            T typed => typed,
            _ => throw Bad(name, what),
        };

    private ProtocolException Bad(string name, string what) =>
        new($"message '{_type}': field '{_prefix}{name}' is missing or not {what}", _type, _prefix + name);

    private static object? ReadValue(ref MessagePackReader reader, int depth)
    {
        if (depth > MaxDepth) throw new ProtocolException($"message nests deeper than {MaxDepth} levels");
        switch (reader.PeekType())
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return null;
            case MessagePackType.Boolean:
                return reader.ReadBoolean();
            case MessagePackType.Integer:
                return reader.ReadInt64();
            case MessagePackType.Float:
                return reader.ReadDouble();
            case MessagePackType.String:
                return reader.ReadString();
            case MessagePackType.Binary:
                return reader.ReadBinary();
            case MessagePackType.Array:
            {
                var count = reader.ReadArrayHeader();
                var list = new List<object?>(Math.Min(count, 1024));
                for (var i = 0; i < count; i++) list.Add(ReadValue(ref reader, depth + 1));
                return list;
            }
            case MessagePackType.Map:
            {
                var count = reader.ReadMapHeader();
                var map = new Dictionary<string, object?>(Math.Min(count, 1024), StringComparer.Ordinal);
                for (var i = 0; i < count; i++)
                {
                    if (reader.PeekType() != MessagePackType.String) throw new ProtocolException("map keys must be strings");
                    var key = reader.ReadString()!;
                    map[key] = ReadValue(ref reader, depth + 1);
                }
                return map;
            }
            default:
                reader.Skip();
                return null;
        }
    }
}
