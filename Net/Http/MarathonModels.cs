using System.Text.Json.Serialization;

namespace MiniMesos.Net.Http;

// JSON shapes of the Marathon-compatible /v2 API (camelCase, see MarathonJsonContext), field for field as Marathon's
// published RAML types name them; times are strings in MarathonTime's format. Nothing MiniMesos-only goes inside
// these objects: strict clients build them from exactly Marathon's fields (extras travel in X-MiniMesos-* headers).

internal sealed record MarathonApp(
    string Id,
    string? Cmd,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    double Cpus,
    double Mem,
    double Disk,
    int Gpus,
    int Instances,
    string? User,
    string Executor,
    IReadOnlyList<IReadOnlyList<string>> Constraints,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<MarathonHealthCheck> HealthChecks,
    IReadOnlyList<MarathonPortDefinition> PortDefinitions,
    bool RequirePorts,
    IReadOnlyList<string> Dependencies,
    IReadOnlyList<MarathonFetch> Fetch,
    double BackoffSeconds,
    double BackoffFactor,
    double MaxLaunchDelaySeconds,
    MarathonUpgradeStrategy UpgradeStrategy,
    string Version,
    MarathonVersionInfo VersionInfo,
    int? TasksRunning = null,
    int? TasksStaged = null,
    int? TasksHealthy = null,
    int? TasksUnhealthy = null,
    IReadOnlyList<MarathonDeploymentRef>? Deployments = null,
    IReadOnlyList<MarathonTask>? Tasks = null,
    MarathonTaskFailure? LastTaskFailure = null,
    MarathonTaskStatsByVersion? TasksStats = null,
    IReadOnlyList<string>? ReadinessCheckResults = null,
    System.Text.Json.JsonElement? UnreachableStrategy = null,
    string? KillSelection = null,
    MarathonContainer? Container = null);

/// <summary>An app's container as Marathon shows it: the type and the Docker image (shown only for apps run from an image).</summary>
internal sealed record MarathonContainer(string Type, MarathonDockerImage Docker);

internal sealed record MarathonDockerImage(string Image, bool ForcePullImage);

internal sealed record MarathonVersionInfo(string LastScalingAt, string LastConfigChangeAt);

internal sealed record MarathonFetch(string Uri, bool Extract, bool Executable, bool Cache, string? DestPath = null);

internal sealed record MarathonHealthCheck(string Protocol, MarathonCommand? Command, string? Path, int? PortIndex, double GracePeriodSeconds,
    double IntervalSeconds, double TimeoutSeconds, int MaxConsecutiveFailures, double DelaySeconds);

internal sealed record MarathonCommand(string Value);

internal sealed record MarathonPortDefinition(int Port, string Protocol, IReadOnlyDictionary<string, string> Labels);

internal sealed record MarathonUpgradeStrategy(double MinimumHealthCapacity, double MaximumOverCapacity);

internal sealed record MarathonDeploymentRef(string Id);

internal sealed record MarathonAppEnvelope(MarathonApp App);

internal sealed record MarathonAppList(IReadOnlyList<MarathonApp> Apps);

internal sealed record MarathonTask(
    string Id,
    string AppId,
    string Host,
    string? SlaveId,
    string State,
    string Version,
    IReadOnlyList<int> Ports,
    IReadOnlyList<int> ServicePorts,
    string StagedAt,
    string? StartedAt,
    string Role,
    IReadOnlyList<MarathonHealthCheckResult>? HealthCheckResults = null);

internal sealed record MarathonTaskList(IReadOnlyList<MarathonTask> Tasks);

internal sealed record MarathonTaskEnvelope(MarathonTask Task);

/// <summary>Marathon's TaskFailure: the app's last instance that failed on its own.</summary>
internal sealed record MarathonTaskFailure(string AppId, string Host, string Message, string State, string TaskId, string Timestamp, string Version,
    string? SlaveId);

internal sealed record MarathonTaskCounts(int Staged, int Running, int Healthy, int Unhealthy);

internal sealed record MarathonTaskStats(MarathonTaskCounts Counts);

internal sealed record MarathonStats(MarathonTaskStats Stats);

internal sealed record MarathonTaskStatsByVersion(MarathonStats? WithLatestConfig = null, MarathonStats? WithOutdatedConfig = null,
    MarathonStats? TotalSummary = null);

/// <summary>The answer to a change (PUT, DELETE, restart, scale), as Marathon gives it.</summary>
internal sealed record MarathonChange(string Version, string? DeploymentId);

internal sealed record MarathonDeployment(string Id, string Version, IReadOnlyList<string> AffectedApps, IReadOnlyList<string> AffectedPods,
    IReadOnlyList<MarathonDeploymentStep> Steps, IReadOnlyList<MarathonDeploymentAction> CurrentActions, int CurrentStep, int TotalSteps);

internal sealed record MarathonDeploymentStep(IReadOnlyList<MarathonDeploymentAction> Actions);

internal sealed record MarathonDeploymentAction(string Action, string App);

/// <summary>Marathon's /v2/info: its sub-objects are snake_case, as Marathon writes them.</summary>
internal sealed record MarathonInfo(string Name, string Version, string Buildref, bool Elected, string? Leader, string FrameworkId,
    [property: JsonPropertyName("marathon_config")] MarathonInfoConfig MarathonConfig,
    [property: JsonPropertyName("zookeeper_config")] MarathonZookeeperConfig ZookeeperConfig,
    [property: JsonPropertyName("http_config")] MarathonHttpConfig HttpConfig);

internal sealed record MarathonInfoConfig(
    [property: JsonPropertyName("framework_name")] string FrameworkName,
    [property: JsonPropertyName("hostname")] string Hostname,
    [property: JsonPropertyName("master")] string Master,
    [property: JsonPropertyName("mesos_user")] string MesosUser,
    [property: JsonPropertyName("mesos_role")] string MesosRole,
    [property: JsonPropertyName("ha")] bool Ha,
    [property: JsonPropertyName("checkpoint")] bool Checkpoint,
    [property: JsonPropertyName("features")] IReadOnlyList<string> Features,
    [property: JsonPropertyName("webui_url")] string? WebuiUrl);

/// <summary>There is no ZooKeeper: the masters replicate with Raft. The fields are there because clients read them.</summary>
internal sealed record MarathonZookeeperConfig(
    [property: JsonPropertyName("zk")] string Zk,
    [property: JsonPropertyName("zk_max_versions")] int ZkMaxVersions);

internal sealed record MarathonHttpConfig(
    [property: JsonPropertyName("http_port")] int HttpPort,
    [property: JsonPropertyName("https_port")] int HttpsPort);

internal sealed record MarathonGroup(string Id, IReadOnlyList<MarathonApp> Apps, IReadOnlyList<MarathonGroup> Groups, IReadOnlyList<string> Pods,
    IReadOnlyList<string> Dependencies, string? Version);

internal sealed record MarathonQueue(IReadOnlyList<MarathonQueueItem> Queue);

internal sealed record MarathonQueueItem(MarathonApp App, int Count, MarathonQueueDelay Delay, string Since, string Role);

internal sealed record MarathonQueueDelay(long TimeLeftSeconds, bool Overdue);

internal sealed record MarathonLeader(string Leader);

internal sealed record MarathonMessage(string Message);

/// <summary>Marathon's error body: a message and, for validation, every bad path with its errors.</summary>
internal sealed record MarathonError(string Message, IReadOnlyList<MarathonErrorDetail>? Details = null);

internal sealed record MarathonErrorDetail(string Path, IReadOnlyList<string> Errors);

internal sealed record MarathonVersionList(IReadOnlyList<string> Versions);
