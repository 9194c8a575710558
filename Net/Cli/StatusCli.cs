using System.CommandLine;

namespace MiniMesos.Net.Cli;

/// <summary>`minimesos status [--json]`: the master's view of the cluster: leader, masters and their roles, agents, tasks.</summary>
internal static class StatusCli
{
    public static Command Command()
    {
        var json = ClientCommand.Json();
        return ClientCommand.Create("status", "Show the cluster as one master sees it: its role, the leader, the masters, agents and tasks.", [json],
            async (client, parse, ct) =>
            {
                if (parse.GetValue(json))
                {
                    Console.WriteLine(await client.GetJsonAsync("/v1/status", ct).ConfigureAwait(false));
                    return ExitCodes.Success;
                }
                var status = await client.StatusAsync(ct).ConfigureAwait(false);
                Console.WriteLine($"master {status.Id}: {status.Role}, term {status.Term}, commit {status.Commit}, applied {status.Applied} (minimesos {status.Version})");
                if (status.RaftStopped is not null) Console.WriteLine($"RAFT STOPPED: {status.RaftStopped}");
                Console.WriteLine($"leader: {(status.Leader is { } l ? l.ToString() : "none elected")}");
                Console.WriteLine($"{"MASTER",-18} {"ROLE",-10} {"VERSION",-10} {"CLUSTER PORT",-22} API");
                foreach (var m in status.Masters)
                    Console.WriteLine($"{m.Id,-18} {m.Role,-10} {m.Version ?? "?",-10} {m.ClusterAddress,-22} {m.ApiUrl}");
                if (status.ClusterFeatureLevel is { } level) Console.WriteLine($"cluster feature level: {level} (the lowest every master reads)");
                Console.WriteLine($"agents: {status.Agents}");
                Console.WriteLine($"tasks: {(status.Tasks.Count == 0 ? "none" : string.Join(", ", status.Tasks.Select(kv => $"{kv.Value} {kv.Key}")))}");
                return ExitCodes.Success;
            });
    }
}
