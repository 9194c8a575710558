using System.CommandLine;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>Options several commands share, each with its environment variable.</summary>
internal static class CommonOptions
{
    public static Option<string?> Token() => new("--token")
    {
        // No DefaultValueFactory: help would print the default, i.e. the secret from the environment.
        Description = "Cluster token (also MINIMESOS_TOKEN). Prefer --token-file: flags show up in `ps`.",
    };

    public static Option<string?> TokenFile() => new("--token-file")
    {
        Description = "File holding the cluster token (also MINIMESOS_TOKEN_FILE).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_TOKEN_FILE"),
    };

    public static Option<string> Cluster() => new("--cluster")
    {
        Description = "Cluster name: nodes of another cluster are refused (also MINIMESOS_CLUSTER).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_CLUSTER") ?? Defaults.ClusterName,
    };

    /// <summary>The master's API for client commands; unset means "find one" (<see cref="MasterLocator"/>).</summary>
    public static Option<string?> ApiMaster() => new("--master")
    {
        Description = $"The master's HTTP API as host[:port] (default port {Defaults.ApiPort}; also MINIMESOS_MASTER). " +
            "Without it: a master on this host, else one found over mDNS.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_MASTER"),
    };

    /// <summary>The token from --token, else --token-file; null when neither is set.</summary>
    public static ClusterSecret? ResolveSecret(ParseResult parse, Option<string?> token, Option<string?> tokenFile)
    {
        var value = parse.GetValue(token) ?? Environment.GetEnvironmentVariable("MINIMESOS_TOKEN");
        if (!string.IsNullOrEmpty(value))
        {
            var problem = ClusterSecret.Validate(value);
            if (problem is not null) throw new ConfigException($"--token: {problem}");
            return ClusterSecret.Parse(value, "--token");
        }
        var file = parse.GetValue(tokenFile);
        return string.IsNullOrEmpty(file) ? null : ClusterSecret.FromFile(file);
    }

    public static ClusterSecret RequireSecret(ParseResult parse, Option<string?> token, Option<string?> tokenFile) =>
        ResolveSecret(parse, token, tokenFile) ?? throw NoSecret();

    public static ConfigException NoSecret() => new("no cluster token: pass --token or --token-file, set MINIMESOS_TOKEN, or put 'token_file = PATH' " +
        "in the config file (MINIMESOS_CONFIG or ~/.config/minimesos/config); the master prints where it stored its token");

    public static Option<string?> ReadTokenFile() => new("--read-token-file")
    {
        Description = "File of read-only API tokens, one per line: they may GET (and follow logs and events) but not change anything " +
            "(also MINIMESOS_READ_TOKEN_FILE).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_READ_TOKEN_FILE"),
    };

    /// <summary>The read-only tokens from --read-token-file; null when it is not set.</summary>
    public static IReadOnlyList<string>? ResolveReadTokens(ParseResult parse, Option<string?> readTokenFile, ClusterSecret? admin)
    {
        var file = parse.GetValue(readTokenFile);
        return string.IsNullOrEmpty(file) ? null : Security.ReadTokens.FromFile(file, admin);
    }
}
