using System.Globalization;

namespace MiniMesos.Core.Isolation;

/// <summary>A resource limit init applies before running the command, e.g. core=0:0. Values use "unlimited" for infinity.</summary>
internal sealed record RlimitSetting(string Name, ulong Soft, ulong Hard)
{
    public static readonly IReadOnlyList<string> Names = ["core", "fsize", "nofile", "nproc"];

    public override string ToString() => $"{Name}={Fmt(Soft)}:{Fmt(Hard)}";

    public static RlimitSetting Parse(string s)
    {
        var eq = s.IndexOf('=');
        var colon = s.IndexOf(':', eq + 1);
        if (eq <= 0 || colon < 0 || !Names.Contains(s[..eq]))
        {
            throw new FormatException($"bad rlimit '{s}': expected one of {string.Join(",", Names)} as name=soft:hard");
        }

        return new RlimitSetting(s[..eq], Val(s[(eq + 1)..colon]), Val(s[(colon + 1)..]));
    }

    private static string Fmt(ulong v) => v == ulong.MaxValue ? "unlimited" : v.ToString(CultureInfo.InvariantCulture);

    private static ulong Val(string s) => s == "unlimited" ? ulong.MaxValue : ulong.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
}
