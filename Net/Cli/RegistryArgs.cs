using System.CommandLine;
using MiniMesos.Core.Images;
using MiniMesos.Isolation.Images;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>The agent's registry flags: --registry-config (a Docker-style config.json with logins), --insecure-registries.</summary>
internal static class RegistryArgs
{
    public static Option<string?> ConfigOption() => new("--registry-config")
    {
        Description = "A Docker-style config.json ({\"auths\": {\"host\": {\"auth\": base64(user:password)}}}) with the logins the agent uses to pull images " +
            "(also MINIMESOS_REGISTRY_CONFIG; keep it 0600).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_REGISTRY_CONFIG"),
    };

    public static Option<string?> InsecureOption() => new("--insecure-registries")
    {
        Description = "Registries (host or host:port, comma-separated) the agent may pull from over plain HTTP; loopback ones always may.",
    };

    public static RegistryOptions Parse(string? configFile, string? insecure)
    {
        var credentials = RegistryCredentials.None;
        if (!string.IsNullOrEmpty(configFile))
        {
            if (!File.Exists(configFile)) throw new ConfigException($"--registry-config: {configFile} does not exist");
            try
            {
                credentials = RegistryCredentials.Parse(File.ReadAllText(configFile));
            }
            catch (FormatException e)
            {
                throw new ConfigException($"--registry-config: {configFile}: {e.Message}");
            }
        }
        var hosts = (insecure ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var host in hosts)
            if (host.Contains('/') || host.Contains(' ')) throw new ConfigException($"--insecure-registries: '{host}' is not host or host:port");
        return RegistryOptions.Default with { Credentials = credentials, InsecureRegistries = hosts };
    }
}
