using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MiniMesos.Net.Http;

namespace MiniMesos.Net.Cli;

/// <summary>`minimesos agent drain ID [--grace S]` and `minimesos agent reactivate ID`.</summary>
internal static class AgentCli
{
    public static IEnumerable<Command> Commands()
    {
        var drainId = new Argument<string>("ID") { Description = "The agent's id (see `minimesos agent list`)." };
        var grace = new Option<double?>("--grace") { Description = "Seconds each task gets between SIGTERM and SIGKILL (default 5)." };
        yield return ClientCommand.Create("drain", "Drain an agent: no new tasks go there, its app instances move elsewhere, its tasks are killed.",
            [drainId, grace], async (client, parse, ct) =>
            {
                var seconds = parse.GetValue(grace);
                if (seconds is < 0 or > AgentEndpoints.MaxGraceSeconds || seconds is { } s && double.IsNaN(s))
                    throw new CliException($"--grace: {seconds} is not between 0 and {AgentEndpoints.MaxGraceSeconds} seconds", ExitCodes.UsageError);
                var body = seconds is { } g ? string.Create(CultureInfo.InvariantCulture, $"{{\"gracePeriodSeconds\":{g}}}") : null;
                return await PostAsync(client, parse.GetValue(drainId)!, "drain", body, ct).ConfigureAwait(false);
            });
        var reactivateId = new Argument<string>("ID") { Description = "The agent's id." };
        yield return ClientCommand.Create("reactivate", "End draining: the agent takes new tasks again.", [reactivateId],
            (client, parse, ct) => PostAsync(client, parse.GetValue(reactivateId)!, "reactivate", null, ct));
    }

    private static async Task<int> PostAsync(ApiClient client, string id, string action, string? body, CancellationToken ct)
    {
        var (status, text) = await client.SendAsync(HttpMethod.Post, $"/v1/agents/{Uri.EscapeDataString(id)}/{action}", body, ct).ConfigureAwait(false);
        if (status is >= 200 and < 300)
        {
            var agent = JsonSerializer.Deserialize(text, ApiJsonContext.Api.AgentView)!;
            Console.WriteLine($"agent {agent.Id}: {agent.State}");
            return ExitCodes.Success;
        }
        throw Refused(status, text);
    }

    /// <summary>The API's refusal as a CLI failure: its error message; a 400 (bad input) is a usage error.</summary>
    internal static CliException Refused(int status, string text)
    {
        string message;
        try
        {
            message = JsonSerializer.Deserialize(text, ApiJsonContext.Api.ApiError)?.Error ?? text;
        }
        catch (JsonException)
        {
            message = text;
        }
        return new CliException(message, status == 400 ? ExitCodes.UsageError : ExitCodes.RuntimeError);
    }
}
