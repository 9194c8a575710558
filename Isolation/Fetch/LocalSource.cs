using Microsoft.Win32.SafeHandles;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation.Fetch;

/// <summary>
/// Opens a file on the agent named by a file:// URI or an absolute path. The agent runs as root and the URI is the
/// submitter's, so only what any user of the host may read is given out: a regular file readable by others, in
/// directories every user may search (checked on the path the opened file really has). /proc, /sys and /dev are refused.
/// </summary>
internal static class LocalSource
{
    private const uint OtherRead = 0b000_000_100;
    private const uint OtherSearch = 0b000_000_001;

    public static FileStream Open(string path)
    {
        var fd = Fcntl.open(path, Fcntl.O_RDONLY | Fcntl.O_NOCTTY | Fcntl.O_NONBLOCK | Fcntl.O_CLOEXEC, 0);
        if (fd < 0) throw new FetchException($"cannot open {path}: {LibcError.Describe(LibcError.LastErrno)}");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (TaskFiles.Fstat(fd) is not { IsRegular: true } st) throw new FetchException($"{path} is not a regular file");
            string real;
            try
            {
                real = new FileInfo($"/proc/self/fd/{fd}").LinkTarget ?? path;
            }
            catch (IOException)
            {
                real = path;
            }
            if (real.StartsWith("/proc/", StringComparison.Ordinal) || real.StartsWith("/sys/", StringComparison.Ordinal) || real.StartsWith("/dev/", StringComparison.Ordinal))
                throw new FetchException($"{path} is under /proc, /sys or /dev");
            if ((st.Mode & OtherRead) == 0) throw new FetchException($"{path} is not readable by every user of the agent's host (only such files are fetched from the agent)");
            for (var dir = Path.GetDirectoryName(real); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
            {
                if (TaskFiles.Stat(dir) is not { } d || (d.IsDirectory && (d.Mode & OtherSearch) == 0))
                    throw new FetchException($"{path} is in {dir}, which not every user of the agent's host may enter (only such files are fetched from the agent)");
            }
            return new FileStream(handle, FileAccess.Read, 1);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }
}
