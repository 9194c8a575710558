using System.Globalization;

namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>
/// One field of a cron expression as a bit set of allowed values. Parses lists, ranges, steps
/// ("*/15", "1-30/7", "5/10" meaning 5 to the maximum) and names (JAN, MON).
/// </summary>
internal sealed record CronField(string Name, ulong Bits, bool Star)
{
    public bool Has(int value) => (Bits & (1UL << value)) != 0;

    public static CronField Parse(string name, string text, int min, int max, IReadOnlyList<string>? names = null)
    {
        ulong bits = 0;
        foreach (var item in text.Split(','))
        {
            if (item.Length == 0) throw Error(name, $"empty list item in '{text}'");
            var slash = item.IndexOf('/');
            var rangeText = slash < 0 ? item : item[..slash];
            var step = 1;
            if (slash >= 0 && (!int.TryParse(item[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1))
                throw Error(name, $"step '{item[(slash + 1)..]}' in '{item}' must be a whole number >= 1");
            int lo, hi;
            if (rangeText == "*") (lo, hi) = (min, max);
            else
            {
                var dash = rangeText.IndexOf('-');
                if (dash < 0)
                {
                    lo = Value(name, rangeText, min, max, names);
                    hi = slash >= 0 ? max : lo;
                }
                else
                {
                    lo = Value(name, rangeText[..dash], min, max, names);
                    hi = Value(name, rangeText[(dash + 1)..], min, max, names);
                    if (hi < lo) throw Error(name, $"range '{rangeText}' is backwards");
                }
            }
            for (var v = lo; v <= hi; v += step) bits |= 1UL << v;
        }
        return new CronField(name, bits, text.StartsWith('*'));
    }

    private static int Value(string name, string text, int min, int max, IReadOnlyList<string>? names)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            if (v < min || v > max) throw Error(name, $"{v} is out of range {min}-{max}");
            return v;
        }
        if (names is not null)
        {
            for (var i = 0; i < names.Count; i++)
                if (string.Equals(names[i], text, StringComparison.OrdinalIgnoreCase)) return min + i;
        }
        return names is null
            ? throw Error(name, $"'{text}' is not a number")
            : throw Error(name, $"'{text}' is not a number or a name ({string.Join(", ", names)})");
    }

    private static FormatException Error(string name, string message) => new($"{name}: {message}");
}
