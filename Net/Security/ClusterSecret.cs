using System.Security.Cryptography;
using System.Text;
using MiniMesos.Core.Text;

namespace MiniMesos.Net.Security;

/// <summary>
/// The cluster secret: the token people pass to the CLI and curl (bearer) and the key every node proves
/// knowledge of in the handshake. It never crosses the wire between nodes. Given as <c>mm1.&lt;CA fingerprint&gt;.&lt;secret&gt;</c>
/// (`minimesos token show`), it also pins the cluster CA: <see cref="CaFingerprint"/> is checked before anything is sent.
/// </summary>
internal sealed record ClusterSecret(string Token, string Source, string? CaFingerprint = null)
{
    public const string FileName = "token";
    public const string PinnedPrefix = "mm1.";
    private const int MinLength = 16;

    /// <summary>A bare secret or an mm1 token (already validated).</summary>
    public static ClusterSecret Parse(string text, string source) =>
        text.StartsWith(PinnedPrefix, StringComparison.Ordinal) && text.Split('.') is [_, var fingerprint, var secret]
            ? new ClusterSecret(secret, source, fingerprint)
            : new ClusterSecret(text, source);

    /// <summary>The token that pins <paramref name="caFingerprint"/>: what `minimesos token show` prints.</summary>
    public string Pinned(string caFingerprint) => $"{PinnedPrefix}{caFingerprint}.{Token}";

    public byte[] Key => Encoding.UTF8.GetBytes(Token);

    /// <summary>Whether this is an agent token (<see cref="AgentSecret"/>): it registers an agent and nothing else.</summary>
    public bool IsAgent => AgentSecret.IsAgent(Token);

    /// <summary>The handshake's name for this secret (<see cref="SecretKeys"/>).</summary>
    public string HandshakeKey => IsAgent ? SecretKeys.Agent : SecretKeys.Admin;

    /// <summary>A new random token: 32 bytes, URL-safe base64, recognisable prefix.</summary>
    public static string Generate() =>
        "mm_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Checks a token given by a user; returns the reason it is unusable, or null.</summary>
    public static string? Validate(string token)
    {
        if (token.StartsWith(PinnedPrefix, StringComparison.Ordinal))
        {
            if (token.Split('.') is not [_, var fingerprint, var secret])
                return "an mm1 token is mm1.<CA fingerprint>.<secret>";
            if (!ClusterCa.IsFingerprint(fingerprint)) return "the CA fingerprint of an mm1 token is 64 lower-case hex digits";
            token = secret;
        }
        if (token.Length < MinLength) return $"the token must be at least {MinLength} characters";
        if (CharChecks.Any(token, c => char.IsWhiteSpace(c) || char.IsControl(c))) return "the token must not contain spaces or control characters";
        return null;
    }

    /// <summary>Reads a token file (first line, trimmed).</summary>
    public static ClusterSecret FromFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"--token-file: cannot read '{path}': {e.Message}");
        }
        var token = text.Split('\n', 2)[0].Trim();
        var problem = Validate(token);
        if (problem is not null) throw new ConfigException($"--token-file: '{path}': {problem}");
        return Parse(token, path);
    }

    /// <summary>
    /// The master's secret: the given one, else the one stored in the data dir, else a new one stored
    /// there with mode 0600. Returns whether it was generated so the caller can tell the user how to use it.
    /// </summary>
    public static (ClusterSecret Secret, bool Generated) LoadOrCreate(ClusterSecret? given, string dataDir)
    {
        if (given is not null) return (given, false);
        var path = Path.Combine(dataDir, FileName);
        if (File.Exists(path)) return (FromFile(path), false);
        Directory.CreateDirectory(dataDir);
        var token = Generate();
        using (var stream = new FileStream(path, new FileStreamOptions
               {
                   Mode = FileMode.CreateNew,
                   Access = FileAccess.Write,
                   UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        using (var writer = new StreamWriter(stream))
        {
            writer.WriteLine(token);
        }
        return (new ClusterSecret(token, path), true);
    }
}
