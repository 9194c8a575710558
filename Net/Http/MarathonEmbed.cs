namespace MiniMesos.Net.Http;

/// <summary>
/// What an app object carries besides its definition, from Marathon's <c>embed=</c> values: <c>apps.tasks</c>,
/// <c>app.counts</c>, ... (the <c>apps.</c>, <c>app.</c> and <c>group.apps.</c> prefixes are interchangeable, as in
/// Marathon; <c>failures</c> means tasks, lastTaskFailure and deployments; <c>tasks</c> brings deployments too).
/// </summary>
internal sealed record MarathonEmbed(bool Tasks, bool Counts, bool Deployments, bool LastTaskFailure, bool TaskStats, bool Readiness)
{
    /// <summary>What Marathon always adds to GET /v2/apps.</summary>
    public static MarathonEmbed List { get; } = new(false, true, true, false, false, false);

    /// <summary>What Marathon always adds to GET /v2/apps/ID.</summary>
    public static MarathonEmbed Single { get; } = new(true, true, true, true, false, false);

    /// <summary>The definition only (answers to POST, api_post_event, versions).</summary>
    public static MarathonEmbed None { get; } = new(false, false, false, false, false, false);

    public static MarathonEmbed Parse(IEnumerable<string?> values, MarathonEmbed baseline)
    {
        var e = baseline;
        foreach (var raw in values)
        {
            foreach (var item in (raw ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var name = item;
                foreach (var prefix in (string[])["group.apps.", "apps.", "app."])
                {
                    if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
                    name = name[prefix.Length..];
                    break;
                }
                e = name switch
                {
                    "tasks" => e with { Tasks = true, Deployments = true },
                    "failures" => e with { Tasks = true, LastTaskFailure = true, Deployments = true },
                    "counts" or "count" => e with { Counts = true },
                    "deployments" => e with { Deployments = true },
                    "lastTaskFailure" => e with { LastTaskFailure = true },
                    "taskStats" => e with { TaskStats = true },
                    "readiness" => e with { Readiness = true },
                    _ => e, // Marathon ignores unknown embeds too.
                };
            }
        }
        return e;
    }
}
