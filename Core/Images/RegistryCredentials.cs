using System.Text;
using System.Text.Json;

namespace MiniMesos.Core.Images;

/// <summary>
/// Registry logins from a Docker-style config.json (<c>{"auths": {"host:5000": {"auth": base64("user:password")}}}</c>,
/// or "username"/"password" fields): the agent reads the file it is given (--registry-config) and never logs its
/// content. Docker Hub's entry is keyed "https://index.docker.io/v1/" (or docker.io / registry-1.docker.io).
/// </summary>
internal sealed class RegistryCredentials
{
    public static readonly RegistryCredentials None = new(new Dictionary<string, (string, string)>());

    private readonly IReadOnlyDictionary<string, (string User, string Password)> _logins;

    private RegistryCredentials(IReadOnlyDictionary<string, (string, string)> logins) => _logins = logins;

    public int Count => _logins.Count;

    /// <summary>The file's logins, or a <see cref="FormatException"/> naming what is wrong (never the secret).</summary>
    public static RegistryCredentials Parse(string json)
    {
        var logins = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (!doc.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object) return new RegistryCredentials(logins);
            foreach (var entry in auths.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Object) continue;
                string? user = null, password = null;
                if (entry.Value.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String && auth.GetString()!.Length > 0)
                {
                    var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth.GetString()!));
                    var colon = decoded.IndexOf(':');
                    if (colon <= 0) throw new FormatException($"auths.{entry.Name}.auth is not base64 of user:password");
                    (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
                }
                else if (entry.Value.TryGetProperty("username", out var u) && entry.Value.TryGetProperty("password", out var p)
                         && u.ValueKind == JsonValueKind.String && p.ValueKind == JsonValueKind.String)
                {
                    (user, password) = (u.GetString()!, p.GetString()!);
                }
                if (user is not null) logins[HostOf(entry.Name)] = (user, password!);
            }
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON ({e.Message})");
        }
        catch (FormatException e) when (!e.Message.StartsWith("auths.", StringComparison.Ordinal))
        {
            throw new FormatException("an auth entry is not valid base64");
        }
        return new RegistryCredentials(logins);
    }

    /// <summary>The login for <paramref name="registry"/> (as an <see cref="ImageReference"/> names it), or null.</summary>
    public (string User, string Password)? For(string registry) =>
        _logins.TryGetValue(HostOf(registry), out var login) ? login : null;

    /// <summary>"https://index.docker.io/v1/" and "registry-1.docker.io" are docker.io; a scheme and path are dropped.</summary>
    private static string HostOf(string key)
    {
        var host = key;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) host = host[(scheme + 3)..];
        var slash = host.IndexOf('/');
        if (slash >= 0) host = host[..slash];
        return host is "index.docker.io" or "registry-1.docker.io" ? ImageReference.DockerHub : host.ToLowerInvariant();
    }
}
