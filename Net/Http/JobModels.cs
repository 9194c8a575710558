namespace MiniMesos.Net.Http;

/// <summary>The body of POST /v1/jobs and PUT /v1/jobs/{id}; field names as JobSpecValidator reports them.</summary>
internal sealed record JobRequest(
    string? Id = null,
    string? Cmd = null,
    IReadOnlyList<string>? Args = null,
    Dictionary<string, string>? Env = null,
    double? Cpus = null,
    double? Mem = null,
    double? Disk = null,
    string? Schedule = null,
    JobRetryRequest? Retry = null,
    int? HistoryLimit = null,
    string? User = null,
    string? Network = null,
    string? Rootfs = null,
    Dictionary<string, string>? Binds = null);

/// <summary>A job's retry policy in a request: absent fields keep their defaults.</summary>
internal sealed record JobRetryRequest(int? MaxRetries = null, double? BackoffSeconds = null, double? BackoffFactor = null, double? MaxBackoffSeconds = null);
