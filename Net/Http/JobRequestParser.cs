using System.Text.Json;
using System.Text.RegularExpressions;
using MiniMesos.Core.Frameworks.Jobs;

namespace MiniMesos.Net.Http;

/// <summary>
/// Turns a /v1/jobs body into a validated <see cref="JobSpec"/>, or an error naming the field path and the reason:
/// JSON type errors and unknown fields by the path the serializer stopped at, the rest by
/// <see cref="JobSpecValidator"/>.
/// </summary>
internal static partial class JobRequestParser
{
    [GeneratedRegex("'([^']+)' could not be mapped")]
    private static partial Regex UnknownProperty();

    /// <summary><paramref name="pathId"/> is the id from the URL (PUT), which a body id must match.</summary>
    public static (JobSpec? Job, ApiError? Error) Parse(byte[] body, string? pathId, long createdAtMs)
    {
        JobRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body, JobsJsonContext.Api.JobRequest);
        }
        catch (JsonException e)
        {
            var unknown = UnknownProperty().Match(e.Message);
            var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
            if (unknown.Success)
            {
                var field = path.Length == 0 ? unknown.Groups[1].Value : path;
                return (null, Invalid(field, "unknown field (known: id, cmd, args, env, cpus, mem, disk, schedule, retry, historyLimit, user, network, rootfs, binds)"));
            }
            if (path.Length == 0 || e.Message.Contains("invalid", StringComparison.OrdinalIgnoreCase) || !Expected.TryGetValue(Bracketless(path), out var expected))
                return (null, Invalid(path, $"the body is not a valid JSON job object ({FirstSentence(e.Message)})"));
            return (null, Invalid(path, $"must be {expected}"));
        }
        if (request is null) return (null, Invalid("", "the body must be a JSON object"));
        if (pathId is not null && request.Id is not null && request.Id != pathId)
            return (null, Invalid("id", $"'{request.Id}' does not match the id in the path '{pathId}'"));
        var defaults = new JobSpec(pathId ?? request.Id ?? "");
        RetryPolicy? retry = null;
        if (request.Retry is { } r)
        {
            var d = new RetryPolicy();
            retry = new RetryPolicy(r.MaxRetries ?? d.MaxRetries, r.BackoffSeconds ?? d.BackoffSeconds, r.BackoffFactor ?? d.BackoffFactor,
                r.MaxBackoffSeconds ?? Math.Max(d.MaxBackoffSeconds, r.BackoffSeconds ?? 0));
        }
        var job = defaults with
        {
            Cmd = request.Cmd,
            Args = request.Args,
            Env = request.Env,
            Cpus = request.Cpus ?? defaults.Cpus,
            Mem = request.Mem ?? defaults.Mem,
            Disk = request.Disk ?? defaults.Disk,
            Schedule = request.Schedule,
            Retry = retry,
            HistoryLimit = request.HistoryLimit ?? defaults.HistoryLimit,
            CreatedAtMs = createdAtMs,
            User = request.User,
            Network = request.Network == "host" ? null : request.Network,
            Rootfs = request.Rootfs,
            Binds = request.Binds,
        };
        var errors = JobSpecValidator.Validate(job);
        if (errors.Count == 0 && Core.Isolation.LaunchText.Invalid(job.Cmd, job.Args, job.Env, job.User) is { } text) return (null, Invalid(text.Field, text.Reason));
        if (errors.Count == 0) return (job, null);
        var first = errors[0];
        var error = Invalid(first.Path, first.Reason);
        return (null, errors.Count == 1 ? error : error with { Error = $"{error.Error} (and {string.Join("; ", errors.Skip(1))})" });
    }

    /// <summary>What each field must be, for the message when the JSON value has the wrong type.</summary>
    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["id"] = "a string", ["cmd"] = "a string", ["schedule"] = "a string", ["args"] = "an array of strings",
        ["env"] = "an object of string values", ["cpus"] = "a number", ["mem"] = "a number (MiB)", ["disk"] = "a number (MiB)",
        ["historyLimit"] = "a whole number", ["retry"] = "an object", ["retry.maxRetries"] = "a whole number",
        ["retry.backoffSeconds"] = "a number of seconds", ["retry.backoffFactor"] = "a number", ["retry.maxBackoffSeconds"] = "a number of seconds",
        ["user"] = "a string (a user name)", ["network"] = "a string (\"host\" or \"none\")", ["rootfs"] = "a string (a directory on the agent)",
        ["binds"] = "an object {host path: path inside}",
    };

    /// <summary>"args[2]" and "env.NAME" name their collection's rule.</summary>
    private static string Bracketless(string path)
    {
        var bracket = path.IndexOf('[');
        var root = bracket < 0 ? path : path[..bracket];
        return root.StartsWith("env.", StringComparison.Ordinal) ? "env" : root.StartsWith("binds.", StringComparison.Ordinal) ? "binds" : root;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut < 0 ? message.TrimEnd('.') : message[..cut];
    }

    private static ApiError Invalid(string field, string reason) =>
        new($"invalid job: {(field.Length == 0 ? "body" : field)}: {reason}", field, reason);
}
