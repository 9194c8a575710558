using System.CommandLine;

namespace MiniMesos.Net.Cli;

/// <summary>A command that talks to the master's API: --master/--token/--token-file, then the work with a ready client.</summary>
internal static class ClientCommand
{
    public static Command Create(string name, string description, Symbol[] symbols, Func<ApiClient, ParseResult, CancellationToken, Task<int>> run)
    {
        var master = CommonOptions.ApiMaster();
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        var command = new Command(name, description) { master, token, tokenFile };
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
            }
        }
        command.SetAction(async (parse, ct) =>
        {
            // Usage errors first; only then look for a master (which may take a moment over mDNS).
            var secret = CommonOptions.RequireSecret(parse, token, tokenFile);
            var (host, port) = await MasterLocator.ResolveAsync(parse.GetValue(master), ct).ConfigureAwait(false);
            using var client = new ApiClient(host, port, secret.Token);
            return await run(client, parse, ct).ConfigureAwait(false);
        });
        return command;
    }

    public static Option<bool> Json() => new("--json") { Description = "Print the API's JSON answer unchanged (for scripts)." };
}
