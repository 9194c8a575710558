using System.CommandLine;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Http;

namespace MiniMesos.Net.Cli;

/// <summary>`minimesos master members|add|remove`: single-server membership changes, through any master's API.</summary>
internal static class MembersCli
{
    public static IEnumerable<Command> Commands()
    {
        var members = ClientCommand.Create("members", "List the masters and their roles.", [], async (client, _, ct) =>
        {
            Print(await client.MastersAsync(ct).ConfigureAwait(false));
            return ExitCodes.Success;
        });
        yield return members;

        var addId = new Argument<ulong>("id") { Description = "The new master's id (its log prints it; it was started with --bootstrap-expect 0)." };
        var addAddress = new Argument<string>("address") { Description = "The new master's cluster port, host:port." };
        yield return ClientCommand.Create("add", "Add one master as a voter.", [addId, addAddress], async (client, parse, ct) =>
        {
            Print(await client.AddMasterAsync(parse.GetValue(addId), parse.GetValue(addAddress)!, ct).ConfigureAwait(false));
            return ExitCodes.Success;
        });

        var removeId = new Argument<ulong>("id") { Description = "The id of the master to remove (see `minimesos master members`)." };
        yield return ClientCommand.Create("remove", "Remove one master from the voters (stop it afterwards).", [removeId], async (client, parse, ct) =>
        {
            Print(await client.RemoveMasterAsync(parse.GetValue(removeId), ct).ConfigureAwait(false));
            return ExitCodes.Success;
        });
    }

    private static void Print(MasterList list)
    {
        Console.WriteLine($"{"MASTER",-18} {"ROLE",-10} {"CLUSTER PORT",-22} API");
        foreach (var m in list.Masters) Console.WriteLine($"{m.Id,-18} {m.Role,-10} {m.ClusterAddress,-22} {m.ApiUrl}");
    }
}
