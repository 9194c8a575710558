using System.CommandLine;
using MiniMesos.Net.Cli;

namespace MiniMesos.Tests.Cli;

/// <summary>
/// Child process of <see cref="ClientOpenSslTests"/>: makes the CLI's API client for a master given as "http://..." (the
/// plain API) or as "HOST:PORT" (HTTPS), as every client command does before its first request, and prints whether
/// OpenSSL's libraries are mapped into the process then (a process of its own: nothing else has loaded them). Given
/// "HOST:PORT|PIN", it also makes one request over HTTPS trusting the CA PIN, and prints the answer's status and whether
/// .NET's own crypto layer (its native OpenSSL shim) was loaded for it.
/// </summary>
internal static class ClientOpenSslChild
{
    public const string Mode = "client-openssl-child";

    public static int Run(string argument)
    {
        var (master, pin) = argument.Split('|') is [var m, var p] ? (m, p) : (argument, null);
        var masterOption = CommonOptions.ApiMaster();
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        var command = new Command("probe") { masterOption, token, tokenFile };
        var parse = command.Parse(["--master", master, "--token", "child-token-0123456789"]);
        using var client = ClientCommand.ConnectAsync(parse, masterOption, token, tokenFile, CancellationToken.None).GetAwaiter().GetResult();
        if (pin is not null)
        {
            var (status, _) = client.SendAsync(HttpMethod.Get, "/v1/status", null, CancellationToken.None).GetAwaiter().GetResult();
            Console.WriteLine($"status {status}");
            var pinned = new MiniMesos.Net.Security.CaTrust(pin, null, acceptSelfSigned: false);
            using var checkedClient = new ApiClient(client.BaseUrl.Split("//")[1].Split(':')[0], int.Parse(client.BaseUrl.Split(':')[^1]), "child-token-0123456789", pinned);
            Console.WriteLine($"pinned status {checkedClient.SendAsync(HttpMethod.Get, "/v1/status", null, CancellationToken.None).GetAwaiter().GetResult().Status}");
        }
        else if (!master.StartsWith("http://", StringComparison.Ordinal))
        {
            // The context the warm-up thread is making: what the first connection would wait for.
            _ = MiniMesos.Net.Security.OpenSsl.TlsClientContext.Shared;
        }
        var maps = File.ReadAllText("/proc/self/maps");
        Console.WriteLine($"dotnet crypto {(maps.Contains("System.Security.Cryptography.Native") ? "loaded" : "not loaded")}");
        Console.WriteLine($"client {client.BaseUrl}");
        Console.WriteLine($"libcrypto {(maps.Contains("libcrypto") ? "mapped" : "not mapped")}");
        Console.WriteLine($"libssl {(maps.Contains("libssl") ? "mapped" : "not mapped")}");
        return 0;
    }
}
