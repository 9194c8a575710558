using System.CommandLine;
using System.Text.Json;
using MiniMesos.Net.Http.Ui;

namespace MiniMesos.Net.Cli;

/// <summary>
/// `minimesos ui`: asks the master for a one-time login code and prints the web UI's URL with it in the fragment
/// (#code=..., never sent in a request or logged), so nobody pastes the admin token into a browser.
/// </summary>
internal static class UiCli
{
    public static Command Command() =>
        ClientCommand.Create("ui", "Print the web UI's address with a one-time login code (works once, for 5 minutes).", [],
            async (client, _, ct) =>
            {
                var (status, body) = await client.SendAsync(HttpMethod.Post, UiEndpoints.CodesPath, null, ct).ConfigureAwait(false);
                if (status != 201) throw new CliException($"the master refused a login code ({status}): {body}", ExitCodes.RuntimeError);
                var code = JsonSerializer.Deserialize(body, UiJsonContext.Default.UiLoginCode)
                    ?? throw new CliException($"the master answered something unexpected: {body}", ExitCodes.RuntimeError);
                Console.WriteLine($"{client.BaseUrl}/ui/#code={code.Code}");
                Console.Error.WriteLine($"open it within {code.ExpiresIn / 60} minutes; the code works once");
                return ExitCodes.Success;
            });
}
