using MiniMesos.Core.Images;

namespace MiniMesos.Isolation.Images;

/// <summary>
/// How an agent pulls: its registry logins (--registry-config), registries it may reach over plain HTTP besides
/// loopback ones (--insecure-registries, host or host:port), and the bound on one pull's time.
/// </summary>
internal sealed record RegistryOptions(RegistryCredentials Credentials, IReadOnlySet<string> InsecureRegistries, TimeSpan PullTimeout)
{
    public static readonly RegistryOptions Default = new(RegistryCredentials.None, new HashSet<string>(), TimeSpan.FromMinutes(30));
}
