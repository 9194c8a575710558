namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>Checks an <see cref="AppSpec"/>; every error names the field path (Marathon JSON names) and why.</summary>
internal static class AppSpecValidator
{
    private static readonly HashSet<string> Protocols = new(StringComparer.Ordinal) { "COMMAND", "HTTP", "TCP" };

    /// <summary>Task ids are "{id without slashes}.{serial}" and at most 128 characters: 20 are kept for the dot and serial.</summary>
    public const int MaxIdLength = 108;

    public static IReadOnlyList<ValidationError> Validate(AppSpec app)
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrEmpty(app.Id) || !IsAppId(app.Id))
            errors.Add(new("id", $"'{app.Id}' is not a valid app id (lower-case letters, digits, '-' and '.', path segments separated by '/')"));
        var hasCmd = !string.IsNullOrWhiteSpace(app.Cmd);
        var hasArgs = app.Args is { Count: > 0 };
        // With an image neither is needed (the image's Entrypoint and Cmd run), but both still cannot be.
        if (hasCmd && hasArgs) errors.Add(new("args", "exactly one of cmd or args must be given"));
        else if (!hasCmd && !hasArgs && app.Container is null) errors.Add(new("cmd", "exactly one of cmd or args must be given"));
        if (app.Container is { } container && Images.ImageReference.Parse(container.Reference, out var imageError) is null)
            errors.Add(new("container.docker.image", imageError));
        if (app.Args is not null)
        {
            for (var i = 0; i < app.Args.Count; i++)
                if (app.Args[i] is null) errors.Add(new($"args[{i}]", "must not be null"));
        }
        else if (app.Id.Trim('/').Length > MaxIdLength)
            errors.Add(new("id", $"is {app.Id.Trim('/').Length} characters long; at most {MaxIdLength} (task ids are made of it and a serial, and must fit 128)"));
        // The same bounds as a task's on /v1.
        if (!(app.Cpus is >= 0.001 and <= 1024)) errors.Add(new("cpus", $"must be between 0.001 and 1024, got {app.Cpus}"));
        if (!(app.Mem is >= 1 and <= 16 * 1024 * 1024)) errors.Add(new("mem", $"must be between 1 and {16 * 1024 * 1024} MiB, got {app.Mem}"));
        if (!(app.Disk is >= 0 and <= 1L << 40)) errors.Add(new("disk", $"must be between 0 and {1L << 40} MiB, got {app.Disk}"));
        if (app.Ports is < 0 or > 1000) errors.Add(new("ports", $"must be between 0 and 1000, got {app.Ports}"));
        if (app.Instances < 0) errors.Add(new("instances", $"must be >= 0, got {app.Instances}"));
        if (app.User is { Length: 0 }) errors.Add(new("user", "must not be empty when given"));
        if (app.Labels?.GetValueOrDefault(AppSpec.NetworkLabel) is { } network && network is not ("host" or "none"))
            errors.Add(new($"labels[{AppSpec.NetworkLabel}]", $"must be host or none, got '{network}'"));
        if (app.Labels?.GetValueOrDefault(Dns.DnsSdServiceType.Label) is { } dnssd)
        {
            if (Dns.DnsSdServiceType.Invalid(dnssd) is { } why) errors.Add(new($"labels[{Dns.DnsSdServiceType.Label}]", why));
            else if (app.Ports < 1) errors.Add(new($"labels[{Dns.DnsSdServiceType.Label}]", "needs a port to announce: give the app at least one port"));
        }
        if (app.Env is not null)
        {
            foreach (var key in app.Env.Keys)
                if (key.Length == 0 || key.Contains('=') || key.Contains('\0')) errors.Add(new($"env[{key}]", "not a valid environment variable name"));
        }
        if (app.Constraints is not null)
        {
            for (var i = 0; i < app.Constraints.Count; i++) Constraint.Parse(app.Constraints[i], $"constraints[{i}]", errors);
        }
        if (app.HealthChecks is not null)
        {
            for (var i = 0; i < app.HealthChecks.Count; i++) ValidateHealthCheck(app, app.HealthChecks[i], $"healthChecks[{i}]", errors);
        }
        if (!(app.BackoffSeconds >= 0)) errors.Add(new("backoffSeconds", $"must be >= 0, got {app.BackoffSeconds}"));
        if (!(app.BackoffFactor >= 1)) errors.Add(new("backoffFactor", $"must be >= 1, got {app.BackoffFactor}"));
        if (!(app.MaxLaunchDelaySeconds >= 0)) errors.Add(new("maxLaunchDelaySeconds", $"must be >= 0, got {app.MaxLaunchDelaySeconds}"));
        var upgrade = app.Upgrade;
        if (!(upgrade.MinimumHealthCapacity is >= 0 and <= 1))
            errors.Add(new("upgradeStrategy.minimumHealthCapacity", $"must be between 0 and 1, got {upgrade.MinimumHealthCapacity}"));
        if (!(upgrade.MaximumOverCapacity is >= 0 and <= 1))
            errors.Add(new("upgradeStrategy.maximumOverCapacity", $"must be between 0 and 1, got {upgrade.MaximumOverCapacity}"));
        if (app.UnreachableStrategy is { Disabled: false } unreachable)
        {
            // Marathon 1.4's rules, so its documented examples (0 and 0: replaced and expunged at once) are accepted.
            if (unreachable.InactiveAfterSeconds < 0)
                errors.Add(new("unreachableStrategy.inactiveAfterSeconds", $"must be >= 0, got {unreachable.InactiveAfterSeconds}"));
            if (unreachable.ExpungeAfterSeconds < unreachable.InactiveAfterSeconds)
                errors.Add(new("unreachableStrategy.expungeAfterSeconds",
                    $"must be >= inactiveAfterSeconds ({unreachable.InactiveAfterSeconds}), got {unreachable.ExpungeAfterSeconds}"));
        }
        return errors;
    }

    private static void ValidateHealthCheck(AppSpec app, HealthCheckSpec check, string path, List<ValidationError> errors)
    {
        if (!Protocols.Contains(check.Protocol))
            errors.Add(new($"{path}.protocol", $"unknown protocol '{check.Protocol}' (expected COMMAND, HTTP or TCP)"));
        if (check.Protocol == "COMMAND" && string.IsNullOrWhiteSpace(check.Command))
            errors.Add(new($"{path}.command", "COMMAND health checks need a command"));
        if (check.Protocol is "HTTP" or "TCP" && (check.PortIndex < 0 || check.PortIndex >= app.Ports))
            errors.Add(new($"{path}.portIndex", $"{check.PortIndex} is not one of the app's {app.Ports} port(s)"));
        if (!(check.GracePeriodSeconds >= 0)) errors.Add(new($"{path}.gracePeriodSeconds", "must be >= 0"));
        if (!(check.IntervalSeconds > 0)) errors.Add(new($"{path}.intervalSeconds", "must be > 0"));
        // A timeout longer than the interval is allowed, as in Marathon: the next probe waits for the one running.
        if (!(check.TimeoutSeconds > 0)) errors.Add(new($"{path}.timeoutSeconds", "must be > 0"));
        if (check.MaxConsecutiveFailures < 0) errors.Add(new($"{path}.maxConsecutiveFailures", "must be >= 0 (0 = never kill)"));
    }

    /// <summary><c>/?seg(/seg)*</c>, each segment <c>[a-z0-9]([a-z0-9.-]*[a-z0-9])?</c>.</summary>
    private static bool IsAppId(string id)
    {
        var rest = id.AsSpan(id.StartsWith('/') ? 1 : 0);
        while (true)
        {
            var slash = rest.IndexOf('/');
            if (!NameShapes.IsLowerSegment(slash < 0 ? rest : rest[..slash], underscore: false)) return false;
            if (slash < 0) return true;
            rest = rest[(slash + 1)..];
        }
    }
}
