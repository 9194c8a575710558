using System.CommandLine;
using MiniMesos.Net.Http;

namespace MiniMesos.Net.Cli;

/// <summary>`minimesos task list|show|logs|kill` and `minimesos agent list`.</summary>
internal static class TaskCli
{
    public static Command Task()
    {
        var task = new Command("task", "Inspect and control tasks.");

        var listJson = ClientCommand.Json();
        task.Subcommands.Add(ClientCommand.Create("list", "List tasks: id, state, agent, exit code.", [listJson], async (client, parse, ct) =>
        {
            if (parse.GetValue(listJson)) return await PrintJsonAsync(client, "/v1/tasks", ct).ConfigureAwait(false);
            var tasks = await client.TasksAsync(ct).ConfigureAwait(false);
            Console.WriteLine($"{"ID",-36} {"STATE",-14} {"AGENT",-24} EXIT");
            foreach (var t in tasks.Tasks) Console.WriteLine($"{t.Id,-36} {t.State,-14} {t.AgentId ?? "-",-24} {Exit(t)}");
            return ExitCodes.Success;
        }));

        var showId = new Argument<string>("id") { Description = "The task id." };
        var showJson = ClientCommand.Json();
        task.Subcommands.Add(ClientCommand.Create("show", "Show one task.", [showId, showJson], async (client, parse, ct) =>
        {
            var id = parse.GetValue(showId)!;
            if (parse.GetValue(showJson)) return await PrintJsonAsync(client, $"/v1/tasks/{Uri.EscapeDataString(id)}", ct).ConfigureAwait(false);
            var t = await client.GetTaskAsync(id, ct).ConfigureAwait(false);
            Console.WriteLine($"id:       {t.Id}\nstate:    {t.State}\nagent:    {t.AgentId ?? "-"}\ncommand:  {string.Join(' ', t.Args)}");
            Console.WriteLine($"cpus:     {t.Cpus}\nmem:      {t.Mem} MiB\nexit:     {Exit(t)}");
            if (t.Message is not null) Console.WriteLine($"message:  {t.Message}");
            if (t.WaitingReason is not null) Console.WriteLine($"waiting:  {t.WaitingReason}");
            foreach (var f in t.Fetch ?? []) Console.WriteLine($"fetch:    {Fetch(f)}");
            return ExitCodes.Success;
        }));

        var logsId = new Argument<string>("id") { Description = "The task id." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing output as the task writes it, until it ends." };
        var stderr = new Option<bool>("--stderr") { Description = "Show stderr instead of stdout." };
        task.Subcommands.Add(ClientCommand.Create("logs", "Print a task's output (from its sandbox on the agent).", [logsId, follow, stderr],
            async (client, parse, ct) =>
            {
                await using var output = Console.OpenStandardOutput();
                await client.FollowLogAsync(parse.GetValue(logsId)!, parse.GetValue(stderr) ? "stderr" : "stdout", output, ct, parse.GetValue(follow))
                    .ConfigureAwait(false);
                return ExitCodes.Success;
            }));

        var killId = new Argument<string>("id") { Description = "The task id." };
        task.Subcommands.Add(ClientCommand.Create("kill", "Kill a task: SIGTERM, then everything it started after a grace period.", [killId],
            async (client, parse, ct) =>
            {
                var t = await client.KillAsync(parse.GetValue(killId)!, ct).ConfigureAwait(false);
                Console.WriteLine($"{t.Id} {t.State}");
                return ExitCodes.Success;
            }));
        return task;
    }

    public static Command Agent()
    {
        var json = ClientCommand.Json();
        return ClientCommand.Create("list", "List agents: state (active, unreachable, draining, drained), resources, what is free, whether connected, attributes.", [json], async (client, parse, ct) =>
        {
            if (parse.GetValue(json)) return await PrintJsonAsync(client, "/v1/agents", ct).ConfigureAwait(false);
            var agents = await client.AgentsAsync(ct).ConfigureAwait(false);
            Console.WriteLine($"{"ID",-24} {"HOST",-16} {"STATE",-12} {"CPUS",-11} {"MEM MiB",-13} {"UP",-4} ATTRIBUTES");
            foreach (var a in agents.Agents)
                Console.WriteLine($"{a.Id,-24} {a.Hostname,-16} {a.State,-12} {$"{a.FreeCpus:0.##}/{a.Cpus:0.##}",-11} {$"{a.FreeMem}/{a.Mem}",-13} {(a.Connected ? "yes" : "no"),-4} " +
                    string.Join(",", a.Attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")));
            return ExitCodes.Success;
        });
    }

    internal static async Task<int> PrintJsonAsync(ApiClient client, string path, CancellationToken ct)
    {
        Console.WriteLine(await client.GetJsonAsync(path, ct).ConfigureAwait(false));
        return ExitCodes.Success;
    }

    /// <summary>"https://h/app.tgz (extract, cache) -> bin/app.tgz": what the agent downloads before the task starts.</summary>
    private static string Fetch(TaskFetchView f)
    {
        var flags = new[] { f.Extract ? "extract" : null, f.Executable ? "executable" : null, f.Cache ? "cache" : null }.OfType<string>().ToList();
        return f.Uri + (flags.Count > 0 ? $" ({string.Join(", ", flags)})" : "") + (f.DestPath is { } dest ? $" -> {dest}" : "");
    }

    private static string Exit(TaskView t) => t.ExitCode is { } code ? code.ToString() : t.Signal is { } signal ? $"signal {signal}" : "-";
}
