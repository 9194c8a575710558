using System.Text;

namespace MiniMesos.Core.Isolation;

/// <summary>
/// The task's environment as the agent sends it to init over init's stdin ("KEY=VALUE\0" each). Init's own
/// environment stays minimal, so a task's DOTNET_* settings shape the task and never the runtime of init.
/// </summary>
internal static class EnvBlock
{
    public static byte[] Encode(IReadOnlyDictionary<string, string> env)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in env)
        {
            if (k.Length == 0 || k.Contains('=') || k.Contains('\0') || v.Contains('\0'))
            {
                throw new ArgumentException($"environment variable '{k}' cannot be passed to a process");
            }

            sb.Append(k).Append('=').Append(v).Append('\0');
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static Dictionary<string, string> Decode(ReadOnlySpan<byte> block)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Encoding.UTF8.GetString(block).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = entry.IndexOf('=');
            if (eq > 0)
            {
                env[entry[..eq]] = entry[(eq + 1)..];
            }
        }

        return env;
    }
}
