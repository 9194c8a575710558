using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace MiniMesos.Tests.Marathon;

// Strict models written from Marathon's RAML types (docs/docs/rest-api/public/api/v2/types/*.raml): every property
// Marathon defines for the object and no other (unknown fields fail), `required` where the RAML has no '?'. Nested
// objects MiniMesos does not produce (container, networks, ...) are JsonElement: present in Marathon's own examples.

internal static partial class MarathonSchema
{
    public static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Strict) ?? throw new JsonException("null");

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    public static partial Regex MarathonTime();

    /// <summary>Marathon's one time format (UTC, milliseconds, Z): the only one its clients parse.</summary>
    public static void AssertTime(string? value, string what)
    {
        if (value is null || !MarathonTime().IsMatch(value)) throw new Xunit.Sdk.XunitException($"{what}: '{value}' is not Marathon's time format");
    }

    public static void AssertTimes(App app)
    {
        if (app.Version is not null) AssertTime(app.Version, $"{app.Id} version");
        if (app.VersionInfo is { } v)
        {
            AssertTime(v.LastScalingAt, "versionInfo.lastScalingAt");
            AssertTime(v.LastConfigChangeAt, "versionInfo.lastConfigChangeAt");
        }
        foreach (var t in app.Tasks ?? []) AssertTimes(t);
        if (app.LastTaskFailure is { } f)
        {
            AssertTime(f.Timestamp, "lastTaskFailure.timestamp");
            AssertTime(f.Version, "lastTaskFailure.version");
        }
    }

    public static void AssertTimes(MarathonTask t)
    {
        if (t.StagedAt is not null) AssertTime(t.StagedAt, $"{t.Id} stagedAt");
        if (t.StartedAt is not null) AssertTime(t.StartedAt, $"{t.Id} startedAt");
        if (t.Version is not null) AssertTime(t.Version, $"{t.Id} version");
        foreach (var h in t.HealthCheckResults ?? [])
        {
            if (h.FirstSuccess is not null) AssertTime(h.FirstSuccess, "healthCheckResults.firstSuccess");
            if (h.LastSuccess is not null) AssertTime(h.LastSuccess, "healthCheckResults.lastSuccess");
            if (h.LastFailure is not null) AssertTime(h.LastFailure, "healthCheckResults.lastFailure");
        }
    }
}

/// <summary>types/app.raml App + AppInfo.</summary>
internal sealed class App
{
    public required string Id { get; init; }
    public List<string>? AcceptedResourceRoles { get; init; }
    public List<string>? Args { get; init; }
    public double? BackoffFactor { get; init; }
    public int? BackoffSeconds { get; init; }
    public string? Cmd { get; init; }
    public List<List<string>>? Constraints { get; init; }
    public JsonElement? Container { get; init; }
    public double? Cpus { get; init; }
    public List<string>? Dependencies { get; init; }
    public double? Disk { get; init; }
    public Dictionary<string, JsonElement>? Env { get; init; }
    public string? Executor { get; init; }
    public JsonElement? ExecutorResources { get; init; }
    public List<Artifact>? Fetch { get; init; }
    public List<HealthCheck>? HealthChecks { get; init; }
    public JsonElement? Check { get; init; }
    public int? Instances { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    public int? MaxLaunchDelaySeconds { get; init; }
    public double? Mem { get; init; }
    public int? Gpus { get; init; }
    public JsonElement? IpAddress { get; init; }
    public JsonElement? Networks { get; init; }
    public List<int>? Ports { get; init; }
    public List<PortDefinition>? PortDefinitions { get; init; }
    public JsonElement? ReadinessChecks { get; init; }
    public JsonElement? Residency { get; init; }
    public JsonElement? ResourceLimits { get; init; }
    public bool? RequirePorts { get; init; }
    public JsonElement? Secrets { get; init; }
    public int? TaskKillGracePeriodSeconds { get; init; }
    public UpgradeStrategy? UpgradeStrategy { get; init; }
    public List<string>? Uris { get; init; }
    public string? User { get; init; }
    public string? Version { get; init; }
    public VersionInfo? VersionInfo { get; init; }
    public string? KillSelection { get; init; }
    public JsonElement? UnreachableStrategy { get; init; }
    public bool? Tty { get; init; }
    public string? Role { get; init; }
    // AppInfo
    public int? TasksStaged { get; init; }
    public int? TasksRunning { get; init; }
    public int? TasksHealthy { get; init; }
    public int? TasksUnhealthy { get; init; }
    public List<Identifiable>? Deployments { get; init; }
    public JsonElement? ReadinessCheckResults { get; init; }
    public List<MarathonTask>? Tasks { get; init; }
    public TaskFailure? LastTaskFailure { get; init; }
    public TaskStatsByVersion? TasksStats { get; init; }
}

internal sealed class Identifiable
{
    public required string Id { get; init; }
}

internal sealed class Artifact
{
    public required string Uri { get; init; }
    public bool? Extract { get; init; }
    public bool? Executable { get; init; }
    public bool? Cache { get; init; }
    public string? DestPath { get; init; }
}

internal sealed class HealthCheck
{
    public JsonElement? Command { get; init; }
    public int? GracePeriodSeconds { get; init; }
    public bool? IgnoreHttp1xx { get; init; }
    public int? IntervalSeconds { get; init; }
    public int? MaxConsecutiveFailures { get; init; }
    public string? Path { get; init; }
    public int? PortIndex { get; init; }
    public int? Port { get; init; }
    public string? Protocol { get; init; }
    public string? IpProtocol { get; init; }
    public int? TimeoutSeconds { get; init; }
    public int? DelaySeconds { get; init; }
}

internal sealed class PortDefinition
{
    public int? Port { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    public string? Name { get; init; }
    public string? Protocol { get; init; }
}

internal sealed class UpgradeStrategy
{
    public double? MaximumOverCapacity { get; init; }
    public double? MinimumHealthCapacity { get; init; }
}

internal sealed class VersionInfo
{
    public required string LastScalingAt { get; init; }
    public required string LastConfigChangeAt { get; init; }
}

/// <summary>types/task.raml Task.</summary>
internal sealed class MarathonTask
{
    public required string AppId { get; init; }
    public List<HealthResult>? HealthCheckResults { get; init; }
    public JsonElement? CheckResult { get; init; }
    public required string Host { get; init; }
    public required string Id { get; init; }
    public JsonElement? IpAddresses { get; init; }
    public List<int>? Ports { get; init; }
    public List<int>? ServicePorts { get; init; }
    public string? SlaveId { get; init; }
    public required string State { get; init; }
    public string? StagedAt { get; init; }
    public string? StartedAt { get; init; }
    public string? Version { get; init; }
    public JsonElement? LocalVolumes { get; init; }
    public string? Region { get; init; }
    public string? Zone { get; init; }
    public required string Role { get; init; }
}

/// <summary>types/healthCheck.raml Health.</summary>
internal sealed class HealthResult
{
    public required bool Alive { get; init; }
    public required int ConsecutiveFailures { get; init; }
    public string? FirstSuccess { get; init; }
    public required string InstanceId { get; init; }
    public string? LastSuccess { get; init; }
    public string? LastFailure { get; init; }
    public string? LastFailureCause { get; init; }
}

internal sealed class TaskFailure
{
    public required string AppId { get; init; }
    public required string Host { get; init; }
    public required string Message { get; init; }
    public required string State { get; init; }
    public required string TaskId { get; init; }
    public required string Timestamp { get; init; }
    public required string Version { get; init; }
    public string? SlaveId { get; init; }
}

internal sealed class TaskStatsByVersion
{
    public JsonElement? StartedAfterLastScaling { get; init; }
    public JsonElement? WithLatestConfig { get; init; }
    public JsonElement? WithOutdatedConfig { get; init; }
    public JsonElement? TotalSummary { get; init; }
}

internal sealed class AppList
{
    public required List<App> Apps { get; init; }
}

internal sealed class AppEnvelope
{
    public required App App { get; init; }
}

internal sealed class TaskList
{
    public required List<MarathonTask> Tasks { get; init; }
}

internal sealed class Group
{
    public required string Id { get; init; }
    public List<App>? Apps { get; init; }
    public JsonElement? Pods { get; init; }
    public List<Group>? Groups { get; init; }
    public List<string>? Dependencies { get; init; }
    public string? Version { get; init; }
    public JsonElement? VersionInfo { get; init; }
    public JsonElement? EnforceRole { get; init; }
}

/// <summary>types/info.raml MarathonInfo (its sub-objects are snake_case in Marathon; their contents are not checked).</summary>
internal sealed class Info
{
    public required string Name { get; init; }
    public required string Version { get; init; }
    public string? Buildref { get; init; }
    public required bool Elected { get; init; }
    public string? Leader { get; init; }
    public required string FrameworkId { get; init; }
    [JsonPropertyName("marathon_config")] public required JsonElement MarathonConfig { get; init; }
    [JsonPropertyName("zookeeper_config")] public required JsonElement ZookeeperConfig { get; init; }
    [JsonPropertyName("http_config")] public required JsonElement HttpConfig { get; init; }
}

internal sealed class Error
{
    public required string Message { get; init; }
    public List<ErrorDetail>? Details { get; init; }
}

internal sealed class ErrorDetail
{
    public required string Path { get; init; }
    public required List<string> Errors { get; init; }
}

internal sealed class Leader
{
    [JsonPropertyName("leader")] public required string Value { get; init; }
}

internal sealed class DeploymentResult
{
    public required string Version { get; init; }
    public required string DeploymentId { get; init; }
}

internal sealed class VersionList
{
    public required List<string> Versions { get; init; }
}
