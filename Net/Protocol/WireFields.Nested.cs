namespace MiniMesos.Net.Protocol;

/// <summary>Getters for nested and optional fields (the Framework API's task and offer lists); errors name the full path.</summary>
internal sealed partial class WireFields
{
    private readonly string _prefix = "";

    private WireFields(Dictionary<string, object?> fields, string type, string prefix) : this(fields, type) => _prefix = prefix;

    public bool Has(string name) => _fields.GetValueOrDefault(name) is not null;

    public double? OptionalDouble(string name) => Has(name) ? Double(name) : null;

    public IReadOnlyList<string> StringListOrEmpty(string name) => Has(name) ? StringList(name) : [];

    public IReadOnlyDictionary<string, string> StringMapOrEmpty(string name) =>
        Has(name) ? StringMap(name) : new Dictionary<string, string>(StringComparer.Ordinal);

    public IReadOnlyList<long> IntList(string name) => !Has(name) ? []
        : Get<List<object?>>(name, "an array of integers").Select((v, i) => v is long l ? l : throw Bad($"{name}[{i}]", "an integer")).ToList();

    /// <summary>An array of maps, each read with the same typed getters (errors say e.g. "tasks[1].cpus").</summary>
    public IReadOnlyList<WireFields> MapList(string name) => !Has(name) ? []
        : Get<List<object?>>(name, "an array of maps").Select((v, i) =>
            v is Dictionary<string, object?> map ? new WireFields(map, _type, $"{_prefix}{name}[{i}].") : throw Bad($"{name}[{i}]", "a map")).ToList();

    /// <summary>An array of [begin, end] integer pairs (port ranges).</summary>
    public IReadOnlyList<(int Begin, int End)> RangeList(string name) => !Has(name) ? []
        : Get<List<object?>>(name, "an array of [begin, end] pairs").Select((v, i) =>
            v is List<object?> { Count: 2 } pair && pair[0] is long b && pair[1] is long e && b is >= 0 and <= 65535 && e is >= 0 and <= 65535
                ? ((int)b, (int)e) : throw Bad($"{name}[{i}]", "a [begin, end] pair of ports")).ToList();
}
