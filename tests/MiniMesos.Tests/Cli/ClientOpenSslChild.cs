using System.CommandLine;
using MiniMesos.Net.Cli;

namespace MiniMesos.Tests.Cli;

/// <summary>
/// Child process of <see cref="ClientOpenSslTests"/>: makes the CLI's API client for a master given as "http://..." (the
/// plain API) or as "HOST:PORT" (HTTPS), as every client command does before its first request, and prints whether
/// OpenSSL's libraries are mapped into the process then (a process of its own: nothing else has loaded them).
/// </summary>
internal static class ClientOpenSslChild
{
    public const string Mode = "client-openssl-child";

    public static int Run(string master)
    {
        var masterOption = CommonOptions.ApiMaster();
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        var command = new Command("probe") { masterOption, token, tokenFile };
        var parse = command.Parse(["--master", master, "--token", "child-token-0123456789"]);
        using var client = ClientCommand.ConnectAsync(parse, masterOption, token, tokenFile, CancellationToken.None).GetAwaiter().GetResult();
        var maps = File.ReadAllText("/proc/self/maps");
        Console.WriteLine($"client {client.BaseUrl}");
        Console.WriteLine($"libcrypto {(maps.Contains("libcrypto") ? "mapped" : "not mapped")}");
        Console.WriteLine($"libssl {(maps.Contains("libssl") ? "mapped" : "not mapped")}");
        return 0;
    }
}
