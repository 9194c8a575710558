using System.Text.RegularExpressions;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>Parses `--attributes 'rack=r1;zone=a'` (Mesos also accepts ':' between name and value).</summary>
internal static partial class AttributeParser
{
    public static IReadOnlyDictionary<string, string> Parse(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOfAny(['=', ':']);
            if (eq <= 0) throw new ConfigException($"--attributes: '{part}' is not name=value");
            var (name, value) = (part[..eq].Trim(), part[(eq + 1)..].Trim());
            if (!Name().IsMatch(name)) throw new ConfigException($"--attributes: '{name}' is not a valid name (letters, digits, '.', '_', '-')");
            if (value.Length == 0) throw new ConfigException($"--attributes: {name} has an empty value");
            result[name] = value;
        }
        return result;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex Name();
}
