using System.CommandLine;

namespace MiniMesos.Net.Cli;

/// <summary>`minimesos events [--since N]`: follow the cluster's state changes, one JSON object per line.</summary>
internal static class EventsCli
{
    public static Command Command()
    {
        var since = new Option<long?>("--since") { Description = "Replay the kept events after this sequence number first (0 = all kept)." };
        return ClientCommand.Create("events", "Print state changes as they happen, one JSON object per line (for scripts: pipe into `while read`).",
            [since], async (client, parse, ct) =>
            {
                var path = parse.GetValue(since) is { } n ? $"/v1/events?since={n}" : "/v1/events";
                await using var output = Console.OpenStandardOutput();
                try
                {
                    await client.StreamAsync(path, output, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Ctrl-C: the normal way to stop following.
                }
                return ExitCodes.Success;
            });
    }
}
