using System.Diagnostics;
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
/// Work a daemon does only now and then (an agent's collection every minute, its waiting init's replacement every 30 s)
/// maps its code back in, 64 KiB around each page it runs, and that stayed resident until the next drop: an idle agent
/// grew by ~1.3 MB within a minute of each drop (bench/idle-rss). Such work calls <see cref="AfterRareWork"/>, which drops
/// them again shortly after, so between two rare jobs the resident set is what the daemon runs all the time.
/// </summary>
internal static class ResidentPages
{
    public static readonly TimeSpan FirstAfter = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(5);

    /// <summary>How long after rare work asked for it a drop comes (the work's background parts finish first).</summary>
    public static readonly TimeSpan AfterWorkDelay = TimeSpan.FromSeconds(2);

    /// <summary>At most one drop per this, however often work asks (each drop reads /proc/self/smaps: ~1 ms of CPU).</summary>
    public static readonly TimeSpan MinGap = TimeSpan.FromSeconds(20);

    private static readonly SemaphoreSlim Requested = new(0, 1);
    private static int _started;

    /// <summary>
    /// Work that runs rarely (not every few seconds) has just run: drop the pages it mapped back in, once, soon. Cheap and
    /// non-blocking; requests coalesce, and without <see cref="Start"/> (tests, the CLI) nothing is dropped.
    /// </summary>
    public static void AfterRareWork()
    {
        try
        {
            if (Requested.CurrentCount == 0) Requested.Release();
        }
        catch (SemaphoreFullException)
        {
            // one is pending already
        }
    }

    /// <summary>Starts the trimming loop of this process once (a `dev` process runs a master and an agent).</summary>
    public static void Start(ILogger logger, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) return;
        _ = RunAsync(logger, cancellationToken);
    }

    private static async Task RunAsync(ILogger logger, CancellationToken cancellationToken)
    {
        var wait = FirstAfter;
        var lastDrop = 0L;
        while (!cancellationToken.IsCancellationRequested)
        {
            var requested = false;
            try
            {
                if (await Requested.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
                {
                    requested = true;
                    // Asked by rare work: let it finish, and keep to one drop per MinGap.
                    var sinceLast = lastDrop == 0 ? MinGap : Stopwatch.GetElapsedTime(lastDrop);
                    await Task.Delay(AfterWorkDelay > MinGap - sinceLast ? AfterWorkDelay : MinGap - sinceLast, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            wait = Period;
            try
            {
                if (requested) CompactHeaps();
                var dropped = Drop();
                lastDrop = Stopwatch.GetTimestamp();
                logger.LogDebug("dropped {Kb} kB of clean code and read-only data pages from the resident set", dropped);
            }
            catch (IOException e)
            {
                logger.LogWarning("could not read /proc/self/smaps to trim the resident set: {Error}", e.Message);
                return;
            }
        }
    }

    /// <summary>
    /// After an agent's rare work: a full compacting collection in the GC's aggressive mode, which gives every free page of
    /// the GC heap back to the kernel, then the C heap's free pages (OpenSSL's and SQLite's allocations) the same way.
    /// An idle agent allocates a few kB a second, but between collections its young generation grows into pages that
    /// stay resident up to the 2 MiB gen0 budget (bench/idle-rss: 2 MB of the 3.5 MB of anonymous memory of an idle agent
    /// with 10 tasks); compacted every 30-60 s it holds what the agent keeps plus what it allocated since. The collection
    /// runs just before <see cref="Drop"/>, so the code it ran leaves the resident set with the rest. The pause is that
    /// of a full collection of a small heap (the agent's tasks and their last updates), a few ms. Masters do not do this:
    /// their heaps (the cluster's state) can be large, and they drop pages only every <see cref="Period"/> (in `dev`, one
    /// process, the agent's requests compact the master's heap too).
    /// </summary>
    private static void CompactHeaps()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        LibcImports.malloc_trim(0);
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
