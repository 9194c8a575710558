using System.CommandLine;

namespace MiniMesos.Net.Cli;

/// <summary>A command that talks to the master's API: --master/--token/--token-file, then the work with a ready client.</summary>
internal static class ClientCommand
{
    public static Command Create(string name, string description, Symbol[] symbols, Func<ApiClient, ParseResult, CancellationToken, Task<int>> run)
    {
        var command = new Command(name, description);
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
        return Attach(command, run);
    }

    /// <summary>Adds --master/--token/--token-file to <paramref name="command"/> and runs <paramref name="run"/> with a ready client.</summary>
    public static Command Attach(Command command, Func<ApiClient, ParseResult, CancellationToken, Task<int>> run)
    {
        var master = CommonOptions.ApiMaster();
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        command.Options.Add(master);
        command.Options.Add(token);
        command.Options.Add(tokenFile);
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
