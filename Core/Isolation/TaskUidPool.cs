using System.Globalization;

namespace MiniMesos.Core.Isolation;

/// <summary>
/// Per-task users, as systemd's DynamicUser: each task that names no user runs as a uid (and gid of the same number)
/// of its own from a range no distribution allocates from. A uid is handed out again only after it is released (the
/// task ended and its sandbox was removed), round-robin so a released one is the last to come back.
/// </summary>
internal sealed class TaskUidPool
{
    /// <summary>
    /// 0x70000000-0x7000FFFF: above the 16-bit ids distributions give users and groups (system, regular, systemd's
    /// DynamicUser 61184-65519, nobody), past the subordinate id blocks useradd hands out from 100000 and systemd-nspawn's
    /// container range (524288-1879048191), and below 2^31 for tools that keep ids in a signed int.
    /// </summary>
    public const string DefaultRange = "1879048192-1879113727";

    private readonly Lock _gate = new();
    private readonly HashSet<uint> _used = [];
    private readonly uint first;
    private readonly uint last;
    private uint _next;

    public TaskUidPool(uint first, uint last)
    {
        this.first = first;
        this.last = last;
        _next = first;
    }

    public uint First => first;

    public uint Last => last;

    /// <summary>Marks a uid as held (a task found again after a restart); false when it is outside the range.</summary>
    public bool Claim(uint uid)
    {
        if (uid < first || uid > last) return false;
        lock (_gate) _used.Add(uid);
        return true;
    }

    /// <summary>A free uid that <paramref name="taken"/> (ids the host's passwd or group files use) does not name; null when none is left.</summary>
    public uint? Allocate(IReadOnlySet<uint> taken)
    {
        lock (_gate)
        {
            var size = (ulong)last - first + 1;
            for (ulong i = 0; i < size; i++)
            {
                var uid = _next;
                _next = _next == last ? first : _next + 1;
                if (_used.Contains(uid) || taken.Contains(uid)) continue;
                _used.Add(uid);
                return uid;
            }

            return null;
        }
    }

    public void Release(uint uid)
    {
        lock (_gate) _used.Remove(uid);
    }

    /// <summary>"FIRST-LAST" (inclusive, 1000 <= FIRST <= LAST < 2^32-2), or "none" (null: tasks run as the default user).</summary>
    public static TaskUidPool? Parse(string text)
    {
        if (text.Trim() == "none") return null;
        var parts = text.Split('-');
        if (parts.Length != 2
            || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a)
            || !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b)
            || a < 1000 || b < a || b >= uint.MaxValue - 1)
            throw new FormatException($"'{text}' is not FIRST-LAST with 1000 <= FIRST <= LAST < 4294967294, nor 'none'");
        return new TaskUidPool(a, b);
    }

    /// <summary>Every uid and gid named in passwd- or group-format text (name:x:ID:...).</summary>
    public static IReadOnlySet<uint> IdsIn(params string?[] files)
    {
        var ids = new HashSet<uint>();
        foreach (var text in files)
        {
            foreach (var line in (text ?? "").Split('\n'))
            {
                var f = line.Split(':');
                if (f.Length > 2 && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id)) ids.Add(id);
                if (f.Length > 3 && uint.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid)) ids.Add(gid);
            }
        }

        return ids;
    }
}
