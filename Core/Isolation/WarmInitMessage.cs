using System.Globalization;
using System.Text;

namespace MiniMesos.Core.Isolation;

/// <summary>
/// What a pre-started init reads on its stdin after the go byte, since it was started before its task was known:
/// the count of its options, each option (as <see cref="TaskInitOptions.ToArgs"/> makes them) ending in NUL, then the
/// task's environment as an <see cref="EnvBlock"/>. Nothing of it is on argv, so no secret shows in /proc/PID/cmdline.
/// </summary>
internal static class WarmInitMessage
{
    public static byte[] Encode(TaskInitOptions options, IReadOnlyDictionary<string, string> env)
    {
        var args = options.ToArgs();
        var sb = new StringBuilder();
        sb.Append(args.Count.ToString(CultureInfo.InvariantCulture)).Append('\0');
        foreach (var a in args)
        {
            if (a.Contains('\0')) throw new ArgumentException($"init option '{a.Replace('\0', ' ')}' contains a NUL byte");
            sb.Append(a).Append('\0');
        }

        return [.. Encoding.UTF8.GetBytes(sb.ToString()), .. EnvBlock.Encode(env)];
    }

    /// <summary>Reads what <see cref="Encode"/> wrote; <see cref="FormatException"/> when it is cut short or malformed.</summary>
    public static (TaskInitOptions Options, Dictionary<string, string> Environment) Decode(ReadOnlySpan<byte> message)
    {
        var pos = 0;
        var count = int.TryParse(Next(message, ref pos), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n : throw new FormatException("warm init message does not start with its option count");
        var args = new List<string>(count);
        for (var i = 0; i < count; i++) args.Add(Next(message, ref pos));
        return (TaskInitOptions.Parse(args), EnvBlock.Decode(message[pos..]));
    }

    private static string Next(ReadOnlySpan<byte> message, ref int pos)
    {
        var end = message[pos..].IndexOf((byte)0);
        if (end < 0) throw new FormatException("warm init message is cut short");
        var s = Encoding.UTF8.GetString(message.Slice(pos, end));
        pos += end + 1;
        return s;
    }
}
