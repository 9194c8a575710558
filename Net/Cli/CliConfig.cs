using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>
/// The CLI's config file: MINIMESOS_CONFIG, else ~/.config/minimesos/config (XDG_CONFIG_HOME honoured). Lines are
/// `key = value` (master, token, token_file, cluster); blank lines and lines starting with '#' are skipped. It
/// only fills what neither a flag nor an environment variable gave.
/// </summary>
internal sealed record CliConfig(string? Master = null, string? Token = null, string? TokenFile = null, string? Cluster = null)
{
    public const string EnvironmentVariable = "MINIMESOS_CONFIG";
    private static readonly string[] Keys = ["master", "token", "token_file", "cluster"];

    /// <summary>The config file's path and whether the user named it (then it must exist).</summary>
    public static (string Path, bool Named) Locate(Func<string, string?> env)
    {
        if (env(EnvironmentVariable) is { Length: > 0 } named) return (named, true);
        var dir = env("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(env("HOME") ?? "", ".config");
        return (Path.Combine(dir, "minimesos", "config"), false);
    }

    /// <summary>Reads the config file; a missing default file is an empty config, a missing named one an error.</summary>
    public static CliConfig Load(Func<string, string?> env)
    {
        var (path, named) = Locate(env);
        if (!named && !File.Exists(path)) return new CliConfig();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"config file '{path}' ({EnvironmentVariable}): cannot read it: {e.Message}");
        }
        return Parse(lines, path);
    }

    public static CliConfig Parse(IReadOnlyList<string> lines, string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var where = $"config file '{path}' line {i + 1}";
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0) throw new ConfigException($"{where}: expected 'key = value' (keys: {string.Join(", ", Keys)})");
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (!Keys.Contains(key)) throw new ConfigException($"{where}: unknown key '{key}' (keys: {string.Join(", ", Keys)})");
            if (value.Length == 0) throw new ConfigException($"{where}: key '{key}' has no value");
            if (!values.TryAdd(key, value)) throw new ConfigException($"{where}: key '{key}' is set twice");
            if (key == "master") Endpoint.Parse(value, Defaults.ApiPort, $"{where}: key 'master'");
            if (key == "token" && ClusterSecret.Validate(value) is { } problem) throw new ConfigException($"{where}: key 'token': {problem}");
        }
        return new CliConfig(values.GetValueOrDefault("master"), values.GetValueOrDefault("token"),
            values.GetValueOrDefault("token_file"), values.GetValueOrDefault("cluster"));
    }

    /// <summary>The token this file gives (token before token_file), or null.</summary>
    public ClusterSecret? Secret() =>
        Token is not null ? ClusterSecret.Parse(Token, "config file") : TokenFile is not null ? ClusterSecret.FromFile(TokenFile) : null;
}
