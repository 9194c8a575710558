using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MiniMesos.Net.Http.Ui;

/// <summary>
/// Session tokens for the web UI, handed out for a one-time login code. They are stateless: the role and expiry
/// signed with a key derived from the admin token (the cluster secret every master holds), so any master checks
/// them (a follower serves /v1/status itself and forwards the rest) and a leader change keeps them valid.
/// Format: <c>mmui1.{a|r}.{expiry unix seconds}.{nonce}.{mac}</c>. Changing the admin token revokes them all.
/// </summary>
internal sealed class UiSessions(Func<string> adminToken, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);
    private const string Prefix = "mmui1.";
    private volatile SessionKey? _key;

    public UiSessions(string adminToken, TimeProvider clock)
        : this(() => adminToken, clock)
    {
    }

    public (string Token, DateTimeOffset Expires) Issue(bool admin)
    {
        var expires = clock.GetUtcNow() + Lifetime;
        var nonce = Base64Url(RandomNumberGenerator.GetBytes(12));
        var body = $"{Prefix}{(admin ? 'a' : 'r')}.{expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}.{nonce}";
        return ($"{body}.{Mac(body)}", expires);
    }

    /// <summary>The role of a valid, unexpired session token: true admin, false read-only; null for anything else.</summary>
    public bool? Check(string token)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 200) return null;
        var dot = token.LastIndexOf('.');
        var body = token[..dot];
        var parts = body.Split('.');
        if (parts.Length != 4 || parts[1] is not ("a" or "r")) return null;
        var expected = Encoding.ASCII.GetBytes(Mac(body));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(token[(dot + 1)..]))) return null;
        if (!long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)) return null;
        if (clock.GetUtcNow().ToUnixTimeSeconds() >= expiry) return null;
        return parts[1] == "a";
    }

    private string Mac(string body) => Base64Url(HMACSHA256.HashData(Key(), Encoding.UTF8.GetBytes(body)));

    /// <summary>The signing key of the current admin token: a rotation revokes every session signed before it.</summary>
    private byte[] Key()
    {
        var token = adminToken();
        var key = _key;
        if (key is not null && ReferenceEquals(key.Token, token)) return key.Bytes;
        _key = key = new SessionKey(token, SHA256.HashData(Encoding.UTF8.GetBytes("minimesos ui session v1\n" + token)));
        return key.Bytes;
    }

    private sealed record SessionKey(string Token, byte[] Bytes);

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
