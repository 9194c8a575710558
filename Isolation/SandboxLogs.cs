using System.Text;

namespace MiniMesos.Isolation;

/// <summary>
/// Keeps a task's stdout/stderr files under a size cap without a pipe through a helper: the command writes
/// with O_APPEND, so when a file grows past the cap its newest half is moved to the front and the file cut
/// there; the command's next write lands at the new end. Bytes written during the move may be lost.
/// </summary>
internal static class SandboxLogs
{
    public static readonly byte[] Marker = Encoding.ASCII.GetBytes("[minimesos: older output dropped to keep this file under its size cap]\n");

    public static void TrimAll(string sandbox, long capBytes)
    {
        if (capBytes <= 0)
        {
            return;
        }

        Trim(Path.Join(sandbox, TaskInit.StdoutFile), capBytes);
        Trim(Path.Join(sandbox, TaskInit.StderrFile), capBytes);
    }

    /// <summary>Keeps the newest half of the cap when <paramref name="path"/> is over it; true if it trimmed.</summary>
    public static bool Trim(string path, long capBytes)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.None);
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
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // a log we cannot trim is not worth failing the task for
        }
    }
}
