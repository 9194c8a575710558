namespace MiniMesos.Net.Http;

// JSON shapes of the Marathon-compatible /v2 API (camelCase, see MarathonJsonContext). Marathon's names are kept
// so its clients and docs apply; "waiting", "warnings" and "unsupportedFields" are MiniMesos additions.

internal sealed record MarathonApp(
    string Id,
    string? Cmd,
    IReadOnlyList<string>? Args,
    IReadOnlyDictionary<string, string> Env,
    double Cpus,
    double Mem,
    double Disk,
    int Instances,
    string? User,
    IReadOnlyList<IReadOnlyList<string>> Constraints,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<MarathonHealthCheck> HealthChecks,
    IReadOnlyList<MarathonPortDefinition> PortDefinitions,
    double BackoffSeconds,
    double BackoffFactor,
    double MaxLaunchDelaySeconds,
    MarathonUpgradeStrategy UpgradeStrategy,
    string Version,
    int TasksRunning,
    int TasksStaged,
    int TasksHealthy,
    int TasksUnhealthy,
    IReadOnlyList<MarathonDeploymentRef> Deployments,
    string? Waiting = null,
    IReadOnlyList<MarathonTask>? Tasks = null,
    IReadOnlyList<string>? Warnings = null,
    IReadOnlyList<string>? UnsupportedFields = null,
    System.Text.Json.JsonElement? UnreachableStrategy = null,
    string? KillSelection = null);

internal sealed record MarathonHealthCheck(string Protocol, string? Command, string? Path, int PortIndex, double GracePeriodSeconds,
    double IntervalSeconds, double TimeoutSeconds, int MaxConsecutiveFailures);

internal sealed record MarathonPortDefinition(int Port, string Protocol);

internal sealed record MarathonUpgradeStrategy(double MinimumHealthCapacity, double MaximumOverCapacity);

internal sealed record MarathonDeploymentRef(string Id);

internal sealed record MarathonAppEnvelope(MarathonApp App);

internal sealed record MarathonAppList(IReadOnlyList<MarathonApp> Apps);

internal sealed record MarathonTask(
    string Id,
    string AppId,
    string? Host,
    string? SlaveId,
    string State,
    string Version,
    IReadOnlyList<int> Ports,
    DateTimeOffset StagedAt,
    DateTimeOffset? StartedAt,
    string? Message,
    IReadOnlyList<MarathonHealthCheckResult>? HealthCheckResults = null);

internal sealed record MarathonTaskList(IReadOnlyList<MarathonTask> Tasks);

/// <summary>The answer to a change (PUT, DELETE, restart), as Marathon gives it.</summary>
internal sealed record MarathonChange(string Version, string DeploymentId, IReadOnlyList<string>? Warnings = null,
    IReadOnlyList<string>? UnsupportedFields = null);

internal sealed record MarathonDeployment(string Id, string Version, IReadOnlyList<string> AffectedApps, int CurrentStep, int TotalSteps,
    IReadOnlyList<MarathonDeploymentAction> CurrentActions);

internal sealed record MarathonDeploymentAction(string Action, string App);

internal sealed record MarathonInfo(string Name, string Version, string FrameworkId, string? Leader, bool Elected);

/// <summary>Validation failures, Marathon style: a message and per-path details.</summary>
internal sealed record MarathonError(string Message, IReadOnlyList<MarathonErrorDetail>? Details = null, string? Field = null, string? Reason = null);

internal sealed record MarathonErrorDetail(string Path, IReadOnlyList<string> Errors);
