namespace MiniMesos.Net.Security;

/// <summary>
/// Read-only API tokens: they may read (GET) but never change anything, and they are never a cluster secret
/// (the handshake only knows the admin token). Kept in a file, one token per line; blank lines and lines
/// starting with '#' are skipped.
/// </summary>
internal static class ReadTokens
{
    public static IReadOnlyList<string> FromFile(string path, ClusterSecret? admin)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"--read-token-file: cannot read '{path}': {e.Message}");
        }
        return Parse(lines, path, admin?.Token);
    }

    public static IReadOnlyList<string> Parse(IReadOnlyList<string> lines, string source, string? adminToken)
    {
        var tokens = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var token = lines[i].Trim();
            if (token.Length == 0 || token.StartsWith('#')) continue;
            var problem = ClusterSecret.Validate(token);
            if (problem is not null) throw new ConfigException($"--read-token-file: '{source}' line {i + 1}: {problem}");
            if (token == adminToken)
                throw new ConfigException($"--read-token-file: '{source}' line {i + 1}: this is the admin token; a read-only token must differ from it");
            tokens.Add(token);
        }
        if (tokens.Count == 0) throw new ConfigException($"--read-token-file: '{source}' holds no token (one per line)");
        return tokens;
    }
}
