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
            using var client = await ConnectAsync(parse, master, token, tokenFile, ct).ConfigureAwait(false);
            return await run(client, parse, ct).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>
    /// The client for a command's --master/--token/--token-file. Precedence: flag > environment (both in the
    /// options) > config file (<see cref="CliConfig"/>) > discovery. Bad config lines fail before any network call.
    /// </summary>
    public static async Task<ApiClient> ConnectAsync(ParseResult parse, Option<string?> master, Option<string?> token, Option<string?> tokenFile,
        CancellationToken cancellationToken)
    {
        var config = CliConfig.Load(Environment.GetEnvironmentVariable);
        var secret = CommonOptions.ResolveSecret(parse, token, tokenFile) ?? config.Secret() ?? throw CommonOptions.NoSecret();
        var given = parse.GetValue(master) ?? config.Master;
        if (!PlainHttp(given)) Security.OpenSsl.TlsClientContext.WarmUp();
        var (host, port) = await MasterLocator.ResolveAsync(given, cancellationToken, config.Cluster).ConfigureAwait(false);
        return new ApiClient(host, port, secret.Token, Trust(secret, host, port), PlainHttp(given));
    }

    /// <summary>--master http://HOST[:PORT] talks to a master that serves plain HTTP (--insecure-http); anything else is HTTPS.</summary>
    public static bool PlainHttp(string? master) => master?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// What the CLI accepts from a master: the CA of an mm1 token, else the CA pinned for that master on first contact in
    /// the config dir (cas/HOST_PORT next to the config file; not for a master on loopback).
    /// </summary>
    public static Security.CaTrust Trust(Security.ClusterSecret secret, string host, int port)
    {
        // A master on loopback is this machine: nothing on a network can stand between, and `minimesos dev` makes a new
        // CA on every start, so its CA is not pinned across runs (an mm1 token is still checked).
        if (host is "localhost" || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address)))
            return new Security.CaTrust(secret.CaFingerprint, null, acceptSelfSigned: false);
        var (configPath, _) = CliConfig.Locate(Environment.GetEnvironmentVariable);
        var name = string.Concat($"{host}_{port}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        return new Security.CaTrust(secret.CaFingerprint, Path.Combine(Path.GetDirectoryName(configPath) ?? ".", "cas", name), acceptSelfSigned: false);
    }

    public static Option<bool> Json() => new("--json") { Description = "Print the API's JSON answer unchanged (for scripts)." };
}
