using System.Text;

namespace MiniMesos.Isolation;

/// <summary>
/// Keeps a task's stdout/stderr files under a size cap without a pipe through a helper: the command writes
/// with O_APPEND, so when a file grows past the cap its newest half is moved to the front and the file cut
/// there; the command's next write lands at the new end. Bytes written during the move may be lost.
/// The files are opened once, from the task's root-only meta dir, and trimmed through those fds: never by a
/// path opened again, and never a file with another name (a hardlink) or of another kind.
/// </summary>
internal sealed class SandboxLogs : IDisposable
{
    public static readonly byte[] Marker = Encoding.ASCII.GetBytes("[minimesos: older output dropped to keep this file under its size cap]\n");

    private readonly FileStream?[] _files;
    private readonly long _cap;

    private SandboxLogs(FileStream?[] files, long cap)
    {
        _files = files;
        _cap = cap;
    }

    /// <summary>The task's two logs in <paramref name="metaDir"/>, or null when there is no cap.</summary>
    public static SandboxLogs? Open(string metaDir, long capBytes) =>
        capBytes <= 0
            ? null
            : new SandboxLogs([Own(metaDir, TaskInit.StdoutFile), Own(metaDir, TaskInit.StderrFile)], capBytes);

    public void TrimAll()
    {
        foreach (var f in _files)
        {
            if (f is not null) Trim(f, _cap);
        }
    }

    public void Dispose()
    {
        foreach (var f in _files) f?.Dispose();
    }

    /// <summary>Trims the log at <paramref name="path"/> (opened without following links); true if it trimmed.</summary>
    public static bool Trim(string path, long capBytes)
    {
        using var f = Own(Path.GetDirectoryName(path) ?? "/", Path.GetFileName(path));
        return f is not null && Trim(f, capBytes);
    }

    /// <summary>Keeps the newest half of the cap when the file is over it; true if it trimmed.</summary>
    public static bool Trim(FileStream f, long capBytes)
    {
        try
        {
            var size = f.Length;
            if (size <= capBytes)
            {
                return false;
            }

            var keep = (int)Math.Min(capBytes / 2, int.MaxValue - Marker.Length);
            var tail = new byte[keep];
            f.Position = size - keep;
            f.ReadExactly(tail);
            f.Position = 0;
            f.Write(Marker);
            f.Write(tail);
            f.SetLength(Marker.Length + keep);
            f.Flush();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // a log we cannot trim is not worth failing the task for
        }
    }

    private static FileStream? Own(string dir, string name) => TaskFiles.OpenOwn(dir, name, FileAccess.ReadWrite, anyOwner: true);
}
