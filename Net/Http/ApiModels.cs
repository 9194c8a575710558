namespace MiniMesos.Net.Http;

// JSON shapes of the HTTP API (snake_case on the wire, see ApiJsonContext). Records only: the logic that
// fills them lives with the endpoints.

internal sealed record TaskView(
    string Id,
    string Name,
    string State,
    string? AgentId,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    double Cpus,
    long Mem,
    int? ExitCode,
    int? Signal,
    string? Message,
    string? WaitingReason,
    DateTimeOffset SubmittedAt,
    DateTimeOffset UpdatedAt,
    int? Ports = null,
    string? User = null,
    string? Network = null,
    string? Rootfs = null,
    IReadOnlyDictionary<string, string>? Binds = null,
    IReadOnlyList<IReadOnlyList<string>>? Constraints = null,
    IReadOnlyList<int>? ServicePorts = null,

    TaskContainerRequest? Container = null,
    IReadOnlyList<TaskFetchView>? Fetch = null);

internal sealed record TaskList(IReadOnlyList<TaskView> Tasks);

/// <param name="DiskFreeMb">Free MiB of the filesystem holding the agent's work dir, as its last ping said (null: not connected, or an older agent).</param>
/// <param name="DiskTotalMb">That filesystem's size in MiB.</param>
/// <param name="FreeDisk">Offered disk (MiB) minus what its live tasks reserve, as <paramref name="FreeCpus"/> (null: an older master).</param>
internal sealed record AgentView(string Id, string Hostname, double Cpus, long Mem, long Disk, double FreeCpus, long FreeMem,
    bool Connected, IReadOnlyDictionary<string, string> Attributes, string? Ports = null, string State = "active", string? Version = null,
    long? DiskFreeMb = null, long? DiskTotalMb = null, MeshView? Mesh = null, long? FreeDisk = null);

/// <summary>An agent's routing mesh: service ports listened on, the service table version it holds, ports not listened on and why.</summary>
internal sealed record MeshView(int Listening, long TableVersion, IReadOnlyDictionary<string, string> Unbound);

internal sealed record AgentList(IReadOnlyList<AgentView> Agents);

internal sealed record StatusView(string Version, ulong Id, string Role, ulong? Leader, ulong Term, ulong Commit, ulong Applied,
    IReadOnlyList<MasterView> Masters, int Agents, IReadOnlyDictionary<string, int> Tasks, string? RaftStopped, int? ClusterFeatureLevel = null);

internal sealed record MasterList(IReadOnlyList<MasterView> Masters);

/// <param name="Version">Its minimesos version as its last handshake with this master said (null: not heard, or too old to say).</param>
internal sealed record MasterView(ulong Id, string ClusterAddress, string ApiUrl, string Role, string? Version = null, int? FeatureLevel = null);

internal sealed record HealthView(string Status, ulong Id, string Role, ulong? Leader);

/// <summary>Every error the API returns: what went wrong, and for bad input the field path and the reason.</summary>
internal sealed record ApiError(string Error, string? Field = null, string? Reason = null);

/// <summary>The body of POST /v1/tasks as the CLI sends it (the server parses bodies by hand, see TaskRequestParser).</summary>
internal sealed record TaskSubmitRequest(
    IReadOnlyList<string>? Args, string? Cmd, string? Name, double? Cpus, long? Mem, IReadOnlyDictionary<string, string>? Env,
    int? Ports = null, string? User = null, string? Network = null, string? Rootfs = null, IReadOnlyDictionary<string, string>? Binds = null,
    IReadOnlyList<IReadOnlyList<string>>? Constraints = null, TaskContainerRequest? Container = null);

/// <summary>One of a task's fetch entries, named as the request's "fetch" field names them (so a view posts back).</summary>
internal sealed record TaskFetchView(
    string Uri, bool Extract, bool Executable, bool Cache, [property: System.Text.Json.Serialization.JsonPropertyName("destPath")] string? DestPath = null);

/// <summary>A task's "container": the image it runs in (see TaskImageField).</summary>
internal sealed record TaskContainerRequest(string Image, bool? ForcePull = null);

/// <summary>A token a rotation produced: its role ("agent") and the token in mm1 form.</summary>
internal sealed record TokenView(string Role, string Token);
