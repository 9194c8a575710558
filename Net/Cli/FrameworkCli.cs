using System.CommandLine;

namespace MiniMesos.Net.Cli;

/// <summary>`minimesos framework list [--json]`: external and built-in frameworks with their live tasks and resources.</summary>
internal static class FrameworkCli
{
    public static Command Command()
    {
        var framework = new Command("framework", "Inspect frameworks (external schedulers on the Framework API, and the built-in ones).");
        var json = ClientCommand.Json();
        framework.Subcommands.Add(ClientCommand.Create("list", "List frameworks: id, name, kind, role, connected, tasks, resources.", [json],
            async (client, parse, ct) =>
            {
                if (parse.GetValue(json)) return await TaskCli.PrintJsonAsync(client, "/v1/frameworks", ct).ConfigureAwait(false);
                var list = await client.FrameworksAsync(ct).ConfigureAwait(false);
                Console.WriteLine($"{"ID",-18} {"NAME",-16} {"KIND",-9} {"ROLE",-10} {"CONNECTED",-9} {"TASKS",5} {"CPUS",6} {"MEM",7}");
                foreach (var f in list.Frameworks)
                    Console.WriteLine($"{f.Id,-18} {f.Name,-16} {f.Kind,-9} {f.Role,-10} {(f.Connected ? "yes" : "no"),-9} {f.Tasks.Count,5} {f.Cpus,6:0.###} {f.Mem,7}");
                return ExitCodes.Success;
            }));
        return framework;
    }
}
