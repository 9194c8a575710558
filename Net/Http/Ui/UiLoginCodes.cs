using System.Security.Cryptography;
using System.Text;

namespace MiniMesos.Net.Http.Ui;

/// <summary>
/// One-time login codes (`minimesos ui`), in the leader's memory only: /v1 calls reach the leader, so the code
/// is made and redeemed there. A code works once and for <see cref="Lifetime"/>; a leader change forgets the
/// codes not yet used (run `minimesos ui` again). At most <see cref="MaxOutstanding"/> wait at a time.
/// </summary>
internal sealed class UiLoginCodes(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    public const int MaxOutstanding = 64;
    private readonly Dictionary<string, (bool Admin, DateTimeOffset Expires)> _codes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>A fresh code for a caller with that role, or null when too many are outstanding.</summary>
    public (string Code, DateTimeOffset Expires)? Issue(bool admin)
    {
        var now = clock.GetUtcNow();
        var code = UiSessions.Base64Url(RandomNumberGenerator.GetBytes(18));
        lock (_lock)
        {
            foreach (var stale in _codes.Where(c => c.Value.Expires <= now).Select(c => c.Key).ToList()) _codes.Remove(stale);
            if (_codes.Count >= MaxOutstanding) return null;
            _codes[Key(code)] = (admin, now + Lifetime);
        }
        return (code, now + Lifetime);
    }

    /// <summary>Uses up a code: its role (true admin) if it was issued, unused and unexpired, otherwise null.</summary>
    public bool? Redeem(string code)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (!_codes.Remove(Key(code), out var entry)) return null;
            return entry.Expires > now ? entry.Admin : null;
        }
    }

    // Kept hashed, so the table holds nothing a memory dump could replay.
    private static string Key(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
