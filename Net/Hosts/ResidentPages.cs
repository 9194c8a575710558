using System.Globalization;
using Microsoft.Extensions.Logging;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Net.Hosts;

/// <summary>
/// Drops a daemon's mapped pages of code and read-only data (the executable's, and OpenSSL's libcrypto and libssl) out of
/// its resident set: shortly after start, then every <see cref="Period"/>. Most of a daemon's resident memory is the
/// binary's own pages (bench/idle-rss), and most of those were touched once, at start-up: the kernel maps 64 KiB around
/// each page a process faults in, so scattered start-up code, the exception and unwind tables the first collections
/// walked, and data read once map almost the whole executable. Those pages are clean and file-backed: MADV_DONTNEED
/// only unmaps them (they stay in the page cache, shared with every task's init and the CLI, and are no longer pinned by
/// this process, so the kernel reclaims them first under memory pressure), and what the daemon still runs is faulted
/// back in from the page cache on its next use (minor faults, 64 KiB at a time: about a hundred for the ~6 MB an idle daemon maps back).
/// Only private mappings without write permission and with no anonymous (copied-on-write) page are dropped, and only
/// of files that stay mapped for the life of the process, so nothing but a clean copy of a file page is ever dropped.
/// </summary>
internal static class ResidentPages
{
    public static readonly TimeSpan FirstAfter = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(5);
    private static int _started;

    /// <summary>Starts the trimming loop of this process once (a `dev` process runs a master and an agent).</summary>
    public static void Start(ILogger logger, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) return;
        _ = RunAsync(logger, cancellationToken);
    }

    private static async Task RunAsync(ILogger logger, CancellationToken cancellationToken)
    {
        var wait = FirstAfter;
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            wait = Period;
            if (cancellationToken.IsCancellationRequested) return;
            try
            {
                var dropped = Drop();
                logger.LogDebug("dropped {Kb} kB of clean code and read-only data pages from the resident set", dropped);
            }
            catch (IOException e)
            {
                logger.LogWarning("could not read /proc/self/smaps to trim the resident set: {Error}", e.Message);
                return;
            }
        }
    }

    /// <summary>Unmaps the clean pages of the mappings described above; returns how many kB were resident in them.</summary>
    public static long Drop()
    {
        var exe = Environment.ProcessPath;
        long dropped = 0;
        foreach (var mapping in Mappings())
        {
            if (!Droppable(mapping, exe)) continue;
            if (Mman.madvise(mapping.Start, mapping.End - mapping.Start, Mman.MADV_DONTNEED) == 0) dropped += mapping.RssKb;
        }
        return dropped;
    }

    internal static bool Droppable(Mapping mapping, string? exe)
    {
        if (mapping.Perms.Length < 4 || mapping.Perms[1] == 'w' || mapping.Perms[3] != 'p') return false;
        if (mapping.AnonymousKb != 0 || mapping.LockedKb != 0 || mapping.RssKb == 0) return false;
        var name = Path.GetFileName(mapping.Path);
        return (exe is not null && mapping.Path == exe) || name.StartsWith("libcrypto.so", StringComparison.Ordinal) ||
            name.StartsWith("libssl.so", StringComparison.Ordinal);
    }

    internal sealed record Mapping(nuint Start, nuint End, string Perms, string Path, long RssKb, long AnonymousKb, long LockedKb);

    internal static List<Mapping> Mappings()
    {
        var mappings = new List<Mapping>();
        (nuint Start, nuint End, string Perms, string Path)? current = null;
        long rss = 0, anonymous = 0, locked = 0;
        void Flush()
        {
            if (current is { } c) mappings.Add(new Mapping(c.Start, c.End, c.Perms, c.Path, rss, anonymous, locked));
            rss = anonymous = locked = 0;
        }
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var colon = line.IndexOf(':');
            var dash = line.IndexOf('-');
            if (dash > 0 && (colon < 0 || dash < colon) && line.Length > dash + 1 && char.IsAsciiHexDigit(line[0]))
            {
                Flush();
                var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 5) { current = null; continue; }
                var range = fields[0].Split('-');
                current = (nuint.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    nuint.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture), fields[1], fields.Length > 5 ? fields[5].Trim() : "");
            }
            else if (line.StartsWith("Rss:", StringComparison.Ordinal)) rss = Kb(line);
            else if (line.StartsWith("Anonymous:", StringComparison.Ordinal)) anonymous = Kb(line);
            else if (line.StartsWith("Locked:", StringComparison.Ordinal)) locked = Kb(line);
        }
        Flush();
        return mappings;
    }

    private static long Kb(string line) =>
        long.TryParse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture, out var kb) ? kb : -1;
}
