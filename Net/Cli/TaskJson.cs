using System.Text.Encodings.Web;
using System.Text.Json;
using MiniMesos.Net.Http;

namespace MiniMesos.Net.Cli;

/// <summary>
/// The JSON of the two shapes every `minimesos run` exchanges (the submit's body, the task view in the answers), written
/// and read by hand. System.Text.Json builds a type's metadata at its first use even from a source-generated context
/// (its properties' converters, and the type's attributes read through reflection for polymorphism): for TaskView and
/// the types it holds that was ~1 ms of CPU in every CLI process, more than the serializing itself. The bytes written are
/// those <see cref="ApiJsonContext.Api"/> writes, and a view is read as it reads one (names as written, unknown properties
/// skipped, a missing property left at its default, the last of duplicates winning): tests compare both with the context.
/// </summary>
internal static class TaskJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The body of POST /v1/tasks, byte for byte what the serializer writes under the API's options.</summary>
    public static byte[] Write(TaskSubmitRequest request)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            if (request.Args is { } args) Strings(w, "args", args);
            if (request.Cmd is { } cmd) w.WriteString("cmd", cmd);
            if (request.Name is { } name) w.WriteString("name", name);
            if (request.Cpus is { } cpus) w.WriteNumber("cpus", cpus);
            if (request.Mem is { } mem) w.WriteNumber("mem", mem);
            if (request.Env is { } env) Map(w, "env", env);
            if (request.Ports is { } ports) w.WriteNumber("ports", ports);
            if (request.User is { } user) w.WriteString("user", user);
            if (request.Network is { } network) w.WriteString("network", network);
            if (request.Rootfs is { } rootfs) w.WriteString("rootfs", rootfs);
            if (request.Binds is { } binds) Map(w, "binds", binds);
            if (request.Constraints is { } constraints)
            {
                w.WriteStartArray("constraints");
                foreach (var constraint in constraints)
                {
                    if (constraint is null) w.WriteNullValue();
                    else Strings(w, null, constraint);
                }
                w.WriteEndArray();
            }
            if (request.Container is { } container)
            {
                w.WriteStartObject("container");
                if (container.Image is { } image) w.WriteString("image", image);
                if (container.ForcePull is { } forcePull) w.WriteBoolean("force_pull", forcePull);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A task view as the API sends it; null for a JSON null. Malformed JSON or a value of the wrong kind: <see cref="JsonException"/>.</summary>
    public static TaskView? ReadView(ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json);
        try
        {
            r.Read();
            var view = r.TokenType == JsonTokenType.Null ? null : View(ref r);
            if (r.Read()) throw new JsonException("more after the task view");
            return view;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new JsonException($"a task view: {e.Message}", e);
        }
    }

    private static TaskView View(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        string? id = null, name = null, state = null, agentId = null, message = null, waitingReason = null, user = null, network = null, rootfs = null;
        IReadOnlyList<string>? args = null;
        IReadOnlyDictionary<string, string>? env = null, binds = null;
        double cpus = 0;
        long mem = 0;
        int? exitCode = null, signal = null, ports = null;
        DateTimeOffset submittedAt = default, updatedAt = default;
        IReadOnlyList<IReadOnlyList<string>>? constraints = null;
        IReadOnlyList<int>? servicePorts = null;
        TaskContainerRequest? container = null;
        IReadOnlyList<TaskFetchView>? fetch = null;
        while (NextProperty(ref r) is { } property)
        {
            switch (property)
            {
                case "id": id = r.GetString(); break;
                case "name": name = r.GetString(); break;
                case "state": state = r.GetString(); break;
                case "agent_id": agentId = r.GetString(); break;
                case "args": args = StringList(ref r); break;
                case "env": env = StringMap(ref r); break;
                case "cpus": cpus = r.GetDouble(); break;
                case "mem": mem = r.GetInt64(); break;
                case "exit_code": exitCode = NullableInt(ref r); break;
                case "signal": signal = NullableInt(ref r); break;
                case "message": message = r.GetString(); break;
                case "waiting_reason": waitingReason = r.GetString(); break;
                case "submitted_at": submittedAt = r.GetDateTimeOffset(); break;
                case "updated_at": updatedAt = r.GetDateTimeOffset(); break;
                case "ports": ports = NullableInt(ref r); break;
                case "user": user = r.GetString(); break;
                case "network": network = r.GetString(); break;
                case "rootfs": rootfs = r.GetString(); break;
                case "binds": binds = StringMap(ref r); break;
                case "constraints": constraints = Lists(ref r); break;
                case "service_ports": servicePorts = IntList(ref r); break;
                case "container": container = Container(ref r); break;
                case "fetch": fetch = FetchList(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new TaskView(id!, name!, state!, agentId, args!, env!, cpus, mem, exitCode, signal, message, waitingReason, submittedAt, updatedAt,
            ports, user, network, rootfs, binds, constraints, servicePorts, container, fetch);
    }

    private static TaskContainerRequest? Container(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        Expect(ref r, JsonTokenType.StartObject);
        string? image = null;
        bool? forcePull = null;
        while (NextProperty(ref r) is { } property)
        {
            switch (property)
            {
                case "image": image = r.GetString(); break;
                case "force_pull": forcePull = r.TokenType == JsonTokenType.Null ? null : r.GetBoolean(); break;
                default: r.Skip(); break;
            }
        }
        return new TaskContainerRequest(image!, forcePull);
    }

    private static List<TaskFetchView>? FetchList(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        Expect(ref r, JsonTokenType.StartArray);
        var list = new List<TaskFetchView>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType == JsonTokenType.Null)
            {
                list.Add(null!);
                continue;
            }
            Expect(ref r, JsonTokenType.StartObject);
            string? uri = null, destPath = null;
            bool extract = false, executable = false, cache = false;
            while (NextProperty(ref r) is { } property)
            {
                switch (property)
                {
                    case "uri": uri = r.GetString(); break;
                    case "extract": extract = r.GetBoolean(); break;
                    case "executable": executable = r.GetBoolean(); break;
                    case "cache": cache = r.GetBoolean(); break;
                    case "destPath": destPath = r.GetString(); break;
                    default: r.Skip(); break;
                }
            }
            list.Add(new TaskFetchView(uri!, extract, executable, cache, destPath));
        }
        return list;
    }

    private static List<IReadOnlyList<string>>? Lists(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        Expect(ref r, JsonTokenType.StartArray);
        var list = new List<IReadOnlyList<string>>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray) list.Add(StringList(ref r)!);
        return list;
    }

    private static List<string>? StringList(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        Expect(ref r, JsonTokenType.StartArray);
        var list = new List<string>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray) list.Add(r.GetString()!);
        return list;
    }

    private static List<int>? IntList(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        Expect(ref r, JsonTokenType.StartArray);
        var list = new List<int>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray) list.Add(r.GetInt32());
        return list;
    }

    private static Dictionary<string, string>? StringMap(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        Expect(ref r, JsonTokenType.StartObject);
        var map = new Dictionary<string, string>();
        while (NextProperty(ref r) is { } key) map[key] = r.GetString()!;
        return map;
    }

    private static int? NullableInt(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null ? null : r.GetInt32();

    /// <summary>Inside an object: the next property's name with the reader on its value, or null at the object's end.</summary>
    private static string? NextProperty(ref Utf8JsonReader r)
    {
        r.Read();
        if (r.TokenType == JsonTokenType.EndObject) return null;
        var name = r.GetString();
        r.Read();
        return name;
    }

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type)
    {
        if (r.TokenType != type) throw new JsonException($"expected {type}, found {r.TokenType}");
    }

    private static void Strings(Utf8JsonWriter w, string? property, IReadOnlyList<string> values)
    {
        if (property is null) w.WriteStartArray();
        else w.WriteStartArray(property);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static void Map(Utf8JsonWriter w, string property, IReadOnlyDictionary<string, string> values)
    {
        w.WriteStartObject(property);
        foreach (var (key, value) in values) w.WriteString(key, value);
        w.WriteEndObject();
    }
}
